"""Bad input gets a clear message, never a 500, and the person's input is kept."""

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import AllocationStatus, BudgetLine, Category, FundingStream, SpendEntry
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory

pytestmark = pytest.mark.django_db


def line_data(funded, **overrides) -> dict:
    data = {
        "stream": funded.stream.pk,
        "title": "Perinatal pelvic health pilot",
        "deliverable": funded.central.deliverable_id,
        "holder_trust": "",
        "category": Category.NON_PAY,
        "wte": "",
        "band": "",
        "approved_amount": "20000",
        "profile_q1": "5000",
        "profile_q2": "5000",
        "profile_q3": "5000",
        "profile_q4": "5000",
    }
    data.update(overrides)
    return data


def test_team_adds_a_line_and_is_recorded_as_approver(world, funded, as_team):
    url = reverse("funding:line_add", args=[world.lmns.pk, 2022])
    response = as_team.post(url, line_data(funded))
    assert response.status_code == 302
    added = BudgetLine.objects.get(title="Perinatal pelvic health pilot")
    assert added.approved_by == world.users["team"]
    assert added.approved_at is not None


def test_profile_that_does_not_add_up_says_by_how_much(world, funded, as_team):
    url = reverse("funding:line_add", args=[world.lmns.pk, 2022])
    response = as_team.post(url, line_data(funded, profile_q4="2500.50"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "The quarterly profile adds up to £17,500.50, which is £2,499.50 less than the "
        "approved amount of £20,000.00." in page
    )
    assert 'value="2500.50"' in page
    assert not BudgetLine.objects.filter(title="Perinatal pelvic health pilot").exists()


def test_lines_over_the_allocation_say_by_how_much(world, funded, as_team):
    # Already approved: 40,000 + 20,000 + 20,000 = 80,000 of 100,000.
    url = reverse("funding:line_add", args=[world.lmns.pk, 2022])
    data = line_data(
        funded,
        approved_amount="30000",
        profile_q1="7500",
        profile_q2="7500",
        profile_q3="7500",
        profile_q4="7500",
    )
    response = as_team.post(url, data)
    assert response.status_code == 200
    assert (
        "would total £110,000.00, which is £10,000.00 more than its allocation of £100,000.00"
        in response.content.decode()
    )
    assert BudgetLine.objects.filter(stream=funded.stream).count() == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-100", "Amounts cannot be negative."),
        ("twenty", "Enter an amount in pounds and pence, for example 1234.56."),
        ("123456789012345", "That amount is too large"),
        ("12.345", "Use at most 2 decimal places (pence)."),
    ],
)
def test_bad_money_on_a_spend_entry(world, funded, as_lead, value, message):
    url = reverse("funding:entry_edit", args=[funded.nuh_line.pk, 1])
    data = {
        "actual": value,
        "accruals": "0",
        "commitments": "0",
        "forecast_outturn": "20000",
        "version": "0",
    }
    response = as_lead.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{value}"' in page
    assert not SpendEntry.objects.exists()


def test_pay_lines_need_wte_and_band(world, funded, as_team):
    url = reverse("funding:line_add", args=[world.lmns.pk, 2022])
    response = as_team.post(url, line_data(funded, category=Category.PAY))
    page = response.content.decode()
    assert "A post needs its whole-time equivalent (WTE)." in page
    assert "A post needs its Agenda for Change band." in page


def test_stale_spend_entry_form_is_refused_and_input_kept(world, funded, as_lead):
    period_return = SpendReturnFactory(lmns=world.lmns, period=world.period)
    entry = SpendEntryFactory(
        spend_return=period_return, budget_line=funded.nuh_line, actual=Decimal("5000")
    )
    url = reverse("funding:entry_edit", args=[funded.nuh_line.pk, 1])
    data = {
        "actual": "4800",
        "accruals": "0",
        "commitments": "0",
        "forecast_outturn": "20000",
        "version": str(entry.version),
    }
    # Someone else saves first.
    SpendEntry.objects.filter(pk=entry.pk).update(version=entry.version + 1)
    response = as_lead.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this since you opened it" in page
    assert 'value="4800"' in page
    entry.refresh_from_db()
    assert entry.actual == Decimal("5000")


def test_two_first_entries_for_the_same_line_the_second_is_told(world, funded, as_lead):
    url = reverse("funding:entry_edit", args=[funded.nuh_line.pk, 1])
    data = {
        "actual": "5000",
        "accruals": "0",
        "commitments": "0",
        "forecast_outturn": "20000",
        "version": "0",
    }
    assert as_lead.post(url, data).status_code == 302
    data["actual"] = "5100"
    response = as_lead.post(url, data)
    assert response.status_code == 200
    assert "Someone else entered figures for this line" in response.content.decode()
    assert SpendEntry.objects.get().actual == Decimal("5000")


def test_stale_budget_line_edit_is_refused(world, funded, as_team):
    url = reverse("funding:line_edit", args=[funded.central.pk])
    data = line_data(
        funded,
        title="LMS dashboard (renamed)",
        approved_amount="40000",
        profile_q1="10000",
        profile_q2="10000",
        profile_q3="10000",
        profile_q4="10000",
        version=str(funded.central.version),
    )
    BudgetLine.objects.filter(pk=funded.central.pk).update(version=funded.central.version + 1)
    response = as_team.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this since you opened it" in response.content.decode()
    funded.central.refresh_from_db()
    assert funded.central.title == "LMS dashboard"

    data["version"] = str(funded.central.version)
    assert as_team.post(url, data).status_code == 302
    funded.central.refresh_from_db()
    assert funded.central.title == "LMS dashboard (renamed)"
    assert funded.central.history.count() == 2


