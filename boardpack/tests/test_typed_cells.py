"""Typed cells: a newly issued pack's spreadsheet holds real numbers and dates; a pack issued
before cells were typed (snapshot schema 1) still reads and exports exactly as it did."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assurance.tests.factories import rated_return
from boardpack.models import BoardPack
from boardpack.services import SNAPSHOT_SCHEMA
from deliverables.tests.factories import DeliverableFactory, DeliverableUpdateFactory, PlanFactory
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory, make_funded
from lmns import board
from lmns.board import Cell, Section, Table
from lmns.models import RagStatus

from .factories import BoardPackFactory, snapshot_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    """A per cent (assurance), money (funding) and a recovery date (deliverables) to show."""
    rated_return(world.trust, world.period, {"IEA1": "93.5", "IEA7": 57})
    funded = make_funded(world)
    SpendEntryFactory(
        budget_line=funded.central,
        spend_return=SpendReturnFactory(lmns=world.lmns, period=world.period),
        actual=Decimal("2500.50"),
    )
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns), title="Smoking at delivery")
    DeliverableUpdateFactory(
        deliverable=deliverable,
        period=world.period,
        status=RagStatus.OFF_TRACK,
        narrative="Recruitment slipped",
        recovery_action="Agency cover",
        recovery_date=datetime.date(2023, 1, 31),
    )


def _issue(world) -> BoardPack:
    client = world.client_for("team")
    url = reverse("boardpack:issue", args=[world.lmns.pk, world.period.pk])
    response = client.post(url, {"expected_version": 0, "confirm": "on"})
    assert response.status_code == 302
    return BoardPack.objects.get(lmns=world.lmns, period=world.period)


def _workbook(world, pack=None):
    query = f"?version={pack.version}" if pack else ""
    url = reverse("boardpack:xlsx", args=[world.lmns.pk, world.period.pk]) + query
    response = world.client_for("board").get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _column(sheet, heading: str) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(heading)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def test_a_newly_issued_packs_workbook_holds_numbers_and_dates(world, figures):
    pack = _issue(world)
    assert pack.snapshot["schema"] == SNAPSHOT_SCHEMA == board.TABLE_CELLS_TYPED
    book = _workbook(world, pack)

    iea1 = _column(book["compliance"], "IEA1 Enhanced safety")[0]
    assert iea1.data_type == "n" and iea1.value == pytest.approx(93.5)
    assert iea1.number_format == '0"%"'  # reads as a whole per cent, holds the exact one
    iea7 = _column(book["compliance"], "IEA7 Informed consent")[0]
    assert iea7.value == 57

    allocation = _column(book["funding_by_stream"], "Allocation")[-1]
    assert allocation.data_type == "n" and allocation.value == 100000
    assert "£" in allocation.number_format
    spent = _column(book["funding_by_stream"], "Spent (actual to date)")[-1]
    assert spent.value == pytest.approx(2500.5)

    recovery = _column(book["deliverable_exceptions"], "Recovery by")[0]
    assert recovery.is_date and recovery.value.date() == datetime.date(2023, 1, 31)
    assert _column(book["deliverable_exceptions"], "Deliverable")[0].value == "Smoking at delivery"


def test_a_newly_issued_pack_reads_its_typed_cells_as_people_do(world, figures):
    pack = _issue(world)
    page = world.client_for("board").get(
        reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk])
    )
    html = page.content.decode()
    assert "(by 31 Jan 2023)" in html  # a date as a person reads it, not 2023-01-31
    assert "£100,000" in html and "£2,501" in html  # money through lmns.formatting
    assert ">94%<" in html  # 93.5% reads as a whole per cent

    url = reverse("boardpack:csv", args=[world.lmns.pk, world.period.pk, "compliance"])
    rows = list(
        csv.reader(io.StringIO(world.client_for("board").get(url).content.decode("utf-8-sig")))
    )
    nuh = next(row for row in rows if row[0] == "NUH")
    assert nuh[2] == "93.5"  # the exact figure, a number Excel reads as one
    assert pack.version == 1


def _old_snapshot(pack) -> dict:
    """A snapshot as packs were issued before cells were typed (schema 1): text for figures."""
    snapshot = snapshot_for(pack)
    funding = {
        "has_data": True,
        "provisional": False,
        "financial_year": "2018/19",
        "quarter": 3,
        "trusts_reported": "",
        "messages": [{"text": "£67,000 behind profile", "priority": 70}],
        "links": [],
        "not_agreed": [],
        "month6": None,
        "tables": [
            {
                "key": "funding_by_stream",
                "caption": "Funding 2018/19 to the end of Q3, by stream",
                "headers": ["Stream", "Allocation", "Spent (actual to date)"],
                "rows": [["Line A", "458000.00", ""]],
            }
        ],
    }
    plain = {
        "has_data": True,
        "provisional": False,
        "messages": [],
        "links": [],
        "not_agreed": [],
        "tables": [
            {
                "key": "deliverable_exceptions",
                "caption": "Deliverables off track, at risk or overdue",
                "headers": ["No.", "Recovery by", "Score"],
                "rows": [["4a", "2023-01-31", 16]],
            }
        ],
    }
    snapshot["sections"] = [
        {
            "key": "funding",
            "title": "Funding",
            "order": 40,
            "error": "",
            "empty_message": "",
            "template": "funding/board_section.html",
            "data": funding,
        },
        {
            "key": "plain",
            "title": "Deliverables",
            "order": 30,
            "error": "",
            "empty_message": "",
            "template": "boardpack/section_tables.html",
            "data": plain,
        },
    ]
    snapshot["messages"] = [
        {**funding["messages"][0], "section": "Funding", "section_key": "funding"}
    ]
    return snapshot


@pytest.fixture
def old_pack(world) -> BoardPack:
    pack = BoardPackFactory.build(
        lmns=world.lmns, period=world.period, issued_by=world.users["team"]
    )
    pack.snapshot = _old_snapshot(pack)
    pack.save()
    assert "schema" in pack.snapshot and pack.snapshot["schema"] == 1
    return pack


def test_a_pack_issued_before_cells_were_typed_still_reads_its_text(world, old_pack):
    page = world.client_for("board").get(reverse("boardpack:latest", args=[world.lmns.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "£458,000" in text  # the funding template reads the old text by its heading
    assert "not yet reported" in text
    assert "<td>2023-01-31</td>" in text  # exactly as it was frozen
    assert "<td>16</td>" in text


def test_a_pack_issued_before_cells_were_typed_exports_as_before(world, old_pack):
    book = _workbook(world, old_pack)
    funding = book["funding_by_stream"]
    assert funding["B2"].value == 458000 and funding["B2"].data_type == "n"
    assert funding["C2"].value is None  # not yet reported: blank, never £0
    plain = book["deliverable_exceptions"]
    assert plain["B2"].is_date and plain["B2"].value.date() == datetime.date(2023, 1, 31)
    assert plain["C2"].value == 16

    url = reverse("boardpack:csv", args=[world.lmns.pk, world.period.pk, "funding_by_stream"])
    response = world.client_for("board").get(url + f"?version={old_pack.version}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["Line A", "458000.00", ""]


def test_cells_keep_their_type_through_the_snapshot():
    cells = [
        board.percent(Decimal("65.50")),
        board.money(Decimal("458000.00")),
        board.money(None),
        board.points(Decimal("-12")),
        board.number(16),
        board.date(datetime.date(2027, 3, 31)),
        board.text("=SUM(A1)"),
    ]
    frozen = [board.read_cell(c.to_json()) for c in cells]
    assert frozen == cells
    assert [c.text for c in frozen] == [
        "66%",
        "£458,000",
        "",
        "▼ 12",
        "16",
        "31 Mar 2027",
        "=SUM(A1)",
    ]
    assert frozen[0].value == Decimal("65.5")  # the exact figure is kept


def test_a_section_is_json_ready_with_its_view_beside_the_contract():
    section = Section(
        has_data=True,
        messages=[board.Message("low", 1), board.Message("high", 9)],
        tables=[Table("t", "A table", ["Trust", "Due"], [["NUH", datetime.date(2027, 3, 31)]])],
        view={"spent": Decimal("1.50")},
    ).to_json()
    assert [m["text"] for m in section["messages"]] == ["high", "low"]
    assert section["spent"] == "1.50"
    assert section["tables"][0]["rows"][0] == [
        {"type": "text", "value": "NUH"},
        {"type": "date", "value": "2027-03-31"},
    ]
    assert isinstance(board.read_cell(section["tables"][0]["rows"][0][1]), Cell)
