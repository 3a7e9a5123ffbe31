"""The rules behind the figures and messages: thresholds, verdicts, board messages, workflow."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import strip_tags

from funding import board
from funding.models import SpendReturn, SpendReturnStatus
from funding.selectors import exceeds_threshold, forecast_verdict, funding_year, month6_review
from funding.templatetags.funding_tags import vs_allocation, vs_profile
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory, every_holder_complete
from lmns.board import money as money_cell
from lmns.board import read_cell
from lmns.board import text as text_cell
from lmns.tests.factories import ReportingPeriodFactory


def build_section(lmns, period) -> dict:
    """The funding section as the pack's snapshot holds it."""
    return board.build(lmns, period).to_json()


@pytest.mark.parametrize(
    ("variance", "base", "expected"),
    [
        (Decimal("-5000"), Decimal("10000"), False),  # exactly £5,000: not beyond
        (Decimal("-5000.01"), Decimal("10000"), True),
        (Decimal("-6000"), Decimal("100000"), False),  # £6,000 but only 6%
        (Decimal("-10001"), Decimal("100000"), True),
        (Decimal("7000"), Decimal("0"), True),  # spend with no profile
        (Decimal("3000"), Decimal("0"), False),
    ],
)
def test_a_variance_matters_only_beyond_both_thresholds(variance, base, expected):
    assert exceeds_threshold(variance, base) is expected


@override_settings(FUNDING_VARIANCE_THRESHOLD_POUNDS=1000, FUNDING_VARIANCE_THRESHOLD_PERCENT=5)
def test_thresholds_come_from_settings():
    assert exceeds_threshold(Decimal("-1500"), Decimal("20000")) is True


def test_variances_carry_words_and_a_real_minus_sign():
    assert "−£1,234 under profile" in strip_tags(vs_profile(Decimal("-1234")))
    assert "£500 over profile" in strip_tags(vs_profile(Decimal("500")))
    assert "on profile" in strip_tags(vs_profile(Decimal("0")))
    assert "−£30,000 forecast underspend" in strip_tags(vs_allocation(Decimal("-30000")))


def test_forecast_verdicts_in_words():
    totals = {"variance_allocation": Decimal("-30000"), "allocation": Decimal("100000")}
    assert forecast_verdict(totals) == (
        "Forecast to underspend the allocation by £30,000.",
        False,
    )
    totals = {"variance_allocation": Decimal("12000"), "allocation": Decimal("100000")}
    assert forecast_verdict(totals)[0] == "Forecast to overspend the allocation by £12,000."
    totals = {"variance_allocation": Decimal("0"), "allocation": Decimal("100000")}
    assert forecast_verdict(totals) == ("On track to spend its full allocation.", True)


