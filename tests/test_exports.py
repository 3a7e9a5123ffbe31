"""Every export goes through the kit (``lmns/exports.py``): each XLSX opens with typed numbers and
dates, a frozen header and an autofilter; each CSV starts with a byte-order mark; no control
character in a record or an issued pack's snapshot can break a file."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from boardpack.models import BoardPack, IssuedPackXlsx
from boardpack.services import issue_pack
from deliverables.tests.factories import DeliverableFactory, PlanFactory
from funding.tests.factories import BudgetLineFactory
from lmns import exports
from quality.tests.factories import fill_series

BOM = b"\xef\xbb\xbf"
VT = "Line one\x0bline two\x0cand\x00more"
# What a database can hold: PostgreSQL stores no NUL, and every form refuses one anyway.
STORED = VT.replace("\x00", "\x01")


def _table_sheets(book):
    """Sheets that hold a table (the About sheets hold notes)."""
    return [s for s in book.worksheets if s.title != "About"]


def _assert_tables(book):
    sheets = _table_sheets(book)
    assert sheets
    for sheet in sheets:
        assert sheet.freeze_panes is not None, sheet.title
        assert sheet.auto_filter.ref, sheet.title
        header = int(sheet.freeze_panes[1:]) - 1
        assert all(c.font.b for c in sheet[header] if c.value), sheet.title
        for column in sheet.column_dimensions.values():
            assert column.width <= exports.MAX_WIDTH


def test_kit_types_cleans_and_guards():
    when = datetime.datetime(2027, 3, 31, 14, 5, tzinfo=datetime.UTC)
    body = exports.workbook(
        [
            exports.Sheet(
                "Things: [1]",
                ["Title", "Amount", "Due", "At"],
                [['=HYPERLINK("x")', Decimal("12.50"), datetime.date(2027, 3, 31), when]]
                + [[VT, 3, None, None], ["x" * 500, None, None, None]],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.title == "Things   1"
    formula, amount, due, at = sheet[2]
    assert formula.value == '=HYPERLINK("x")' and formula.data_type == "s"
    assert formula.quotePrefix  # text, with no visible apostrophe
    assert amount.value == 12.5 and amount.data_type == "n"
    assert due.is_date and due.value.date() == datetime.date(2027, 3, 31)
    assert due.number_format == "d mmm yyyy"
    assert at.is_date and at.number_format == "d mmm yyyy, hh:mm"
    assert sheet["A3"].value == "Line one line two and more"
    assert sheet["A4"].alignment.wrap_text
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    text = exports.csv_text(["Title"], [[VT], ["=1+2"], [None]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [
        ["Title"],
        ["Line one line two and more"],
        ["'=1+2"],
        [""],
    ]


def test_funding_xlsx_has_real_numbers_and_survives_a_vertical_tab(world):
    line = BudgetLineFactory(stream__lmns=world.lmns, stream__start_year=2022)
    type(line).objects.filter(pk=line.pk).update(title=STORED)  # an old record, before validation
    response = world.client_for("team").get(reverse("funding:export", args=[world.lmns.pk, 2022]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    _assert_tables(book)
    sheet = _table_sheets(book)[1]
    assert sheet["A4"].value == "Line one line two and more"
    assert sheet["E4"].data_type == "n"  # Q1 profile


def test_plan_exports_typed_with_bom(world):
    plan = PlanFactory(lmns=world.lmns)
    DeliverableFactory(plan=plan, title=STORED, due_date=datetime.date(2027, 3, 31))
    team = world.client_for("team")
    xlsx = team.get(reverse("deliverables:plan_export", args=[plan.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    _assert_tables(book)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    due = sheet.cell(row=2, column=headers.index("Due") + 1)
    assert due.is_date and due.value.date() == datetime.date(2027, 3, 31)
    assert sheet.cell(row=2, column=2).value == "Line one line two and more"
    csv_response = team.get(reverse("deliverables:plan_export", args=[plan.pk, "csv"]))
    assert csv_response.content.startswith(BOM)


def test_quality_exports(world):
    fill_series(world.trust, "TRAIN-PROMPT", [92, 94, 91, 93, 95, 92, 94, 93, 91, 92, 94, 93])
    team = world.client_for("team")
    response = team.get(reverse("quality:surveillance_xlsx", args=[world.lmns.pk]))
    book = load_workbook(io.BytesIO(response.content))
    _assert_tables(book)
    month = book["Figures"]["F2"]
    assert month.is_date and month.number_format == "mmm yyyy"
    template = team.get(reverse("quality:import_template", args=[world.lmns.pk]))
    assert template.content.startswith(BOM)


@pytest.mark.django_db
def test_issued_pack_with_a_control_character_still_exports(world):
    issue_pack(lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0)
    pack = BoardPack.objects.get(lmns=world.lmns, period=world.period)
    # A snapshot frozen before the text rule: a vertical tab in a message and a table.
    snapshot = pack.snapshot
    snapshot["messages"] = [{"section": "Funding", "text": STORED, "priority": 1}]
    BoardPack.objects.filter(pk=pack.pk).update(snapshot=snapshot)
    # Issued before spreadsheets were kept: written from the snapshot at its first download.
    IssuedPackXlsx.objects.filter(pack=pack)._raw_delete(IssuedPackXlsx.objects.db)
    board = world.client_for("board")
    xlsx = board.get(reverse("boardpack:xlsx", args=[world.lmns.pk, world.period.pk]))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    _assert_tables(book)
    assert book["key-messages"]["B2"].value == "Line one line two and more"
    csv_response = board.get(
        reverse("boardpack:csv", args=[world.lmns.pk, world.period.pk, "key-messages"])
    )
    assert csv_response.content.startswith(BOM)
    assert "Line one line two and more" in csv_response.content.decode("utf-8-sig")
