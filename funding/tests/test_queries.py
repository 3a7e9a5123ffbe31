"""Fixed query counts on a large dataset: 40 lines × 4 quarters × 5 years, totals summed in SQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliverables.tests.factories import DeliverableFactory, PlanFactory
from funding import board
from funding.models import BudgetLine, FundingStream, SpendEntry, SpendReturn, StreamKind
from funding.tests.factories import TrustCompletionFactory
from lmns.models import ReportingPeriod

pytestmark = pytest.mark.django_db

YEARS = range(2019, 2024)
LINES_PER_YEAR = 40


def build_years(world, lines_per_year: int = LINES_PER_YEAR) -> None:
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns))
    holders = [None, world.trust, world.sibling_trust]
    for start_year in YEARS:
        stream = FundingStream.objects.create(
            lmns=world.lmns,
            start_year=start_year,
            kind=StreamKind.BASELINE,
            name="Baseline",
            amount=Decimal("1000000"),
            date_notified=f"{start_year}-04-10",
        )
        lines = BudgetLine.objects.bulk_create(
            BudgetLine(
                stream=stream,
                title=f"Line {n}",
                deliverable=deliverable,
                holder_trust=holders[n % 3],
                category="non_pay",
                approved_amount=Decimal("4000.40"),
                profile_q1=Decimal("1000.10"),
                profile_q2=Decimal("1000.10"),
                profile_q3=Decimal("1000.10"),
                profile_q4=Decimal("1000.10"),
            )
            for n in range(lines_per_year)
        )
        for quarter in (1, 2, 3, 4):
            period, _ = ReportingPeriod.objects.get_or_create(
                start_year=start_year, quarter=quarter
            )
            spend_return = SpendReturn.objects.create(lmns=world.lmns, period=period)
            SpendEntry.objects.bulk_create(
                SpendEntry(
                    spend_return=spend_return,
                    budget_line=line,
                    quarter=quarter,
                    actual=Decimal("900.05"),
                    accruals=Decimal("10.01"),
                    commitments=Decimal("20.02"),
                    forecast_outturn=Decimal("3900.30"),
                )
                for line in lines
            )
            # One holder marked its lines complete: the page shows "1 of 2 trusts complete".
            TrustCompletionFactory(
                spend_return=spend_return,
                trust=world.trust,
                complete=True,
                completed_by=world.users["lead"],
            )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


PAGES = {
    "year": lambda w: reverse("funding:year", args=[w.lmns.pk, 2021]),
    "month6": lambda w: reverse("funding:month6", args=[w.lmns.pk, 2021]),
    "export": lambda w: reverse("funding:export", args=[w.lmns.pk, 2021]),
    "lmns": lambda w: reverse("funding:lmns", args=[w.lmns.pk]),
    "return": lambda w: reverse("funding:return_detail", args=[w.lmns.pk, 2021, 3]),
    "trust": lambda w: reverse("funding:trust", args=[w.trust.pk]) + "?year=2021",
}
# Measured on SQLite and PostgreSQL; the limit is the measured count, so any growth fails.
# The export writes one row to the download log.
LIMITS = {"year": 13, "month6": 13, "export": 17, "lmns": 8, "return": 15, "trust": 11}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_count_is_fixed_whatever_the_data(world, page, django_assert_max_num_queries):
    client = world.client_for("team")
    url = PAGES[page](world)
    build_years(world, lines_per_year=2)
    small = count_queries(client, url)
    build_years_again(world)
    with django_assert_max_num_queries(LIMITS[page]):
        large = count_queries(client, url)
    assert large == small


def test_the_return_page_shows_the_completion_figures_in_its_fixed_queries(world):
    build_years(world)
    response = world.client_for("team").get(PAGES["return"](world))
    page = response.content.decode()
    assert "1 of 2 trusts complete" in page
    assert "2 of 2 trusts reported Q3" in page


def build_years_again(world) -> None:
    """Grow every year to 40 lines, each with an entry in all four quarters."""
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns))
    for stream in FundingStream.objects.filter(lmns=world.lmns):
        lines = BudgetLine.objects.bulk_create(
            BudgetLine(
                stream=stream,
                title=f"Extra line {n}",
                deliverable=deliverable,
                holder_trust=[None, world.trust][n % 2],
                category="non_pay",
                approved_amount=Decimal("4000.40"),
                profile_q1=Decimal("1000.10"),
                profile_q2=Decimal("1000.10"),
                profile_q3=Decimal("1000.10"),
                profile_q4=Decimal("1000.10"),
            )
            for n in range(LINES_PER_YEAR - 2)
        )
        for spend_return in SpendReturn.objects.filter(
            lmns=world.lmns, period__start_year=stream.start_year
        ).select_related("period"):
            SpendEntry.objects.bulk_create(
                SpendEntry(
                    spend_return=spend_return,
                    budget_line=line,
                    quarter=spend_return.period.quarter,
                    actual=Decimal("900.05"),
                    accruals=Decimal("10.01"),
                    commitments=Decimal("20.02"),
                    forecast_outturn=Decimal("3900.30"),
                )
                for line in lines
            )


def test_totals_are_exact_decimals_from_the_database(world, client):
    build_years(world)
    client = world.client_for("team")
    response = client.get(reverse("funding:year", args=[world.lmns.pk, 2021]) + "?to=4")
    totals = response.context["year"].totals
    # 40 lines: pence add up exactly (no float drift).
    assert totals["approved"] == Decimal("160016.00")
    assert totals["actual"] == Decimal("144008.00")  # 40 × 4 × 900.05
    assert totals["profile"] == Decimal("160016.00")
    assert totals["accruals"] == Decimal("400.40")
    assert totals["forecast"] == Decimal("156012.00")
    assert totals["variance_profile"] == Decimal("-16008.00")
    assert totals["variance_allocation"] == Decimal("-843988.00")
    # Only that year's lines: 40 of the 200.
    assert len(response.context["year"].lines) == 40
    by_holder = {h["name"]: h["approved"] for h in response.context["year"].holders}
    assert sum(by_holder.values()) == totals["approved"]


def test_board_section_makes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    period = ReportingPeriod.objects.get_or_create(start_year=2021, quarter=3)[0]
    build_years(world, lines_per_year=2)
    with CaptureQueriesContext(connection) as small:
        board.build(world.lmns, period)
    build_years_again(world)
    with django_assert_max_num_queries(len(small)):
        section = board.build(world.lmns, period)
    assert section.has_data is True
