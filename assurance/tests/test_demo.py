"""Demo data: seed 000's April 2022 figures, earlier quarters with movement, and a draft."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assurance import demo as assurance_demo
from assurance.models import Answer, QuarterlyReturn, ReturnStatus, SectionRating, Transition
from assurance.services import derive_section_percent
from lmns import demo as core_demo
from lmns.models import Lmns, ReportingPeriod

SEED_000 = {
    "NUH": {
        "IEA1": 100,
        "IEA2": 99,
        "IEA3": 65,
        "IEA4": 89,
        "IEA5": 70,
        "IEA6": 94,
        "IEA7": 57,
        "WF": 80,
    },
    "SFH": {
        "IEA1": 100,
        "IEA2": 100,
        "IEA3": 100,
        "IEA4": 100,
        "IEA5": 100,
        "IEA6": 100,
        "IEA7": 71,
        "WF": 100,
    },
}


@pytest.fixture
def demo(db):
    core_demo.load()
    assurance_demo.load()


def _counts():
    return (
        QuarterlyReturn.objects.count(),
        Answer.objects.count(),
        SectionRating.objects.count(),
        Transition.objects.count(),
    )


def test_seed_000_figures_are_assured_for_2022_23_q1(demo):
    period = ReportingPeriod.objects.get(start_year=2022, quarter=1)
    for short_name, figures in SEED_000.items():
        quarterly_return = QuarterlyReturn.objects.get(
            trust__short_name=short_name, period=period, framework__short_name="Ockenden interim"
        )
        assert quarterly_return.status == ReturnStatus.ASSURED
        agreed = {
            r.section.code: r.agreed_percent
            for r in quarterly_return.section_ratings.select_related("section")
        }
        assert agreed == {code: Decimal(v) for code, v in figures.items()}


def test_every_section_figure_is_reproduced_by_its_answers(demo):
    ratings = SectionRating.objects.filter(
        quarterly_return__status=ReturnStatus.ASSURED,
        quarterly_return__trust__ods_code__in=assurance_demo.FIGURES,
    ).select_related("quarterly_return", "section")
    assert ratings.count() == 2 * 4 * 8
    for rating in ratings:
        answers = Answer.objects.filter(
            quarterly_return=rating.quarterly_return, requirement__section=rating.section
        )
        assert answers.count() == rating.section.requirements.count()
        assert derive_section_percent(answers) == rating.derived_percent == rating.agreed_percent


def test_earlier_quarters_show_movement(demo):
    def figure(code, year, quarter):
        return SectionRating.objects.get(
            quarterly_return__trust__short_name="NUH",
            quarterly_return__period__start_year=year,
            quarterly_return__period__quarter=quarter,
            section__code=code,
        ).agreed_percent

    iea7 = [figure("IEA7", 2021, 3), figure("IEA7", 2021, 4), figure("IEA7", 2022, 1)]
    assert all(value < 75 for value in iea7)
    iea3 = [figure("IEA3", y, q) for y, q in [(2021, 2), (2021, 3), (2021, 4), (2022, 1)]]
    assert iea3 == sorted(iea3) and iea3[0] < iea3[-1]


def test_each_assured_return_has_its_workflow_steps(demo):
    for quarterly_return in QuarterlyReturn.objects.filter(status=ReturnStatus.ASSURED):
        steps = list(quarterly_return.transitions.values_list("to_status", flat=True))
        # Each begins submitted and ends assured (NNUH's, in the working period, directly;
        # NUH's 2022/23 Q1 was sent back once on the way).
        assert steps[0] == ReturnStatus.SUBMITTED and steps[-1] == ReturnStatus.ASSURED
        assert len(steps) in (2, 3, 6)


def test_nuh_has_a_draft_for_the_working_period(demo):
    latest = assurance_demo.demo_working_period()
    draft = QuarterlyReturn.objects.get(trust__short_name="NUH", period=latest)
    assert draft.status == ReturnStatus.DRAFT
    assert draft.answers.count() == sum(
        s.requirements.count() for s in draft.framework.sections.all()
    )


def test_loading_twice_gives_the_same_data(demo):
    before = _counts()
    agreed = list(SectionRating.objects.order_by("pk").values_list("agreed_percent", flat=True))
    assurance_demo.load()
    assert _counts() == before
    assert (
        list(SectionRating.objects.order_by("pk").values_list("agreed_percent", flat=True))
        == agreed
    )


def test_the_dashboard_shows_seed_000_exactly(demo, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="notts-board"))
    lmns = Lmns.objects.get(short_name="NottsLMNS")
    period = ReportingPeriod.objects.get(start_year=2022, quarter=1)
    # Opens by default on the latest quarter with agreed figures: 2022/23 Q1.
    # The dashboard opens on the working period; seed 000's quarter is chosen in its picker.
    response = client.get(reverse("assurance:dashboard", args=[lmns.pk]), {"period": period.pk})
    assert response.status_code == 200
    assert response.context["grid"].period == period
    html = response.content.decode()
    for short_name, figures in SEED_000.items():
        row = re.search(rf'<tr data-trust="{short_name}">.*?</tr>', html, re.S).group(0)
        shown = dict(re.findall(r'data-section="(\w+)">\s*<span class="pct">(\d+)%</span>', row))
        assert shown == {code: str(v) for code, v in figures.items()}, short_name


def test_the_working_period_keeps_every_queue_alive(db, django_capture_on_commit_callbacks):
    """SFH awaits review, JPUH is sent back with two changes, NNUH is assured, QEH has nothing;
    each step's notification was sent when the demo was loaded."""
    from lmns.models import Notification

    core_demo.load()
    with django_capture_on_commit_callbacks(execute=True):
        assurance_demo.load()

    latest = assurance_demo.demo_working_period()
    states = dict(
        QuarterlyReturn.objects.filter(period=latest).values_list("trust__short_name", "status")
    )
    assert states == {
        "NUH": ReturnStatus.DRAFT,
        "SFH": ReturnStatus.SUBMITTED,
        "JPUH": ReturnStatus.RETURNED,
        "NNUH": ReturnStatus.ASSURED,
    }
    told = set(Notification.objects.values_list("recipient__username", "kind"))
    assert ("notts-team", "return.submitted") in told
    assert ("jpuh-lead", "return.sent_back") in told
    assert ("nnuh-lead", "return.assured") in told


