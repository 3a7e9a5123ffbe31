"""The issue's checks, on the BLMK 2018/19 demo data, as the people who would use it."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from funding import demo as funding_demo
from funding.models import BudgetLine, SpendEntry, SpendReturn, SpendReturnStatus
from funding.selectors import funding_year
from lmns import demo as core_demo
from lmns.models import Lmns, Trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def blmk(db) -> Lmns:
    core_demo.load()
    funding_demo.load()
    return Lmns.objects.get(short_name="BLMKLMNS")


def client_for(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def line(title_start: str) -> BudgetLine:
    return BudgetLine.objects.get(title__startswith=title_start)


def test_demo_load_is_idempotent(blmk):
    counts = (BudgetLine.objects.count(), SpendEntry.objects.count(), SpendEntry.history.count())
    funding_demo.load()
    assert (
        BudgetLine.objects.count(),
        SpendEntry.objects.count(),
        SpendEntry.history.count(),
    ) == counts
    assert counts[0] == 11


def test_team_sees_the_458k_allocation_and_lines_that_add_up(blmk):
    response = client_for("blmk-team").get(reverse("funding:year", args=[blmk.pk, 2018]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "£458,000" in page
    year = response.context["year"]
    assert year.totals["allocation"] == Decimal("458000")
    assert year.totals["approved"] == Decimal("458000")
    assert len(year.lines) == 11
    assert "Clinical lead midwife (Band 8a, 0.6 WTE)" in page
    # Each line shows the deliverable it serves.
    assert "Every woman has a personalised care plan" in page


def test_month6_review_names_the_line_behind_profile(blmk):
    response = client_for("blmk-team").get(reverse("funding:month6", args=[blmk.pk, 2018]))
    page = strip_tags(response.content.decode())
    behind = response.context["review"].behind
    assert [b.title for b in behind] == ["Continuity of carer: pilot set-up costs"]
    assert behind[0].variance_profile == Decimal("-16000")
    assert "−£16,000 under profile" in page
    # Forecast £433,000 against £458,000: £25,000 under, inside the 10% threshold.
    assert "On track to spend its full allocation" in page
    assert "£25,000 under" in page


def test_trust_lead_enters_q3_for_their_own_line_only(blmk):
    keynes = line("Project manager, Milton Keynes")
    luton = line("Project manager, Luton")
    central = line("Public health midwife")
    lead = client_for("mkuh-lead")

    url = reverse("funding:entry_edit", args=[keynes.pk, 3])
    form = lead.get(url)
    assert form.status_code == 200
    response = lead.post(
        url,
        {
            "actual": "13,000",
            "accruals": "0",
            "commitments": "0",
            "forecast_outturn": "52000",
            "narrative": "",
            "version": "0",
        },
    )
    assert response.status_code == 302
    entry = SpendEntry.objects.get(budget_line=keynes, quarter=3)
    assert entry.actual == Decimal("13000")
    assert entry.spend_return.status == SpendReturnStatus.DRAFT

    assert lead.get(reverse("funding:entry_edit", args=[luton.pk, 3])).status_code == 404
    assert lead.post(reverse("funding:entry_edit", args=[luton.pk, 3]), {}).status_code == 404
    assert lead.get(reverse("funding:entry_edit", args=[central.pk, 3])).status_code == 404
    # The team enters central lines, and a late trust's lines on the trust's behalf.
    team = client_for("blmk-team")
    for_luton = team.get(reverse("funding:entry_edit", args=[luton.pk, 3]))
    assert for_luton.status_code == 200
    assert "figures on the trust's behalf" in for_luton.content.decode()
    assert team.get(reverse("funding:entry_edit", args=[central.pk, 3])).status_code == 200

    # The Q3 return page shows the lead only their trust's line.
    page = lead.get(reverse("funding:return_detail", args=[blmk.pk, 2018, 3])).content.decode()
    assert "Project manager, Milton Keynes" in page
    assert "Project manager, Luton" not in page
    assert "Public health midwife" not in page


def test_variance_beyond_both_thresholds_needs_a_narrative(blmk):
    luton = line("Project manager, Luton")
    lead = client_for("ldh-lead")
    url = reverse("funding:entry_edit", args=[luton.pk, 3])
    data = {
        "actual": "2000",
        "accruals": "0",
        "commitments": "0",
        "forecast_outturn": "41000",
        "narrative": "",
        "version": "0",
    }
    response = lead.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "£11,000 under profile this quarter" in page
    assert "explain the variance" in page
    assert 'value="2000"' in page  # the input is kept
    assert not SpendEntry.objects.filter(budget_line=luton, quarter=3).exists()

    data["narrative"] = "Post vacant from October; interviews in January."
    assert lead.post(url, data).status_code == 302
    assert SpendEntry.objects.get(budget_line=luton, quarter=3).narrative.startswith("Post vacant")


def _enter(username: str, budget_line: BudgetLine, quarter: int = 3) -> None:
    response = client_for(username).post(
        reverse("funding:entry_edit", args=[budget_line.pk, quarter]),
        {
            "actual": str(budget_line.profile_for(quarter)),
            "accruals": "0",
            "commitments": "0",
            "forecast_outturn": str(budget_line.approved_amount),
            "version": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_team_submits_and_signs_off_and_figures_become_read_only(blmk):
    q3 = SpendReturn.objects.get(lmns=blmk, period__start_year=2018, period__quarter=3)
    team = client_for("blmk-team")
    submit = reverse("funding:return_transition", args=[blmk.pk, 2018, 3, "submit"])

    # Not every line has figures yet: refused, naming what is missing.
    response = team.post(submit, {"version": q3.version}, follow=True)
    assert "2 line(s) have no figures yet" in response.content.decode()
    q3.refresh_from_db()
    assert q3.status == SpendReturnStatus.DRAFT

    _enter("ldh-lead", line("Project manager, Luton"))
    _enter("mkuh-lead", line("Project manager, Milton Keynes"))

    # Every line has figures, but two trusts have not marked theirs complete: refused by name.
    response = team.post(submit, {"version": q3.version}, follow=True)
    assert "LDH, MKUH have not marked their lines complete" in response.content.decode()
    q3.refresh_from_db()
    assert q3.status == SpendReturnStatus.DRAFT
    for username, ods in (("ldh-lead", "RC9"), ("mkuh-lead", "RD8")):
        trust = Trust.objects.get(ods_code=ods)
        step = reverse("funding:trust_step", args=[blmk.pk, 2018, 3, trust.pk, "complete"])
        assert client_for(username).post(step, {"version": 1}).status_code == 302

    # The board reads but cannot submit.
    assert client_for("blmk-board").post(submit, {"version": q3.version}).status_code == 403

    team.post(submit, {"version": q3.version, "comment": "All lines in."})
    q3.refresh_from_db()
    assert q3.status == SpendReturnStatus.SUBMITTED
    sign_off = reverse("funding:return_transition", args=[blmk.pk, 2018, 3, "sign_off"])
    # Four eyes on money: the submitter is not offered sign-off, and a forged one is refused.
    page = team.get(reverse("funding:return_detail", args=[blmk.pk, 2018, 3])).content.decode()
    assert "Sign off the return" not in page
    assert "another member of the programme team signs it off" in page
    refused = team.post(sign_off, {"version": q3.version, "confirm": "on"})
    assert refused.status_code == 403
    finance = client_for("blmk-finance")
    unconfirmed = finance.post(sign_off, {"version": q3.version}, follow=True)
    assert "Tick to confirm you have checked the figures." in unconfirmed.content.decode()
    q3.refresh_from_db()
    assert q3.status == SpendReturnStatus.SUBMITTED
    response = finance.post(sign_off, {"version": q3.version, "confirm": "on"}, follow=True)
    q3.refresh_from_db()
    assert q3.status == SpendReturnStatus.SIGNED_OFF
    page = response.content.decode()
    assert "Submitted and signed off by the same person" not in page
    assert "Signed off" in page
    assert "from <strong>Submitted</strong> to <strong>Signed off</strong>" in page
    assert "“All lines in.”" in page

    # Signed-off figures are read-only: the form is not offered and a posted change is refused.
    luton = line("Project manager, Luton")
    lead = client_for("ldh-lead")
    url = reverse("funding:entry_edit", args=[luton.pk, 3])
    assert lead.get(url).status_code == 302
    entry = SpendEntry.objects.get(budget_line=luton, quarter=3)
    lead.post(
        url,
        {
            "actual": "1",
            "accruals": "0",
            "commitments": "0",
            "forecast_outturn": "1",
            "version": str(entry.version),
        },
    )
    entry.refresh_from_db()
    assert entry.actual == Decimal("13000")


def test_xlsx_totals_equal_the_page(blmk):
    team = client_for("blmk-team")
    page = team.get(reverse("funding:year", args=[blmk.pk, 2018]))
    totals = page.context["year"].totals
    response = team.get(reverse("funding:export", args=[blmk.pk, 2018]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('BLMKLMNS-funding-2018-19.xlsx"')
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Line A Transformation funding"]

    summary = book["Summary"]
    headers = [c.value for c in summary[2]]
    total_row = [c.value for c in summary[summary.max_row]]
    assert total_row[0] == "Total"
    by_header = dict(zip(headers, total_row, strict=True))
    assert Decimal(str(by_header["Allocation"])) == totals["allocation"] == Decimal("458000")
    assert Decimal(str(by_header["Approved"])) == totals["approved"]
    assert Decimal(str(by_header["Actual to date"])) == totals["actual"]
    assert Decimal(str(by_header["Forecast outturn"])) == totals["forecast"]

    sheet = book["Line A Transformation funding"]
    headers = [c.value for c in sheet[3]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    lines, total = rows[:-1], dict(zip(headers, rows[-1], strict=True))
    assert len(lines) == 11
    # Lines as rows, quarters as columns: the reported lines' quarters add up to the actual to
    # date; the trusts' lines not yet reported for Q3 are blank, never £0, and left out.
    q3 = headers.index("Q3 actual")
    reported = [row for row in lines if row[q3] is not None]
    unreported = [row for row in lines if row[q3] is None]
    assert sorted(row[0] for row in unreported) == [
        "Project manager, Luton and Dunstable (Band 7)",
        "Project manager, Milton Keynes (Band 7)",
    ]
    assert all(row[headers.index("Actual to date")] is None for row in unreported)
    quarters_actual = sum(
        Decimal(str(row[headers.index(f"Q{q} actual")] or 0)) for row in reported for q in (1, 2, 3)
    )
    assert quarters_actual == Decimal(str(total["Actual to date"])) == totals["actual"]
    assert total["Q4 actual"] is None
    quarters_profile = sum(Decimal(str(total[f"Q{q} profile"])) for q in (1, 2, 3, 4))
    assert quarters_profile == totals["approved"]
    column = headers.index("Approved")
    assert sum(Decimal(str(row[column])) for row in lines) == totals["approved"]
    pilot = next(r for r in lines if r[0].startswith("Continuity of carer: pilot"))
    assert Decimal(str(pilot[headers.index("Q2 actual")])) == Decimal("4000")


def test_trust_view_shows_what_the_trust_holds(blmk):
    bedford_trust = Trust.objects.get(ods_code="RC1")
    response = client_for("bh-lead").get(reverse("funding:trust", args=[bedford_trust.pk]))
    page = response.content.decode()
    assert "Project manager, Bedford Hospital (Band 7)" in page
    assert "Luton" not in page
    assert response.context["totals"]["approved"] == Decimal("52000")
    # Same figures as the LMNS page's holder row.
    year = funding_year(blmk, 2018)
    holder = next(h for h in year.holders if h["holder_trust"] == bedford_trust.pk)
    assert holder["actual"] == response.context["totals"]["actual"]


def test_home_links(blmk):
    page = client_for("blmk-team").get(reverse("lmns_detail", args=[blmk.pk])).content.decode()
    assert reverse("funding:lmns", args=[blmk.pk]) in page
    bedford = Trust.objects.get(ods_code="RC1")
    page = client_for("bh-lead").get(reverse("trust_detail", args=[bedford.pk])).content.decode()
    assert reverse("funding:trust", args=[bedford.pk]) in page
    page = client_for("bh-lead").get(reverse("lmns_detail", args=[blmk.pk])).content.decode()
    assert reverse("funding:lmns", args=[blmk.pk]) not in page


def test_trust_lead_opening_the_lmns_funding_page_sees_their_trust_view(blmk):
    bedford = Trust.objects.get(ods_code="RC1")
    response = client_for("bh-lead").get(reverse("funding:year", args=[blmk.pk, 2018]))
    assert response.url == reverse("funding:trust", args=[bedford.pk]) + "?year=2018"
    assert (
        client_for("bh-lead").get(reverse("funding:month6", args=[blmk.pk, 2018])).status_code
        == 403
    )


def test_funding_years_page_lists_the_year_and_offers_new_ones(blmk):
    response = client_for("blmk-team").get(reverse("funding:lmns", args=[blmk.pk]))
    page = strip_tags(response.content.decode())
    assert "2018/19" in page and "£458,000" in page
    assert "Add an allocation for 2019/20" in page
    board_page = client_for("blmk-board").get(reverse("funding:lmns", args=[blmk.pk]))
    assert "Add an allocation" not in board_page.content.decode()
