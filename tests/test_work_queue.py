"""The home page is each role's work queue: what needs them now, most urgent first, a fixed
number of queries whatever the data, and its counts in the navigation bar."""

import datetime
import re

import pytest
from django.urls import reverse

from assurance.models import ReturnStatus
from assurance.services import Action, take_action
from assurance.tests.factories import (
    ChangeRequestFactory,
    CollectionFactory,
    QuarterlyReturnFactory,
    declaration_for,
    fill_answers,
    framework_with,
)
from boardpack.services import issue_pack
from deliverables.models import RiskStatus
from deliverables.tests.factories import DeliverableFactory, PlanFactory, RiskFactory
from funding.models import FundingStream
from funding.services import take_trust_step, transition_return
from funding.tests.factories import (
    BudgetLineFactory,
    FundingStreamFactory,
    SpendEntryFactory,
    SpendReturnFactory,
    TrustCompletionFactory,
    every_holder_complete,
    make_funded,
)
from lmns.access import get_access
from lmns.models import Role
from lmns.queue import Context, work_queue
from lmns.tests.factories import MembershipFactory, TrustFactory, lmns_member, trust_lead


def _queue(client) -> list[str]:
    """The queue's items as a person reads them: kind, title and when."""
    page = client.get(reverse("home")).content.decode()
    section = page.split('id="work"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r'<li class="list-group-item work-item">(.*?)</li>', section, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def _nav(client) -> list[str]:
    page = client.get(reverse("home")).content.decode()
    return re.findall(r'class="nav-link nav-work"[^>]*>([^<]+)<', page)


@pytest.fixture
def framework(world):
    from assurance.models import Framework

    Framework.objects.update(active=False)
    return framework_with(sections=1, short_name="Ockenden interim")


def _move(ret, action, user, comment=""):
    ret.refresh_from_db()
    take_action(
        ret=ret,
        action=action,
        user=user,
        expected_version=ret.version,
        comment=comment,
        declaration=declaration_for(action),
    )


def test_a_lead_sees_their_returns_to_start_finish_and_change(world, framework):
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.previous_period, framework=framework
    )
    fill_answers(ret)
    _move(ret, Action.SUBMIT, world.users["lead"])
    ChangeRequestFactory(quarterly_return=ret, text="Add the training log")
    ChangeRequestFactory(quarterly_return=ret, general=True)
    ChangeRequestFactory(quarterly_return=ret, closed=True)
    _move(ret, Action.SEND_BACK, world.users["team"], "Add the training log")
    # The LMNS collects the framework for the working period, due by its own deadline.
    CollectionFactory(
        lmns=world.lmns,
        period=world.period,
        framework=framework,
        deadline=datetime.date(2022, 7, 15),
    )
    items = _queue(world.client_for("lead"))
    assert len(items) == 2
    assert items[0].startswith("Sent back to change NUH Ockenden interim return for 2021/22 Q4")
    assert "Sent back with 2 open change requests: Add the training log" in items[0]
    assert items[1].startswith("Return to start NUH Ockenden interim return for 2022/23 Q1")
    assert "Not started; due 15 July 2022" in items[1]
    assert "4 years overdue" in items[1]
    assert _nav(world.client_for("lead")) == ["1 sent back"]
    # The sibling trust's lead is told nothing of NUH's returns.
    assert not any("NUH" in item for item in _queue(world.client_for("sibling_lead")))


def test_the_team_sees_returns_to_review_longest_waiting_first(world, framework):
    for trust in (world.trust, world.sibling_trust):
        ret = QuarterlyReturnFactory(trust=trust, period=world.period, framework=framework)
        fill_answers(ret)
        _move(ret, Action.SUBMIT, world.users["lead" if trust == world.trust else "sibling_lead"])
    items = _queue(world.client_for("team"))
    review = [item for item in items if item.startswith("To review")]
    assert len(review) == 2
    assert "waiting since today" in review[0]
    assert _nav(world.client_for("team")) == ["2 to review"]
    # Another LMNS's team sees none of them.
    assert not any(
        "NUH" in item or "SFH" in item for item in _queue(world.client_for("other_team"))
    )


def test_the_team_sees_trusts_not_submitted_risks_spend_and_the_pack_to_issue(world, framework):
    CollectionFactory(lmns=world.lmns, period=world.period, framework=framework)
    # A framework nobody collects leaves no trust "not submitted".
    framework_with(sections=1, short_name="MIS")
    funded = make_funded(world)
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    for line in (funded.central, funded.nuh_line, funded.sfh_line):
        SpendEntryFactory(budget_line=line, spend_return=spend)
    every_holder_complete(spend)
    transition_return(
        spend_return=spend, action="submit", user=world.users["team"], expected_version=1
    )
    RiskFactory(lmns=world.lmns, title="Midwife vacancies", review_date=datetime.date(2022, 1, 1))
    RiskFactory(
        lmns=world.lmns,
        title="Closed one",
        review_date=datetime.date(2022, 1, 1),
        status=RiskStatus.CLOSED,
    )
    items = _queue(world.client_for("team"))
    text = "\n".join(items)
    assert "Not submitted NUH: 1 return for 2022/23 Q1 not submitted" in text
    assert "Not submitted SFH: 1 return for 2022/23 Q1 not submitted" in text
    assert "To sign off NottsLMNS spend return for 2022/23 Q1" in text
    assert "Risk to review Midwife vacancies" in text
    assert "Closed one" not in text
    assert "Board pack to issue Issue the NottsLMNS board pack for" in text
    assert _nav(world.client_for("team")) == ["1 spend to sign off"]
    # Most urgent first: every item's rank is not below the previous one's.
    access = get_access(world.users["team"])
    ranks = [item.rank for item in work_queue(access, Context.now())]
    assert ranks == sorted(ranks)