@pytest.mark.django_db
def test_figures_per_stream_holder_and_line(world, funded):
    q2 = ReportingPeriodFactory(start_year=2022, quarter=2)
    SpendEntryFactory(
        budget_line=funded.central,
        spend_return=SpendReturnFactory(lmns=world.lmns, period=world.period),
        actual=Decimal("9000"),
        forecast_outturn=Decimal("38000"),
    )
    SpendEntryFactory(
        budget_line=funded.central,
        spend_return=SpendReturnFactory(lmns=world.lmns, period=q2),
        actual=Decimal("3000"),
        accruals=Decimal("400"),
        commitments=Decimal("700"),
        forecast_outturn=Decimal("30000"),
    )
    SpendEntryFactory(
        budget_line=funded.nuh_line,
        spend_return=SpendReturnFactory(lmns=world.lmns, period=world.period),
        actual=Decimal("5000"),
    )
    SpendEntryFactory(budget_line=funded.other_line)  # another LMNS: never counted
    year = funding_year(world.lmns, 2022, to_quarter=2)
    central = next(line for line in year.lines if line.pk == funded.central.pk)
    assert central.profile == Decimal("20000")
    assert central.actual == Decimal("12000")
    assert central.variance_profile == Decimal("-8000")
    # Positions come from the latest quarter, not summed.
    assert (central.accruals, central.commitments, central.forecast) == (
        Decimal("400"),
        Decimal("700"),
        Decimal("30000"),
    )
    sfh = next(line for line in year.lines if line.pk == funded.sfh_line.pk)
    assert sfh.forecast == sfh.approved_amount  # not reported yet: forecast as approved
    # NUH reported Q1 but not Q2, SFH nothing: both are left out of the comparison to Q2, and
    # their profile is shown beside it; an unreported line has no actual (never £0).
    nuh = next(line for line in year.lines if line.pk == funded.nuh_line.pk)
    assert (nuh.reported, nuh.actual, nuh.variance_profile) == (False, None, None)
    assert year.totals["actual"] == Decimal("12000")
    assert year.totals["profile"] == central.profile
    assert year.totals["profile_unreported"] == nuh.profile + sfh.profile
    assert year.totals["variance_profile"] == Decimal("-8000")
    assert year.trusts_reported_text == "0 of 2 trusts reported Q2"
    assert year.totals["forecast"] == Decimal("30000") + Decimal("20000") + Decimal("20000")
    assert year.totals["variance_allocation"] == Decimal("-30000")
    holders = {h["name"]: h for h in year.holders}
    assert holders["LMNS (held centrally)"]["actual"] == Decimal("12000")
    assert holders[world.trust.name]["actual"] is None
    assert year.streams[0]["allocation"] == Decimal("100000")

    review = month6_review(world.lmns, 2022)
    assert [line.pk for line in review.behind] == [funded.central.pk]
    assert not review.on_track
    assert review.verdict == "Forecast to underspend the allocation by £30,000."


@pytest.mark.django_db
def test_board_section_messages_and_tables(world, funded):
    q2 = ReportingPeriodFactory(start_year=2022, quarter=2)
    for period, actual in ((world.period, "2000"), (q2, "1000")):
        SpendEntryFactory(
            budget_line=funded.central,
            spend_return=SpendReturnFactory(lmns=world.lmns, period=period),
            actual=Decimal(actual),
            forecast_outturn=Decimal("10000"),
        )
    section = build_section(world.lmns, q2)
    texts = [m["text"] for m in section["messages"]]
    assert "Forecast to underspend the allocation by £50,000" in texts
    assert "LMS dashboard: £17,000 behind profile" in texts
    # The trusts' lines not yet reported are not "behind": their £20,000 of profile is left out.
    assert (
        "£17,000 behind profile on the lines reported "
        "(£20,000 profiled on lines not yet reported)" in texts
    )
    assert not any("£37,000" in text for text in texts)
    assert section["trusts_reported"] == "0 of 2 trusts reported Q2"
    assert section["provisional"] is True
    assert section["month6"]["on_track"] is False
    table = section["tables"][0]
    assert read_cell(table["rows"][-1][0]) == text_cell("Total")
    assert read_cell(table["rows"][-1][1]) == money_cell(Decimal("100000"))
    import json

    json.dumps(section)  # frozen into the pack's snapshot

    q1_section = build_section(world.lmns, world.period)
    assert q1_section["month6"] is None
    assert all("Forecast" not in m["text"] for m in q1_section["messages"])

    empty = build_section(world.other_lmns, ReportingPeriodFactory(start_year=2030, quarter=1))
    assert empty["has_data"] is False


@pytest.mark.django_db
def test_stale_submit_and_reopen_need_care(world, funded, as_team):
    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.nuh_line, funded.sfh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend_return)
    every_holder_complete(spend_return)
    base = [world.lmns.pk, 2022, 1]
    submit = reverse("funding:return_transition", args=[*base, "submit"])
    response = as_team.post(submit, {"version": spend_return.version + 5}, follow=True)
    assert "changed by someone else" in response.content.decode()
    as_team.post(submit, {"version": spend_return.version})
    spend_return.refresh_from_db()
    assert spend_return.status == SpendReturnStatus.SUBMITTED
    # A trust lead cannot enter figures into a submitted return.
    response = world.client_for("lead").get(
        reverse("funding:entry_edit", args=[funded.nuh_line.pk, 1]), follow=True
    )
    assert "figures are read-only" in response.content.decode()

    reopen = reverse("funding:return_transition", args=[*base, "reopen"])
    response = as_team.post(reopen, {"version": spend_return.version}, follow=True)
    assert "Say why the return is sent back to draft: a comment is required." in (
        response.content.decode()
    )
    as_team.post(reopen, {"version": spend_return.version, "comment": "NUH figure wrong"})
    spend_return.refresh_from_db()
    assert spend_return.status == SpendReturnStatus.DRAFT
    assert [t.to_status for t in spend_return.transitions.all()] == [
        SpendReturnStatus.SUBMITTED,
        SpendReturnStatus.DRAFT,
    ]
    assert (
        as_team.post(reverse("funding:return_transition", args=[*base, "explode"]), {}).status_code
        == 404
    )


