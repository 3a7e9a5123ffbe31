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


def test_no_app_linked_into_the_pack_page_brings_a_pdf_page_stylesheet():
    """A stylesheet written for WeasyPrint (``@page``, links not underlined) linked on screen
    takes the underline off the pack's links, which axe then finds indistinguishable."""
    from pathlib import Path

    from django.apps import apps
    from django.contrib.staticfiles import finders

    for config in apps.get_app_configs():
        if config.label == "boardpack":
            continue
        for path in app_stylesheets(config.label):
            text = Path(finders.find(path)).read_text(encoding="utf-8")
            assert "@page" not in text, f"{path} is for PDFs: keep it out of static/{config.label}/"
