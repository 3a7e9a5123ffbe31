"""Forms read from a page and submitted exactly as a browser does (the HTML standard's entry list).

``page_forms(html, url)`` returns every ``<form>`` of a page with the controls it owns (those
inside it and those elsewhere that name it with ``form=``). ``PageForm.entries(submitter)`` is
what a browser sends when that button is pressed:

* a control that is disabled (itself, or inside a disabled fieldset outside its first legend),
  has no name, or is a button other than the one pressed sends nothing; so do unchecked boxes
  and radio buttons, and file inputs (this harness never re-sends a file);
* an ``<input>`` sends its value as the browser holds it after its type's value sanitisation:
  a date, time, month, week or number the browser cannot parse is sent blank (``31/03/2027``
  in ``type="date"`` shows an empty control and is sent as ``""``), text loses line breaks,
  e-mail addresses and URLs lose surrounding spaces;
* a ``<select>`` sends its selected options; a single select with none marked ``selected`` (its
  saved value is not among the options) sends its first enabled option;
* a ``<textarea>`` sends its text without the single line break that may follow the start tag;
* every line break is sent as CR LF, as browsers encode them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUTTON_TYPES = {"submit", "reset", "button", "image"}
SUBMIT_TYPES = {"submit", "image"}
VOID = {"input", "br", "img", "hr", "meta", "link", "area", "base", "col", "embed", "source"}

_DATE = r"\d{4,}-(\d\d)-(\d\d)"
_TIME = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?"
PATTERNS = {
    "number": re.compile(r"-?(\d+|\d*\.\d+)([eE][-+]?\d+)?"),
    "date": re.compile(_DATE),
    "time": re.compile(_TIME),
    "datetime-local": re.compile(rf"{_DATE}[T ]{_TIME}"),
    "month": re.compile(r"\d{4,}-(0[1-9]|1[0-2])"),
    "week": re.compile(r"\d{4,}-W(0[1-9]|[1-4]\d|5[0-3])"),
}
DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _valid_date_parts(value: str) -> bool:
    match = re.match(_DATE, value)
    if not match:
        return True
    year, month, day = int(value.split("-")[0]), int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    limit = 29 if month == 2 and leap else 28 if month == 2 else DAYS_IN_MONTH[month - 1]
    return day <= limit


def sanitise(input_type: str, value: str) -> str:
    """An ``<input>``'s value as the browser holds it (the standard's value sanitisation)."""
    if input_type in ("text", "search", "tel", "password"):
        return value.replace("\r", "").replace("\n", "")
    if input_type in ("email", "url"):
        return value.replace("\r", "").replace("\n", "").strip(" \t\n\f\r")
    if input_type in PATTERNS:
        ok = PATTERNS[input_type].fullmatch(value) and _valid_date_parts(value)
        if input_type == "number" and ok:
            ok = abs(float(value)) != float("inf")
        return value if ok else ""
    if input_type == "range":
        return value if PATTERNS["number"].fullmatch(value) else "50"
    if input_type == "color":
        return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else "#000000"
    return value


def crlf(value: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", value)


@dataclass
class Option:
    value: str | None
    label: str = ""
    selected: bool = False
    disabled: bool = False

    @property
    def sent(self) -> str:
        # Without a value attribute an option sends its text, with whitespace collapsed.
        return self.value if self.value is not None else " ".join(self.label.split())


@dataclass
class Control:
    tag: str
    attrs: dict
    disabled: bool
    form_index: int | None
    text: str = ""
    options: list[Option] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.attrs.get("name") or ""

    @property
    def type(self) -> str:
        if self.tag == "button":
            kind = (self.attrs.get("type") or "submit").lower()
            return kind if kind in BUTTON_TYPES else "submit"
        if self.tag == "input":
            return (self.attrs.get("type") or "text").lower()
        return self.tag

    @property
    def is_submit(self) -> bool:
        return self.tag in ("button", "input") and self.type in SUBMIT_TYPES

    @property
    def is_button(self) -> bool:
        return self.tag in ("button", "input") and self.type in BUTTON_TYPES

    @property
    def label(self) -> str:
        if self.tag == "input":
            return self.attrs.get("value") or ""
        return " ".join(self.text.split())

    @property
    def visible(self) -> bool:
        """A field a person fills in (not hidden, not a button)."""
        return not self.is_button and self.type != "hidden"

    def values(self) -> list[str]:
        """What this control sends when its form is submitted (buttons aside)."""
        if self.disabled or not self.name or self.is_button:
            return []
        if self.tag == "select":
            return [option.sent for option in self.selected_options()]
        if self.tag == "textarea":
            return [crlf(self.text)]
        kind = self.type
        if kind in ("checkbox", "radio"):
            return [crlf(self.attrs.get("value") or "on")] if "checked" in self.attrs else []
        if kind == "file":
            return []
        return [crlf(sanitise(kind, self.attrs.get("value") or ""))]

    def selected_options(self) -> list[Option]:
        if "multiple" in self.attrs:
            return [o for o in self.options if o.selected and not o.disabled]
        chosen = [o for o in self.options if o.selected]
        if chosen:
            choice = chosen[-1]
        else:
            choice = next((o for o in self.options if not o.disabled), None)
        return [choice] if choice is not None and not choice.disabled else []


@dataclass
class PageForm:
    attrs: dict
    page_url: str
    controls: list[Control] = field(default_factory=list)

    @property
    def method(self) -> str:
        return (self.attrs.get("method") or "get").lower()

    def action(self, submitter: Control | None = None) -> str:
        action = (submitter.attrs.get("formaction") if submitter else None) or self.attrs.get(
            "action", ""
        )
        return urljoin(self.page_url, action) if action else self.page_url

    def submitters(self) -> list[Control]:
        return [c for c in self.controls if c.is_submit and not c.disabled]

    def default_button(self) -> Control | None:
        """The button that pressing Enter in a field presses: the first submit button."""
        buttons = self.submitters()
        return buttons[0] if buttons else None

    def entries(self, submitter: Control | None = None) -> list[tuple[str, str]]:
        sent = []
        for control in self.controls:
            if control is submitter and control.name:
                if control.type == "image":
                    sent += [(f"{control.name}.x", "0"), (f"{control.name}.y", "0")]
                else:
                    sent.append((control.name, crlf(control.attrs.get("value") or "")))
                continue
            sent += [(control.name, value) for value in control.values()]
        return sent

    def data(self, submitter: Control | None = None) -> dict[str, list[str]]:
        """The entries as the Django test client posts them."""
        grouped: dict[str, list[str]] = {}
        for name, value in self.entries(submitter):
            grouped.setdefault(name, []).append(value)
        return grouped


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.form_ids: dict[str, int] = {}
        self.controls: list[tuple[Control, str | None]] = []
        self.open_form: int | None = None
        # Fieldsets as [disabled, legends seen, inside the first legend].
        self.fieldsets: list[list] = []
        self.text_of: Control | None = None
        self.select: Control | None = None
        self.option: Option | None = None
        self.optgroup_disabled = False
        self.textarea_start = False

    def _disabled_by_fieldset(self) -> bool:
        return any(disabled and not in_first for disabled, _, in_first in self.fieldsets)

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form" and self.open_form is None:
            self.forms.append(PageForm(attrs, self.page_url))
            self.open_form = len(self.forms) - 1
            if attrs.get("id"):
                self.form_ids.setdefault(attrs["id"], self.open_form)
        elif tag == "fieldset":
            self.fieldsets.append(["disabled" in attrs, 0, False])
        elif tag == "legend" and self.fieldsets:
            fieldset = self.fieldsets[-1]
            fieldset[1] += 1
            fieldset[2] = fieldset[1] == 1
        elif tag in ("input", "button", "select", "textarea"):
            control = Control(
                tag,
                attrs,
                disabled="disabled" in attrs or self._disabled_by_fieldset(),
                form_index=self.open_form,
            )
            self.controls.append((control, attrs.get("form")))
            if tag in ("button", "textarea"):
                self.text_of = control
                self.textarea_start = tag == "textarea"
            elif tag == "select":
                self.select = control
        elif tag == "optgroup":
            self.optgroup_disabled = "disabled" in attrs
        elif tag == "option" and self.select is not None:
            self.option = Option(
                attrs.get("value"),
                selected="selected" in attrs,
                disabled="disabled" in attrs or self.optgroup_disabled,
            )
            self.select.options.append(self.option)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self.open_form = None
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()
        elif tag == "legend" and self.fieldsets:
            self.fieldsets[-1][2] = False
        elif tag in ("button", "textarea"):
            self.text_of = None
        elif tag == "select":
            self.select = None
            self.option = None
        elif tag == "option":
            self.option = None
        elif tag == "optgroup":
            self.optgroup_disabled = False

    def handle_data(self, data):
        if self.text_of is not None:
            if self.textarea_start and data.startswith("\n"):
                data = data[1:]
            self.textarea_start = False
            self.text_of.text += data
        elif self.option is not None:
            self.option.label += data

    def finish(self) -> list[PageForm]:
        for control, form_attribute in self.controls:
            if form_attribute is not None:
                index = self.form_ids.get(form_attribute)
            else:
                index = control.form_index
            if index is not None:
                self.forms[index].controls.append(control)
        return self.forms


def page_forms(html: str, page_url: str) -> list[PageForm]:
    """Every form of the page, each with the controls it owns, in document order."""
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.finish()


def same_page(url: str, other: str) -> bool:
    """Whether two URLs name the same path (and query) on this site."""
    a, b = urlsplit(url), urlsplit(other)
    return (a.path, a.query) == (b.path, b.query)
