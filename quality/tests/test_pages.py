"""What leads, the programme team and the board see and do: entry and correction with history,
imports all-or-nothing, the surveillance page, the XLSX, the board section and query counts."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from boardpack.services import issue_pack
from lmns.board import read_cell, text
from lmns.models import ReportingPeriod
from quality import board
from quality.models import MonthlyFigure
from quality.selectors import add_months, last_complete_month
from quality.tests.factories import (
    AmbitionFactory,
    AmbitionTargetFactory,
    fill_series,
    measure,
    past_month,
)

pytestmark = pytest.mark.django_db

STABLE = [92, 94, 91, 93, 95, 92, 94, 93, 91, 92, 94, 93, 95, 92, 93, 94, 92, 93]


def _entry_url(trust, month):
    return f"{reverse('quality:entry', args=[trust.pk])}?month={month:%Y-%m}"


def _post_month(client, trust, month, figures: dict, reason="", status="provisional"):
    page = client.get(_entry_url(trust, month))
    form = page.context["form"]
    data = {"status": status, "reason": reason}
    for name in form.fields:
        if name.startswith(("num_", "den_", "v_")):
            value = form.initial.get(name)
            data[name] = "" if value is None else str(value)
    for code, (num, den) in figures.items():
        m = measure(code)
        data[f"num_{m.code}"] = num
        if den is not None:
            data[f"den_{m.code}"] = den
    return client.post(_entry_url(trust, month), data)


def test_a_lead_enters_a_month_then_corrects_it_with_a_reason(world, as_lead, as_team):
    month = past_month(1)
    response = _post_month(as_lead, world.trust, month, {"TRAIN-PROMPT": ("400", "500")})
    assert response.status_code == 302
    figure = MonthlyFigure.objects.get(trust=world.trust, month=month)
    assert figure.value == Decimal("80")  # computed, never typed

    refused = _post_month(as_lead, world.trust, month, {"TRAIN-PROMPT": ("450", "500")})
    assert refused.status_code == 200
    assert "Give the reason for the correction" in refused.content.decode()
    assert "450" in refused.content.decode()  # the input is kept

    _post_month(
        as_lead, world.trust, month, {"TRAIN-PROMPT": ("450", "500")}, reason="Late e-learning"
    )
    figure.refresh_from_db()
    assert figure.numerator == 450
    page = as_lead.get(_entry_url(world.trust, month)).content.decode()
    assert "Late e-learning" in page and "Corrected" in page
    chart = as_team.get(reverse("quality:chart", args=[world.trust.pk, "TRAIN-PROMPT"]))
    assert ">90%<" in chart.content.decode()  # the table of figures, a whole per cent


def test_an_over_long_reason_is_refused_with_a_message(world, as_lead):
    response = _post_month(
        as_lead, world.trust, past_month(1), {"TRAIN-PROMPT": ("4", "5")}, reason="A" * 501
    )
    assert response.status_code == 200 and "the limit is 500" in response.content.decode()
    assert not MonthlyFigure.objects.exists()


def test_impossible_figures_are_refused_naming_the_measure(world, as_lead):
    month = past_month(1)
    response = _post_month(as_lead, world.trust, month, {"ONE-TO-ONE": ("120", "100")})
    content = response.content.decode()
    assert "1:1 care in established labour" in content and "more than the denominator" in content
    assert not MonthlyFigure.objects.exists()
    # A fill rate may exceed 100%.
    _post_month(as_lead, world.trust, month, {"FILL-MW-DAY": ("1050", "1000")})
    assert MonthlyFigure.objects.get().value == Decimal("105")


def test_a_month_not_yet_ended_cannot_be_chosen(world, as_lead):
    this_month = add_months(last_complete_month(), 1)
    response = as_lead.get(_entry_url(world.trust, this_month))
    assert response.context["month"] == last_complete_month()


def _template(rows: str) -> io.BytesIO:
    f = io.BytesIO(f"month,ods_code,measure_id,numerator,denominator\n{rows}".encode())
    f.name = "figures.csv"
    return f


def test_the_template_import_previews_then_imports_everything(world, as_team):
    month = f"{past_month(1):%Y-%m}"
    rows = (
        f"{month},RX1,TRAIN-PROMPT,40,50\n{month},RK5,INCIDENTS-MOD,3,\n{month},RX1,TRAIN-NLS,*,\n"
    )
    upload = reverse("quality:import", args=[world.lmns.pk])
    response = as_team.post(
        upload, {"kind": "template", "status": "final", "file": _template(rows)}
    )
    assert response.status_code == 302
    assert not MonthlyFigure.objects.exists()  # nothing before the confirmation
    from lmns.models import ImportPreview

    assert ImportPreview.objects.get().owner == world.users["team"]  # not in the session
    preview = as_team.get(response.url).content.decode()
    assert "Multi-professional emergencies training" in preview and "not available" in preview
    as_team.post(response.url, {"confirm": "on"})
    assert MonthlyFigure.objects.count() == 3
    suppressed = MonthlyFigure.objects.get(measure__code="TRAIN-NLS")
    assert suppressed.not_available and suppressed.numerator is None  # never 0


def test_an_impossible_row_refuses_the_whole_file_naming_the_row(world, as_team):
    month = f"{past_month(1):%Y-%m}"
    future = f"{add_months(last_complete_month(), 1):%Y-%m}"
    rows = (
        f"{month},RX1,TRAIN-PROMPT,40,50\n{month},RX1,ONE-TO-ONE,60,50\n"
        f"{month},RX1,INCIDENTS-MOD,-2,\n{future},RX1,TRAIN-NLS,1,2\n"
    )
    response = as_team.post(
        reverse("quality:import", args=[world.lmns.pk]),
        {"kind": "template", "status": "final", "file": _template(rows)},
    )
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Row 3 (NUH, 1:1 care in established labour" in content
    assert "Row 4" in content and "Row 5" in content and "has not ended" in content
    assert not MonthlyFigure.objects.exists()


def test_the_msds_file_matches_trusts_and_measures_and_keeps_suppression(world, as_team):
    start = f"{past_month(1):%d/%m/%Y}"
    header = "ReportingPeriodStartDate,ReportingPeriodEndDate,Dimension,Org_Level,Org_Code,Org_Name,Measure,Count_Of,Final_value"
    lines = [
        header,
        f"{start},,CQIMSmokingDelivery,Provider,RX1,NUH,Numerator,,31",
        f"{start},,CQIMSmokingDelivery,Provider,RX1,NUH,Denominator,,540",
        f"{start},,CQIMSmokingDelivery,Provider,RX1,NUH,Rate,,5.7",
        f"{start},,CQIMSmokingDelivery,Provider,RK5,SFH,Numerator,,*",
        f"{start},,CQIMSmokingDelivery,Provider,RK5,SFH,Denominator,,*",
        f"{start},,CQIMSmokingDelivery,Provider,RGP,JPUH,Numerator,,20",
        f"{start},,CQIMSmokingDelivery,National,ALL,ALL,Numerator,,9000",
        f"{start},,CQIMApgar,Provider,RX1,NUH,Numerator,,4",
    ]
    f = io.BytesIO("\n".join(lines).encode())
    f.name = "msds-exp-data.csv"
    response = as_team.post(
        reverse("quality:import", args=[world.lmns.pk]),
        {"kind": "msds", "status": "provisional", "file": f},
    )
    preview = as_team.get(response.url)
    assert "4 rows of the file are for other" in preview.content.decode()
    as_team.post(response.url, {"confirm": "on"})
    nuh = MonthlyFigure.objects.get(trust=world.trust)
    assert nuh.value.quantize(Decimal("0.01")) == Decimal("5.74")
    sfh = MonthlyFigure.objects.get(trust=world.sibling_trust)
    assert sfh.not_available and sfh.numerator is None


def test_the_surveillance_page_puts_exceptions_first(world, as_board):
    fill_series(world.trust, "TRAIN-PROMPT", [*STABLE[:15], 70, 68, 66])  # concerning
    fill_series(world.sibling_trust, "TRAIN-PROMPT", [v - 15 for v in STABLE])  # failing 90%
    fill_series(world.trust, "FILL-MW-DAY", STABLE)
    fill_series(world.trust, "STILLBIRTH", [1, 0, 2, 0, 1, 0, 0, 1, 0, 1, 0, 0], denominator=400)
    response = as_board.get(reverse("quality:surveillance", args=[world.lmns.pk]))
    data = response.context["data"]
    assert data.rows[0]["measure"].code == "TRAIN-PROMPT"
    assert [(e.trust, e.measure.code) for e in data.exceptions] == [
        (world.trust, "TRAIN-PROMPT"),
        (world.sibling_trust, "TRAIN-PROMPT"),
    ]
    content = response.content.decode()
    assert "special cause concerning (beyond a process limit)" in content
    assert "consistently failing the target" in content
    assert "1.25 per 1,000 (12 months)" in content  # the stillbirths' rolling rate


DECIMAL_PER_CENT = re.compile(r"\d\.\d+\s*%")


def _quarter_of_last_month() -> ReportingPeriod:
    end = last_complete_month()
    return ReportingPeriod.objects.create(
        start_year=end.year if end.month >= 4 else end.year - 1,
        quarter=((end.month - 4) % 12) // 3 + 1,
    )


def test_per_cents_read_whole_everywhere_and_rates_per_1000_keep_their_decimals(
    world, as_team, as_lead
):
    period = _quarter_of_last_month()
    end = min(period.end_date.replace(day=1), last_complete_month())
    fill_series(world.trust, "TRAIN-PROMPT", [*STABLE[:15], 70, 68, 66.5], end=end)
    fill_series(
        world.trust, "STILLBIRTH", [1, 0, 2, 0, 1, 0, 0, 1, 0, 1, 0, 1], denominator=400, end=end
    )
    month = f"?month={end:%Y-%m}"
    pages = {
        "surveillance": as_team.get(reverse("quality:surveillance", args=[world.lmns.pk]) + month),
        "trust": as_lead.get(reverse("quality:trust", args=[world.trust.pk]) + month),
        "chart": as_lead.get(
            reverse("quality:chart", args=[world.trust.pk, "TRAIN-PROMPT"]) + month
        ),
        "pack": as_team.get(reverse("boardpack:pack", args=[world.lmns.pk, period.pk])),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert "67%" in html, name  # 66.5% as a person reads it
        assert not DECIMAL_PER_CENT.search(html), (name, DECIMAL_PER_CENT.search(html))
    assert "2.50 per 1,000" in pages["trust"].content.decode()  # a rate keeps its decimals
    chart = pages["chart"].content.decode()
    assert '<td class="num">67%</td>' in chart and "Target 90%" in chart
    assert re.search(r"Mean \d+%; process limits \d+% to \d+%", chart)

    pdf = as_team.get(reverse("boardpack:pdf", args=[world.lmns.pk, period.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "67%" in text and not DECIMAL_PER_CENT.search(text)


def test_the_xlsx_holds_the_figures_mean_limits_and_icons(world, as_team):
    fill_series(world.trust, "TRAIN-PROMPT", STABLE)
    response = as_team.get(reverse("quality:surveillance_xlsx", args=[world.lmns.pk]))
    sheet = load_workbook(io.BytesIO(response.content))["Figures"]
    headers = [c.value for c in sheet[1]]
    last = [c.value for c in sheet[sheet.max_row]]
    row = dict(zip(headers, last, strict=True))
    assert row["Measure id"] == "TRAIN-PROMPT" and row["Value"] == pytest.approx(93)
    assert row["Lower process limit"] < row["Mean"] < row["Upper process limit"]
    assert row["Variation (this month)"] == "Common cause variation"
    assert row["Assurance (this month)"].startswith("Hit and miss")  # 90% inside the limits


def test_the_board_section_suppresses_small_counts_and_an_issued_pack_keeps_its_figures(world):
    end = last_complete_month()
    period = ReportingPeriod.objects.create(
        start_year=end.year if end.month >= 4 else end.year - 1,
        quarter=((end.month - 4) % 12) // 3 + 1,
    )
    quarter_end = period.end_date.replace(day=1)
    fill_series(world.trust, "INCIDENTS-MOD", [3] * 18, end=min(quarter_end, end))
    fill_series(world.trust, "TRAIN-PROMPT", [*STABLE[:15], 70, 68, 66], end=min(quarter_end, end))
    section = board.build_quality(world.lmns, period).to_json()
    rows = {row[0]: row[1] for row in section["rows"]}
    assert rows["Incidents graded moderate harm or above"] == "fewer than 5"
    cells = {read_cell(r[0]).value: read_cell(r[1]) for r in section["tables"][1]["rows"]}
    assert cells["Incidents graded moderate harm or above"] == text("fewer than 5")
    prompt = next(c for name, c in cells.items() if name.startswith("Multi-professional"))
    assert (prompt.type, prompt.kind, prompt.value) == ("number", "percent", 66)
    assert section["exceptions"][0]["measure"].startswith("Multi-professional")
    assert "<svg" in section["exceptions"][0]["chart_svg"]
    pack = issue_pack(lmns=world.lmns, period=period, user=world.users["team"], expected_version=0)
    MonthlyFigure.objects.filter(measure__code="TRAIN-PROMPT").update(numerator=95)
    frozen = next(s for s in pack.snapshot["sections"] if s["key"] == "quality")
    assert frozen["data"]["exceptions"]  # the issued pack does not change


def test_pages_keep_a_fixed_query_count_with_years_of_figures(world, as_team, as_lead):
    # An LMNS ambition and a trust's own target on the charted measure: two queries more.
    for trust in (None, world.trust):
        ambition = AmbitionFactory(lmns=world.lmns, trust=trust, measure=measure("TRAIN-PROMPT"))
        AmbitionTargetFactory(ambition=ambition, due=add_months(last_complete_month(), 6))
    small_counts = {}
    for months in (18, 48):
        MonthlyFigure.objects.all().delete()
        for code in ("TRAIN-PROMPT", "FILL-MW-DAY", "STILLBIRTH", "INCIDENTS-MOD"):
            for trust in (world.trust, world.sibling_trust):
                fill_series(trust, code, [STABLE[i % 18] for i in range(months)], denominator=100)
        counts = {}
        for name, client, url in [
            ("surveillance", as_team, reverse("quality:surveillance", args=[world.lmns.pk])),
            ("trust", as_lead, reverse("quality:trust", args=[world.trust.pk])),
            ("chart", as_lead, reverse("quality:chart", args=[world.trust.pk, "TRAIN-PROMPT"])),
            ("entry", as_lead, reverse("quality:entry", args=[world.trust.pk])),
            ("xlsx", as_team, reverse("quality:surveillance_xlsx", args=[world.lmns.pk])),
        ]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[name] = len(queries)
        small_counts[months] = counts
    assert small_counts[18] == small_counts[48]
    assert small_counts[48]["surveillance"] <= 13
