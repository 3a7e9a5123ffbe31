from boardpack.styles import app_stylesheets, section_stylesheets


def test_an_apps_stylesheets_are_found_in_its_static_folder():
    assert app_stylesheets("boardpack") == (
        "boardpack/boardpack.css",
        "boardpack/pdf.css",
        "boardpack/print.css",
    )
    assert app_stylesheets("no_such_app") == ()


def test_a_pack_links_the_stylesheets_of_the_apps_that_drew_its_sections(monkeypatch):
    monkeypatch.setattr(
        "boardpack.styles.app_stylesheets",
        lambda label: {"funding": ("funding/funding.css",)}.get(label, ()),
    )
    pack = {
        "sections": [
            {"template": "funding/board_section.html"},
            {"template": "boardpack/section_tables.html"},
            {"template": "funding/other.html"},
            {"template": "gone/board.html"},
        ]
    }
    assert section_stylesheets(pack) == ["funding/funding.css"]