def test_a_lead_is_asked_to_mark_their_spend_lines_complete_once_they_are_entered(world):
    funded = make_funded(world)
    spend = SpendReturnFactory(lmns=world.lmns, period=world.period)
    lead, sibling_lead = world.client_for("lead"), world.client_for("sibling_lead")

    def spend_items(client) -> list[str]:
        return [item for item in _queue(client) if "spend" in item]

    assert spend_items(lead)[0].startswith("Spend to enter NUH: 1 budget line without 2022/23 Q1")
    SpendEntryFactory(budget_line=funded.nuh_line, spend_return=spend)
    # Entered by the trust, not yet marked complete: the lead is asked to, on the return's page.
    items = spend_items(lead)
    assert len(items) == 1
    assert items[0].startswith("To mark complete NUH: mark your 2022/23 Q1 spend lines complete")
    assert "Every line has figures: marking them complete tells the programme team" in items[0]
    url = reverse("funding:return_detail", args=[world.lmns.pk, 2022, 1])
    assert f'href="{url}"' in lead.get(reverse("home")).content.decode()
    assert "Mark our lines complete" in lead.get(url).content.decode()
    # Lines the programme team entered on the trust's behalf wait for nobody.
    SpendEntryFactory(budget_line=funded.sfh_line, spend_return=spend, for_trust=True)
    assert spend_items(sibling_lead) == []
    # Marked complete: the item goes.
    take_trust_step(
        lmns=world.lmns,
        period=world.period,
        trust=world.trust,
        action="complete",
        user=world.users["lead"],
        expected_version=1,
    )
    assert spend_items(lead) == []


def test_a_board_member_sees_the_latest_pack_new_until_they_open_it(
    world, framework, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue_pack(
            lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
        )
    board = world.client_for("board")
    items = _queue(board)
    assert items == [
        f"Board pack New NottsLMNS board pack for 2022/23 Q1 Issued {items[0].split('Issued ')[1]}"
    ]
    board.get(reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk]))
    assert "New" not in _queue(board)[0]


def test_an_owner_sees_their_deliverables_due_an_update(world):
    DeliverableFactory(
        plan=PlanFactory(lmns=world.lmns),
        owner=world.users["lead"],
        title="Fetal monitoring training",
    )
    items = _queue(world.client_for("lead"))
    assert any(
        item.startswith("Update due") and "Fetal monitoring training" in item for item in items
    )


def test_nobody_with_nothing_to_do_is_told_so(world):
    page = world.client_for("board").get(reverse("home")).content.decode()
    assert "Nothing needs you now." in page


def _grow(world, n: int) -> None:
    """``n`` more of everything a queue lists, in both LMNSs; the lead leads half the new trusts."""
    from assurance.models import Collection, Framework

    frameworks = list(Framework.objects.filter(active=True))
    for lmns in (world.lmns, world.other_lmns):
        stream = FundingStream.objects.filter(lmns=lmns).first() or FundingStreamFactory(
            lmns=lmns, start_year=world.period.start_year
        )
        for i in range(n):
            trust = TrustFactory(lmns=lmns)
            trust_lead(trust, f"{trust.short_name.lower()}-lead")
            if lmns == world.lmns and i % 2:
                MembershipFactory(user=world.users["lead"], role=Role.TRUST_LEAD, trust=trust)
            for framework in frameworks:
                QuarterlyReturnFactory(
                    trust=trust,
                    framework=framework,
                    period=world.period,
                    status=ReturnStatus.SUBMITTED if i % 2 else ReturnStatus.RETURNED,
                )
            RiskFactory(lmns=lmns, review_date=datetime.date(2022, 1, 1))
            DeliverableFactory(plan=PlanFactory(lmns=lmns), owner=world.users["lead"])
            # A line each trust holds in a draft spend return: entered (to mark complete),
            # not entered (to enter), or entered and marked complete.
            line = BudgetLineFactory(stream=stream, holder_trust=trust)
            spend = SpendReturnFactory(lmns=lmns, period=world.period)
            if i % 4 != 2:
                SpendEntryFactory(budget_line=line, spend_return=spend)
            if i % 4 == 3:
                TrustCompletionFactory(spend_return=spend, trust=trust, complete=True)
        # Every framework collected from every trust, some not yet submitted.
        for framework in frameworks:
            collection = Collection.objects.filter(
                lmns=lmns, period=world.period, framework=framework
            ).first() or CollectionFactory(lmns=lmns, period=world.period, framework=framework)
            collection.trusts.set(lmns.trusts.all())
        lmns_member(lmns, Role.BOARD_MEMBER, f"board-{lmns.pk}-{n}")


PERSONAS_WITH_QUEUES = ["lead", "team", "board", "other_team"]


@pytest.mark.parametrize("persona", PERSONAS_WITH_QUEUES)
def test_each_home_page_makes_a_fixed_number_of_queries(world, persona, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    framework_with(sections=1)
    client = world.client_for(persona)
    client.get(reverse("home"))
    counts = []
    for n in (1, 12):
        _grow(world, n)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("home"))
        assert page.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= HOME_QUERIES[persona], counts


# Session, person, memberships with the navigation counts, open periods, the working periods,
# each source's queries (a lead's spend lines: drafts, lines, entries, completions; open actions).
HOME_QUERIES = {"lead": 17, "team": 20, "board": 12, "other_team": 20}