def test_the_review_conversation_is_shown_as_the_demo_table_says(
    db, django_capture_on_commit_callbacks
):
    """JPUH sent back with two requests, IEA3's addressed and IEA7's open; NUH's last assured
    quarter was sent back once, its thread closed; SFH's IEA7 evidence judged insufficient,
    then accepted."""
    from assurance.models import ChangeRequest, EvidenceVerdict, RequestStatus, VerdictChoice
    from lmns.models import Notification

    core_demo.load()
    with django_capture_on_commit_callbacks(execute=True):
        assurance_demo.load()
    jpuh = ChangeRequest.objects.filter(quarterly_return__trust__short_name="JPUH")
    assert sorted(jpuh.values_list("requirement__section__code", "status")) == [
        ("IEA3", RequestStatus.ADDRESSED),
        ("IEA7", RequestStatus.OPEN),
    ]
    assert Notification.objects.filter(
        recipient__username="nw-team", kind="request.addressed"
    ).exists()
    last = ReportingPeriod.objects.get(start_year=2022, quarter=1)
    nuh = ChangeRequest.objects.get(quarterly_return__trust__short_name="NUH")
    assert nuh.quarterly_return.period == last and nuh.status == RequestStatus.CLOSED
    assert nuh.entries.count() == 3
    assert list(nuh.quarterly_return.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "under_review",
        "returned",
        "submitted",
        "under_review",
        "assured",
    ]
    verdict = EvidenceVerdict.objects.get(answer__quarterly_return__trust__short_name="SFH")
    assert verdict.verdict == VerdictChoice.SUFFICIENT
    assert [h.verdict for h in verdict.history.order_by("history_date")] == [
        "insufficient",
        "sufficient",
    ]
    # Loading again changes nothing.
    before = (ChangeRequest.objects.count(), EvidenceVerdict.history.count())
    assurance_demo.load()
    assert (ChangeRequest.objects.count(), EvidenceVerdict.history.count()) == before


def test_the_demo_collects_in_its_working_period(demo):
    from assurance.models import Collection
    from lmns.models import Lmns
    from lmns.selectors import working_period

    working = assurance_demo.demo_working_period()
    for short_name, codes in (("NottsLMNS", {"RX1", "RK5"}), ("NWLMNS", {"RGP", "RM1", "RCX"})):
        lmns = Lmns.objects.get(short_name=short_name)
        assert working_period(lmns) == working
        collection = Collection.objects.get(lmns=lmns, period=working)
        assert {t.ods_code for t in collection.trusts.all()} == codes
    # QEH has not submitted and is past its deadline, whatever today's date.
    nw = Collection.objects.get(lmns__short_name="NWLMNS", period=working)
    assert nw.deadline < datetime.date.today()


def test_every_submitted_demo_return_carries_its_sign_off_declaration(demo):
    past_submitting = QuarterlyReturn.objects.exclude(status=ReturnStatus.DRAFT)
    assert past_submitting.exists()
    for ret in past_submitting.select_related("trust"):
        assert ret.declared, ret
        assert ret.signed_off_on <= datetime.date.today()
    nuh = QuarterlyReturn.objects.filter(trust__short_name="NUH", status=ReturnStatus.ASSURED)
    assert {r.signed_off_name for r in nuh} == {"Morgan Hale"}


def test_nuhs_draft_offers_the_action_linked_across_frameworks(demo, client):
    """NUH linked its Saving Babies' Lives element 4 action to IEA6.5 last quarter; the draft
    shows it as related, with the mapping's source, for the lead to link again."""
    from assurance.models import AnswerLink

    link = AnswerLink.objects.select_related("answer__requirement", "action__requirement").get()
    assert (link.answer.requirement.code, link.action.requirement.code) == ("IEA6.5", "E4")
    assert link.action.what.startswith("Illustrative:")
    assurance_demo.load()
    assert AnswerLink.objects.count() == 1
    draft = QuarterlyReturn.objects.get(
        trust__short_name="NUH", period=assurance_demo.demo_working_period()
    )
    client.force_login(link.linked_by)
    section = draft.framework.sections.get(code="IEA6")
    page = client.get(reverse("assurance:section_edit", args=[draft.pk, section.pk])).content
    page = page.decode()
    assert "6 mapped requirements: 0 files, 1 open action" in page
    assert "SBLCB v3 E4 Effective fetal monitoring during labour: 0 files, 1 open action" in page
    assert "Ockenden interim report (December 2020)" in page
    assert (
        reverse("assurance:answer_links", args=[draft.answers.get(requirement__code="IEA6.5").pk])
        in page
    )
