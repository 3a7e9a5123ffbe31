"""Spend not yet reported is never £0; variances read the way finance readers expect."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from funding import demo as funding_demo
from funding.templatetags.funding_tags import vs_allocation, vs_approved, vs_profile
from lmns import demo as core_demo
from lmns.models import Lmns


def signed_in(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def blmk(db) -> Lmns:
    core_demo.load()
    funding_demo.load()
    return Lmns.objects.get(short_name="BLMKLMNS")


def test_blmk_q3_reads_not_yet_reported_before_the_trusts_report(blmk):
    response = signed_in("blmk-team").get(reverse("funding:year", args=[blmk.pk, 2018]))
    page = " ".join(strip_tags(response.content.decode()).split())
    # Bedford Hospital reported and marked its lines complete; Luton and Milton Keynes did not.
    assert "1 of 3 trusts reported Q3" in page
    assert "£78,000 profiled on lines not yet reported" in page  # Q1–Q3 of two £52,000 lines
    year = response.context["year"]
    unreported = [line for line in year.lines if not line.reported]
    assert len(unreported) == 2 and all(line.actual is None for line in unreported)
    lines_table = response.content.decode().split('id="lines"', 1)[1]
    assert lines_table.count("not yet reported") >= 4  # actual and variance of each

    return_page = signed_in("blmk-team").get(
        reverse("funding:return_detail", args=[blmk.pk, 2018, 3])
    )
    assert "1 of 3 trusts reported Q3" in return_page.content.decode()
    assert "1 of 3 trusts complete" in return_page.content.decode()


def test_q2_signed_off_reads_every_trust_reported(blmk):
    response = signed_in("blmk-team").get(reverse("funding:year", args=[blmk.pk, 2018]) + "?to=2")
    page = " ".join(strip_tags(response.content.decode()).split())
    assert "3 of 3 trusts reported Q2" in page
    assert "not yet reported" not in page


def test_issued_pack_before_the_column_keeps_its_words():
    """A snapshot frozen with the old headings (no column for unreported profile) still renders."""
    section = {
        "has_data": True,
        "provisional": True,
        "financial_year": "2018/19",
        "quarter": 3,
        "tables": [
            {
                "caption": "Funding 2018/19 to the end of Q3, by stream",
                "headers": [
                    "Stream",
                    "Allocation",
                    "Spent (actual to date)",
                    "Accruals",
                    "Committed",
                    "Forecast outturn",
                    "Variance against allocation",
                    "Profiled to date",
                    "Variance against profile",
                ],
                "rows": [
                    ["Line A", "458000.00", "200000.00", "0", "0", "433000.00", "-25000.00"]
                    + ["267000.00", "-67000.00"]
                ],
            }
        ],
        "month6": None,
    }
    html = render_to_string("funding/board_section.html", {"section": section})
    text = " ".join(strip_tags(html).split())
    assert "−£67,000 under profile (exception: beyond thresholds)" in text
    assert "−£25,000 forecast underspend" in text
    assert "£458,000" in text


def test_variances_are_exceptions_either_way_and_overspend_warns():
    # Within the thresholds: neutral words, no flag, whichever way.
    assert "exception" not in vs_profile(Decimal("-1000"), Decimal("50000"))
    assert "exception" not in vs_profile(Decimal("1000"), Decimal("50000"))
    # Beyond both thresholds: an exception whichever way it goes, never green.
    under = vs_profile(Decimal("-20000"), Decimal("50000"))
    over = vs_profile(Decimal("20000"), Decimal("50000"))
    assert "variance-exception" in under and "under profile" in under
    assert "variance-exception" in over and "over profile" in over
    # A forecast overspend of the allocation is the strongest warning, even when small.
    overspend = strip_tags(vs_allocation(Decimal("2000"), Decimal("458000")))
    assert overspend == "Warning: £2,000 forecast overspend"
    assert "Warning:" in strip_tags(vs_approved(Decimal("10"), Decimal("1000")))
    assert strip_tags(vs_profile(None)) == "not yet reported"


def test_spend_form_states_thresholds_and_warns_on_forecast_above_approved(blmk):
    from funding.models import BudgetLine

    line = BudgetLine.objects.get(title__startswith="Project manager, Luton")
    lead = signed_in("ldh-lead")
    url = reverse("funding:entry_edit", args=[line.pk, 3])
    page = " ".join(strip_tags(lead.get(url).content.decode()).split())
    assert "10% of profile and £5,000" in page
    response = lead.post(
        url,
        {
            "version": 0,
            "actual": "13000",
            "accruals": "0",
            "commitments": "0",
            "forecast_outturn": "60000",
            "narrative": "",
        },
        follow=True,
    )
    page = " ".join(strip_tags(response.content.decode()).split())
    assert "forecast outturn of £60,000 is above its approved amount of £52,000" in page
    assert (
        "2 of 3 trusts reported Q3"
        in signed_in("blmk-team")
        .get(reverse("funding:return_detail", args=[blmk.pk, 2018, 3]))
        .content.decode()
    )