def test_allocation_is_held_with_a_reason_and_history(world, funded, as_team):
    url = reverse("funding:stream_change", args=[funded.stream.pk])
    response = as_team.post(
        url, {"new_amount": "90000", "new_status": AllocationStatus.HELD, "reason": ""}
    )
    assert "Give the reason for the change." in response.content.decode()

    response = as_team.post(
        url,
        {
            "new_amount": "50000",
            "new_status": AllocationStatus.ADJUSTED,
            "reason": "Month-6 review: underspend",
        },
    )
    assert "£30,000.00 more than the new allocation" in response.content.decode()
    assert FundingStream.objects.get(pk=funded.stream.pk).amount == Decimal("100000")

    response = as_team.post(
        url,
        {
            "new_amount": "90000",
            "new_status": AllocationStatus.HELD,
            "reason": "Month-6 review: slow start",
        },
    )
    assert response.status_code == 302
    stream = FundingStream.objects.get(pk=funded.stream.pk)
    assert (stream.amount, stream.status) == (Decimal("90000"), AllocationStatus.HELD)
    change = stream.changes.get()
    assert (change.previous_amount, change.new_amount) == (Decimal("100000"), Decimal("90000"))
    assert change.changed_by == world.users["team"]
    page = as_team.get(url).content.decode()
    assert "Month-6 review: slow start" in page
    history = as_team.get(reverse("record_history", args=["funding.fundingstream", stream.pk]))
    assert history.status_code == 200
    assert "90000" in history.content.decode()


def test_board_changes_nothing(world, funded, as_board):
    url = reverse("funding:line_add", args=[world.lmns.pk, 2022])
    assert as_board.post(url, line_data(funded)).status_code == 403
    url = reverse("funding:stream_change", args=[funded.stream.pk])
    response = as_board.post(url, {"new_amount": "1", "new_status": "held", "reason": "x"})
    assert response.status_code == 403
    assert FundingStream.objects.get(pk=funded.stream.pk).amount == Decimal("100000")
    url = reverse("funding:entry_edit", args=[funded.central.pk, 1])
    assert as_board.post(url, {"actual": "1"}).status_code == 403
    assert not SpendEntry.objects.exists()


def test_another_lmns_is_404_on_posts(world, funded):
    client = world.client_for("other_team")
    assert (
        client.post(reverse("funding:stream_change", args=[funded.stream.pk]), {}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("funding:return_transition", args=[world.lmns.pk, 2022, 1, "submit"]),
            {"version": 1},
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("funding:entry_edit", args=[funded.central.pk, 1]), {}).status_code
        == 404
    )


def test_a_stream_cannot_be_added_twice(world, funded, as_team):
    url = reverse("funding:stream_add", args=[world.lmns.pk, 2022])
    data = {"kind": "baseline", "name": "Again", "amount": "5", "date_notified": "2022-05-01"}
    response = as_team.post(url, data)
    assert response.status_code == 200
    assert "already has that line for the year" in response.content.decode()
    data["kind"] = "A"
    data["name"] = "Perinatal mental health"
    assert as_team.post(url, data).status_code == 302
    assert FundingStream.objects.filter(lmns=world.lmns, start_year=2022).count() == 2


def test_a_year_out_of_range_is_not_found(world, as_team):
    assert (
        as_team.get(reverse("funding:stream_add", args=[world.lmns.pk, 99999])).status_code == 404
    )
    assert as_team.get(reverse("funding:year", args=[world.lmns.pk, 1066])).status_code == 404


GARBAGE = {
    "stream": "x",
    "deliverable": "999999",
    "holder_trust": "abc",
    "kind": "Z",
    "category": "??",
    "wte": "-1",
    "band": "99",
    "amount": "1e400",
    "new_amount": "NaN",
    "approved_amount": "Infinity",
    "profile_q1": "1" * 40,
    "actual": "£-",
    "accruals": "1,2,3",
    "forecast_outturn": " ",
    "date_notified": "31/02/2022",
    "version": "-7",
    "new_status": "gone",
}


FORM_URLS = [
    ("team", lambda w, f: reverse("funding:stream_add", args=[w.lmns.pk, 2022])),
    ("team", lambda w, f: reverse("funding:line_add", args=[w.lmns.pk, 2022])),
    ("team", lambda w, f: reverse("funding:line_edit", args=[f.central.pk])),
    ("team", lambda w, f: reverse("funding:stream_change", args=[f.stream.pk])),
    ("team", lambda w, f: reverse("funding:entry_edit", args=[f.central.pk, 1])),
    ("lead", lambda w, f: reverse("funding:entry_edit", args=[f.nuh_line.pk, 1])),
    (
        "team",
        lambda w, f: reverse("funding:return_transition", args=[w.lmns.pk, 2022, 1, "submit"]),
    ),
]


@pytest.mark.parametrize("payload", [{}, GARBAGE], ids=["empty", "garbage"])
def test_no_form_answers_500_to_nonsense(world, funded, payload):
    clients = {persona: world.client_for(persona) for persona in ("team", "lead")}
    for persona, url in FORM_URLS:
        response = clients[persona].post(url(world, funded), payload)
        assert response.status_code in (200, 302), url(world, funded)
    assert not SpendEntry.objects.exists()
    assert BudgetLine.objects.count() == 4
    assert FundingStream.objects.get(pk=funded.stream.pk).amount == Decimal("100000")
