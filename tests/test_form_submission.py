"""The browser-like form reader used by the re-save test sends what a browser sends."""

from tests.form_submission import page_forms, same_page

PAGE = "http://testserver/returns/1/sections/2/"


def _only(html: str):
    forms = page_forms(html, PAGE)
    assert len(forms) == 1
    return forms[0]


def test_a_date_the_browser_cannot_read_is_sent_blank():
    form = _only(
        '<form method="post"><input type="date" name="british" value="31/03/2027">'
        '<input type="date" name="iso" value="2027-03-31">'
        '<input type="date" name="impossible" value="2027-02-30">'
        '<input type="number" name="comma" value="1,5"><input type="number" name="n" value="-2.5">'
        '<input type="time" name="t" value="9:30"><button>Save</button></form>'
    )
    assert form.data(form.default_button()) == {
        "british": [""],
        "iso": ["2027-03-31"],
        "impossible": [""],
        "comma": [""],
        "n": ["-2.5"],
        "t": [""],
    }


def test_a_select_without_its_saved_value_sends_its_first_option():
    form = _only(
        '<form method="post"><select name="trust"><option value="" disabled>Choose</option>'
        '<option value="7">NUH</option><option value="8">SFH</option></select>'
        '<select name="kind"><option value="a">A</option><option value="b" selected>B</option>'
        "</select>"
        '<select name="many" multiple><option value="1" selected>1</option><option value="2">2'
        '</option><option value="3" selected disabled>3</option></select>'
        '<select name="label"><option selected>  Band   7 </option></select></form>'
    )
    assert form.data() == {"trust": ["7"], "kind": ["b"], "many": ["1"], "label": ["Band 7"]}


def test_disabled_unchecked_files_and_unpressed_buttons_send_nothing():
    form = _only(
        '<form method="post"><input name="off" value="x" disabled>'
        '<fieldset disabled><legend><input name="in_legend" value="y"></legend>'
        '<input name="in_fieldset" value="z"></fieldset>'
        '<input type="checkbox" name="box" value="1"><input type="checkbox" name="ticked" checked>'
        '<input type="file" name="upload"><input type="hidden" name="version" value="3">'
        '<button name="copy" value="1">Copy</button><button name="save" value="1">Save</button>'
        "</form>"
    )
    save = form.submitters()[1]
    assert form.data(save) == {
        "in_legend": ["y"],
        "ticked": ["on"],
        "version": ["3"],
        "save": ["1"],
    }
    assert form.default_button().attrs["name"] == "copy"


def test_controls_belong_to_the_form_they_name():
    forms = page_forms(
        '<form method="post" id="main"><input name="a" value="1">'
        '<button form="other" name="withdraw">Withdraw</button></form>'
        '<form method="post" id="other" action="/withdraw/9/"></form>'
        '<input name="outside" form="main" value="2">',
        PAGE,
    )
    main, other = forms
    assert main.data() == {"a": ["1"], "outside": ["2"]}
    assert [b.label for b in other.submitters()] == ["Withdraw"]
    assert other.action() == "http://testserver/withdraw/9/"
    assert same_page(main.action(), PAGE)


def test_text_comes_back_as_typed_with_browser_line_breaks():
    form = _only(
        '<form method="post"><textarea name="narrative">\nFirst line\nsecond &amp; last'
        '</textarea><input name="title" value="A &lt;b&gt; title"></form>'
    )
    assert form.data() == {
        "narrative": ["First line\r\nsecond & last"],
        "title": ["A <b> title"],
    }
