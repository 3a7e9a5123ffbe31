"""The upload reader (``lmns/uploads.py``): every limit is checked before the work it bounds.

Every importer reads through it; ``tests/test_upload_pages.py`` sends hostile files to each
importer's upload page.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from lmns import uploads
from lmns.text import NARRATIVE, ONE_LINE
from lmns.uploads import UploadError, read_table

HEADER = "number,title,text,status,narrative\n"


def _csv(text: str | bytes, name="plan.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def _read(upload, **kwargs):
    kwargs.setdefault("max_rows", 10)
    return read_table(upload, **kwargs)


def _refusal(upload, **kwargs) -> str:
    with pytest.raises(UploadError) as refused:
        _read(upload, **kwargs)
    return str(refused.value)


def _workbook(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet_xml``."""
    source = zipfile.ZipFile(io.BytesIO(_workbook([["number", "title"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(info.filename, data)
    return out.getvalue()


def _sheet(rows: int, padding: int = 0) -> bytes:
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n}</t></is></c></row>'
        for n in range(1, rows + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData>{' ' * padding}</worksheet>"
    ).encode()


class NeverRead:
    """An upload that declares its size and fails the test if anything reads it."""

    name = "huge.csv"
    size = 101_000_000

    def seek(self, *args):
        raise AssertionError("the file was opened")

    read = seek


# -- size and kind ----------------------------------------------------------------------------
def test_a_file_over_the_cap_is_refused_from_its_declared_size_unread():
    assert "101.0 MB" in _refusal(NeverRead())


def test_a_file_on_disk_is_refused_from_its_size_before_it_is_opened(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as sparse:
        sparse.truncate(6_000_000)
    assert "files to import may be at most 5.0 MB" in _refusal(path)


def test_only_the_kinds_the_importer_reads_are_accepted():
    assert _refusal(_csv("a,b\n1,2\n", "plan.xlsx.exe")) == "Choose a .csv or .xlsx file."
    assert _refusal(_csv("a\n1\n", "plan.xlsx"), kinds=("csv",)) == "Choose a .csv file."


# -- decoding ---------------------------------------------------------------------------------
def test_utf8_with_or_without_a_byte_order_mark_is_read():
    for content in [
        "title\nCarbon monoxide – testing\n",
        "\ufefftitle\nCarbon monoxide – testing\n",
    ]:
        table = _read(_csv(content))
        assert table.header == ("title",) and table.rows[0].cells == ("Carbon monoxide – testing",)


def test_a_file_that_is_not_utf8_says_so_and_how_to_save_it():
    message = _refusal(_csv("title\nFirst\nCarbon monoxide – testing\n".encode("cp1252")))
    assert "not UTF-8 text" in message and "line 3" in message and "CSV UTF-8" in message


# -- rows, columns, cells ---------------------------------------------------------------------
def test_reading_stops_after_max_rows_plus_one_and_refuses(monkeypatch):
    pulled = []
    real = uploads._xlsx_rows

    def counted(content):
        for row in real(content):
            pulled.append(row)
            yield row

    monkeypatch.setattr(uploads, "_xlsx_rows", counted)
    upload = _csv(_with_sheet(_sheet(100_000)), "plan.xlsx")

    message = _refusal(upload, max_rows=1000)

    assert message == (
        "The file has more than 1,000 rows under its header; import at most 1,000 rows at a time."
    )
    assert len(pulled) == 1002  # the header, 1,000 rows, and the one too many


def test_exactly_max_rows_are_accepted():
    rows = "".join(f"{n},Title {n}\n" for n in range(10))
    assert len(_read(_csv("number,title\n" + rows), max_rows=10).rows) == 10


def test_a_workbook_is_read_in_read_only_mode(monkeypatch):
    import openpyxl

    seen = {}
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    table = _read(_csv(_workbook([["number", "title"], [4, "Staffing"]]), "plan.xlsx"))
    assert seen["read_only"] is True
    assert table.rows[0].cells == ("4", "Staffing")


def test_a_zip_bomb_is_refused_before_the_workbook_is_opened(monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    bomb = _with_sheet(_sheet(2, padding=51_000_000))
    assert len(bomb) < 1_000_000  # small on the wire

    message = _refusal(_csv(bomb, "plan.xlsx"))

    assert "unpacks to 51.0 MB, more than the 50.0 MB" in message


def test_a_csv_cell_over_pythons_field_limit_is_a_problem_with_the_file():
    message = _refusal(_csv(HEADER + '1,Title,"' + "A" * 200_000 + '",On track,\n'))
    assert message.startswith("Row 2: a cell is longer than 131,072 characters")


def test_each_cell_has_the_limit_of_the_field_it_fills_and_the_rule_on_control_characters():
    limits = {"title": ONE_LINE, "narrative": NARRATIVE}
    content = (
        "title,narrative,notes\n"
        f"{'T' * 301},fine,{'ignored ' * 100}\n"
        f"Fine,{'N' * 10_001},\n"
        '"Tab\tand line\nbreak kept","Line one\x0bline two",\n'
        "NUL\x00here,ok,\n"
    )
    with pytest.raises(UploadError) as refused:
        _read(_csv(content), limit_for=limits.get)
    assert refused.value.problems == [
        "Row 2, column title: it is 301 characters long; the limit is 300.",
        "Row 3, column narrative: it is 10,001 characters long; the limit is 10,000.",
        "Row 4, column narrative: it holds an invisible line break pasted from Word or Excel (a "
        "vertical tab or form feed); retype the line break, or remove it, and import again.",
        "Row 5, column title: it holds an invisible control character (U+0000) that cannot be "
        "saved.",
    ]


def test_too_many_columns_or_empty_rows_are_refused():
    assert "more than 100 columns" in _refusal(_csv("a\n" + ",".join("x" * 101) + "\n"))
    assert "more than 1,000 empty rows" in _refusal(_csv("a\n" + ",\n" * 1001 + "x\n"))


def test_an_empty_file_and_a_header_without_rows_are_refused():
    assert _refusal(_csv("\n\n")) == "The file is empty."
    assert _refusal(_csv(HEADER)) == (
        "The file has only its header row, with no rows under it: there was nothing to import."
    )


def test_the_table_keeps_the_files_name_and_sha256():
    import hashlib

    content = HEADER + "1,Title,,On track,\n"
    table = _read(_csv(content))
    assert table.name == "plan.csv"
    assert table.sha256 == hashlib.sha256(content.encode()).hexdigest()
    assert table.rows[0].number == 2
