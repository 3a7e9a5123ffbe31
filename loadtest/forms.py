"""What a browser would submit from a page's form; used by the load test's trust lead."""

from html.parser import HTMLParser


class Form:
    def __init__(self, action: str) -> None:
        self.action = action
        self.fields: list[tuple[str, str]] = []


class FormFields(HTMLParser):
    """Every POST form on a page, with the fields a browser would submit from it
    (submit buttons, file inputs and disabled fields left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = Form(a.get("action") or "")
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        fields = self._form.fields
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = name
            fields.append((name, ""))
        elif tag == "select" and name and "disabled" not in a:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._select_value = value

    def handle_data(self, data):
        if self._form and self._textarea and self._form.fields[-1][0] == self._textarea:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form:
            value = self._select_value if self._select_value is not None else self._first_option
            self._form.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "form":
            self._form = None


def form_fields(html: str, having: str = "") -> tuple[str | None, list[tuple[str, str]]]:
    """The action and fields of the first POST form in ``html`` with a field whose name ends
    with ``having`` (any POST form when empty); (None, []) when there is none."""
    parser = FormFields()
    parser.feed(html)
    for form in parser.forms:
        if not having or any(name.endswith(having) for name, _ in form.fields):
            return form.action, form.fields
    return None, []