@pytest.mark.django_db
def test_sign_off_needs_submission_first(world, funded, as_team):
    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period)
    url = reverse("funding:return_transition", args=[world.lmns.pk, 2022, 1, "sign_off"])
    as_team.post(url, {"version": spend_return.version})
    assert SpendReturn.objects.get(pk=spend_return.pk).status == SpendReturnStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "funding:year",
        "funding:month6",
        "funding:line_add",
        "funding:stream_add",
        "funding:return_detail",
    ],
)
def test_pages_have_no_inline_styles_or_scripts(world, funded, as_team, name):
    kwargs = {"pk": world.lmns.pk, "start_year": 2022}
    if name == "funding:return_detail":
        kwargs["quarter"] = 1
    page = as_team.get(reverse(name, kwargs=kwargs)).content.decode()
    assert " style=" not in page
    assert "<script>" not in page and "onclick" not in page


@pytest.mark.django_db
def test_history_pages_follow_funding_access(world, funded):
    url = reverse("record_history", args=["funding.budgetline", funded.nuh_line.pk])
    assert world.client_for("team").get(url).status_code == 200
    assert world.client_for("board").get(url).status_code == 200
    assert world.client_for("other_team").get(url).status_code == 404
    # A trust lead of the same LMNS is told why (the one 403/404 rule of lmns.access).
    refused = world.client_for("sibling_lead").get(url)
    assert refused.status_code == 403
    assert "programme team and board" in refused.content.decode()


@pytest.mark.django_db
def test_board_section_template_renders_from_the_dict_alone(
    world, funded, django_assert_num_queries
):
    import json

    from django.template.loader import render_to_string

    q2 = ReportingPeriodFactory(start_year=2022, quarter=2)
    section = json.loads(json.dumps(build_section(world.lmns, q2)))
    with django_assert_num_queries(0):
        html = render_to_string("funding/board_section.html", {"section": section})
    text = strip_tags(html)
    assert "£100,000" in text
    assert "Month-6 position:" in text
    assert "forecast underspend" in text


@pytest.mark.django_db
def test_an_lmns_may_let_the_submitter_sign_off_and_the_page_says_so(world, funded, as_team):
    from funding.tests.factories import SpendEntryFactory, SpendReturnFactory, every_holder_complete

    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.nuh_line, funded.sfh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend_return)
    every_holder_complete(spend_return)
    base = [world.lmns.pk, 2022, 1]
    as_team.post(reverse("funding:return_transition", args=[*base, "submit"]), {"version": 1})
    sign_off = reverse("funding:return_transition", args=[*base, "sign_off"])
    assert as_team.post(sign_off, {"version": 2, "confirm": "on"}).status_code == 403

    # An administrator turns the rule off for this LMNS; the change is in its history.
    world.lmns.spend_sign_off_by_submitter = True
    world.lmns.save()
    assert world.lmns.history.count() == 2
    response = as_team.post(sign_off, {"version": 2, "confirm": "on"}, follow=True)
    spend_return.refresh_from_db()
    assert spend_return.status == SpendReturnStatus.SIGNED_OFF
    assert "Submitted and signed off by the same person: allowed for this LMNS." in (
        response.content.decode()
    )
    # Submit and sign-off are in the return's own history, with who took them.
    statuses = [h.status for h in spend_return.history.order_by("history_date")]
    assert statuses[-2:] == [SpendReturnStatus.SUBMITTED, SpendReturnStatus.SIGNED_OFF]
    assert spend_return.history.latest("history_date").history_user == world.users["team"]
