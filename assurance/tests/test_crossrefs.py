"""Frameworks cross-referenced as data: a requirement mapped to one of another framework shows
the trust's evidence and open actions recorded there as related, both ways; they count toward
it only when the trust's lead links them (a link, not a copy)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from assurance.models import (
    Action,
    AnswerLink,
    ComplianceStatus,
    EvidenceFile,
    Requirement,
    RequirementMapping,
    ReturnStatus,
)
from assurance.services import (
    ReturnError,
    answers_for_return,
    link_to_answer,
    missing_items,
    unlink,
)
from assurance.tests.factories import (
    ActionFactory,
    AnswerLinkFactory,
    EvidenceFileFactory,
    QuarterlyReturnFactory,
    RequirementMappingFactory,
    fill_answers,
    framework_with,
)

PARTLY = ComplianceStatus.PARTIALLY_MET
ACTION_PROBLEM = "add an action to reach full compliance"


class Pair:
    """Two frameworks, IEA1.1 of one mapped to IEA1.1 of the other, and the trust's draft
    return of each for this quarter: evidence and an open action recorded on the second."""

    def __init__(self, world):
        self.world = world
        first = framework_with(sections=1, requirements=2, short_name="Ockenden test")
        second = framework_with(sections=1, requirements=2, short_name="MIS test")
        self.mine = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=first)
        self.theirs = QuarterlyReturnFactory(
            trust=world.trust, period=world.period, framework=second
        )
        fill_answers(self.mine)
        self.answer = self.mine.answers.get(requirement__code="IEA1.1")
        self.answer.status = PARTLY
        self.answer.narrative = "Half the wards have the new checklist."
        self.answer.save()
        self.source = self.theirs.answers.get(requirement__code="IEA1.1")
        self.mapping = RequirementMappingFactory(
            requirement=self.answer.requirement,
            related=self.source.requirement,
            source_document="Cross-reference of the test frameworks (May 2024)",
            source_location="Table 3, row 6",
        )
        self.file = EvidenceFileFactory(
            answer=self.source,
            original_name="fetal-monitoring-audit.pdf",
            effective_date=world.period.end_date - datetime.timedelta(days=10),
        )
        self.action = ActionFactory(raised_on=self.source, what="Roll out the checklist")

    def section_page(self, persona: str = "lead", ret=None) -> str:
        ret = ret or self.mine
        url = reverse("assurance:section_edit", args=[ret.pk, ret.framework.sections.first().pk])
        response = self.world.client_for(persona).get(url)
        assert response.status_code == 200
        return response.content.decode()

    def links_url(self) -> str:
        return reverse("assurance:answer_links", args=[self.answer.pk])


@pytest.fixture
def pair(world):
    return Pair(world)


def _problems(ret, code: str) -> tuple:
    for item in missing_items(answers_for_return(ret)):
        if item.requirement.code == code:
            return item.problems
    return ()


# -- the mappings shipped, and the admin screen ----------------------------------------------


def test_every_shipped_mapping_cites_its_source(db):
    mappings = RequirementMapping.objects.select_related(
        "requirement__section__framework", "related__section__framework"
    )
    shipped = {
        (m.requirement.section.framework.short_name, m.requirement.code, m.related.code)
        for m in mappings
    }
    elements = {f"E{n}" for n in range(1, 7)}
    assert shipped == {("MIS", "SA6", e) for e in elements} | {
        ("Ockenden interim", "IEA6.5", e) for e in elements
    }
    for mapping in mappings:
        assert mapping.related.section.framework.short_name == "SBLCB v3"
        assert mapping.source_document.strip() and mapping.source_location.strip()


def _admin(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456")
    client.force_login(user)
    return client


def test_an_administrator_adds_a_mapping_only_with_its_source(db, client):
    client = _admin(client)
    sa8 = Requirement.objects.get(section__framework__short_name="MIS", code="SA8")
    iea31 = Requirement.objects.get(
        section__framework__short_name="Ockenden interim", code="IEA3.1"
    )
    url = reverse("admin:assurance_requirementmapping_add")
    assert client.get(url).status_code == 200
    without_source = client.post(url, {"requirement": sa8.pk, "related": iea31.pk})
    assert without_source.status_code == 200
    assert "This field is required" in without_source.content.decode()
    assert not RequirementMapping.objects.filter(requirement=sa8).exists()
    cited = {
        "requirement": sa8.pk,
        "related": iea31.pk,
        "source_document": "A published cross-reference",
        "source_location": "Table 2",
    }
    assert client.post(url, cited).status_code == 302
    assert RequirementMapping.objects.filter(requirement=sa8, related=iea31).exists()
    # The same pair the other way round, and a requirement of the same framework, are refused.
    reverse_pair = client.post(url, {**cited, "requirement": iea31.pk, "related": sa8.pk})
    assert "already mapped the other way round" in reverse_pair.content.decode()
    sa7 = Requirement.objects.get(section__framework__short_name="MIS", code="SA7")
    same = client.post(url, {**cited, "related": sa7.pk})
    assert "another framework" in same.content.decode()
    assert RequirementMapping.objects.filter(requirement=sa8).count() == 1


# -- related, both ways ----------------------------------------------------------------------


def test_the_section_page_shows_related_evidence_and_actions_with_the_source(pair):
    page = pair.section_page()
    assert "Related in other frameworks" in page
    assert "1 mapped requirement: 1 file, 1 open action" in page
    assert "MIS test IEA1.1 Action 1.1: 1 file, 1 open action" in page
    assert "fetal-monitoring-audit.pdf" in page
    assert "Roll out the checklist" in page
    assert "Cross-reference of the test frameworks (May 2024); Table 3, row 6" in page
    assert reverse("assurance:answer_links", args=[pair.answer.pk]) in page
    # Only the mapped requirement shows it.
    assert page.count("Related in other frameworks") == 1


def test_related_is_shown_both_ways(pair):
    page = pair.section_page(ret=pair.theirs)
    assert "Ockenden test IEA1.1 Action 1.1: 0 files, 0 open actions" in page


def test_another_trusts_evidence_is_never_related(world, pair):
    other = QuarterlyReturnFactory(
        trust=world.sibling_trust, period=world.period, framework=pair.theirs.framework
    )
    source = other.answers.get(requirement__code="IEA1.1")
    EvidenceFileFactory(
        answer=source, original_name="sibling-audit.pdf", effective_date=pair.file.effective_date
    )
    ActionFactory(raised_on=source, what="Sibling trust's action")
    page = pair.section_page()
    assert "sibling-audit.pdf" not in page
    assert "Sibling trust's action" not in page


def test_old_withdrawn_and_closed_items_are_not_offered(world, pair):
    EvidenceFileFactory(
        answer=pair.source,
        original_name="two-years-old.pdf",
        effective_date=world.period.end_date - datetime.timedelta(days=400),
    )
    EvidenceFileFactory(
        answer=pair.source,
        original_name="withdrawn.pdf",
        effective_date=pair.file.effective_date,
        withdrawn_at=datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC),
    )
    ActionFactory(raised_on=pair.source, what="Closed already", closed=True)
    page = pair.section_page()
    for hidden in ("two-years-old.pdf", "withdrawn.pdf", "Closed already"):
        assert hidden not in page


def test_the_board_reads_related_items_but_is_offered_no_link(pair):
    page = pair.section_page("board")
    assert "fetal-monitoring-audit.pdf" in page
    assert pair.links_url() not in page


# -- counting only when linked ---------------------------------------------------------------


def test_a_related_action_counts_only_once_the_lead_links_it(world, pair):
    assert ACTION_PROBLEM in _problems(pair.mine, "IEA1.1")
    as_lead = world.client_for("lead")
    page = as_lead.get(pair.links_url()).content.decode()
    assert "Roll out the checklist" in page and "fetal-monitoring-audit.pdf" in page
    response = as_lead.post(pair.links_url(), {"actions": [pair.action.pk]}, follow=True)
    assert "1 linked to count toward IEA1.1" in response.content.decode()
    assert ACTION_PROBLEM not in _problems(pair.mine, "IEA1.1")
    page = pair.section_page()
    assert "Linked to count toward IEA1.1" in page
    assert "Roll out the checklist" in page


def test_a_link_is_not_a_copy(world, pair):
    files, actions = EvidenceFile.objects.count(), Action.objects.count()
    link_to_answer(
        answer=pair.answer, files=[pair.file], actions=[pair.action], user=world.users["lead"]
    )
    assert (EvidenceFile.objects.count(), Action.objects.count()) == (files, actions)
    # The action goes on changing where it was recorded; the linked answer shows it as it is.
    Action.objects.filter(pk=pair.action.pk).update(what="Roll out the revised checklist")
    assert "Roll out the revised checklist" in pair.section_page()
    whole = world.client_for("team").get(reverse("assurance:return_whole", args=[pair.mine.pk]))
    body = whole.content.decode()
    assert "Linked from other frameworks" in body
    assert "fetal-monitoring-audit.pdf" in body and "MIS test IEA1.1" in body


def test_a_linked_action_closed_later_no_longer_counts(world, pair):
    link_to_answer(answer=pair.answer, files=[], actions=[pair.action], user=world.users["lead"])
    assert ACTION_PROBLEM not in _problems(pair.mine, "IEA1.1")
    Action.objects.filter(pk=pair.action.pk).update(closure="accepted")
    assert ACTION_PROBLEM in _problems(pair.mine, "IEA1.1")


def test_removing_a_link_keeps_its_record_and_stops_it_counting(world, pair):
    link_to_answer(answer=pair.answer, files=[], actions=[pair.action], user=world.users["lead"])
    link = AnswerLink.objects.get(answer=pair.answer)
    url = reverse("assurance:link_remove", args=[link.pk])
    assert world.client_for("lead").get(url).status_code == 405
    assert world.client_for("board").post(url).status_code == 403
    assert world.client_for("sibling_lead").post(url).status_code == 404
    response = world.client_for("lead").post(url, follow=True)
    assert "no longer counts toward IEA1.1" in response.content.decode()
    link.refresh_from_db()
    assert link.removed_at is not None and link.removed_by == world.users["lead"]
    assert ACTION_PROBLEM in _problems(pair.mine, "IEA1.1")
    assert "Linked to count toward" not in pair.section_page()
    # It can be linked again.
    link_to_answer(answer=pair.answer, files=[], actions=[pair.action], user=world.users["lead"])
    assert AnswerLink.objects.filter(answer=pair.answer, removed_at__isnull=True).count() == 1


def test_linking_a_file_sets_the_verdict_back_to_not_yet_seen(world, pair):
    from assurance.tests.factories import EvidenceVerdictFactory

    verdict = EvidenceVerdictFactory(answer=pair.answer, verdict="sufficient")
    link_to_answer(answer=pair.answer, files=[pair.file], actions=[], user=world.users["lead"])
    verdict.refresh_from_db()
    assert verdict.verdict == "not_seen"


# -- refusals --------------------------------------------------------------------------------


def test_the_link_page_posted_back_untouched_asks_for_a_tick(world, pair):
    response = world.client_for("lead").post(pair.links_url(), {})
    assert response.status_code == 200
    assert "Tick at least one file or action" in response.content.decode()
    assert not AnswerLink.objects.exists()


def test_an_unmapped_or_another_trusts_item_is_not_a_choice(world, pair):
    unmapped = pair.theirs.answers.get(requirement__code="IEA1.2")
    stray = ActionFactory(raised_on=unmapped, what="Unmapped action")
    other = QuarterlyReturnFactory(
        trust=world.sibling_trust, period=world.period, framework=pair.theirs.framework
    )
    foreign = ActionFactory(raised_on=other.answers.get(requirement__code="IEA1.1"))
    as_lead = world.client_for("lead")
    for action in (stray, foreign):
        response = as_lead.post(pair.links_url(), {"actions": [action.pk]})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not AnswerLink.objects.exists()


def test_the_service_refuses_what_the_rules_do_not_allow(world, pair):
    lead = world.users["lead"]
    unmapped = ActionFactory(raised_on=pair.theirs.answers.get(requirement__code="IEA1.2"))
    with pytest.raises(ReturnError, match="not mapped to IEA1.1"):
        link_to_answer(answer=pair.answer, files=[], actions=[unmapped], user=lead)
    closed = ActionFactory(raised_on=pair.source, closed=True)
    with pytest.raises(ReturnError, match="closed action"):
        link_to_answer(answer=pair.answer, files=[], actions=[closed], user=lead)
    link_to_answer(answer=pair.answer, files=[pair.file], actions=[], user=lead)
    with pytest.raises(ReturnError, match="already counts"):
        link_to_answer(answer=pair.answer, files=[pair.file], actions=[], user=lead)
    pair.mine.status = ReturnStatus.SUBMITTED
    pair.mine.save()
    with pytest.raises(ReturnError, match="links are made on a draft"):
        link_to_answer(answer=pair.answer, files=[], actions=[pair.action], user=lead)
    with pytest.raises(ReturnError, match="cannot be changed"):
        unlink(link=AnswerLink.objects.get(), user=lead)


def test_a_submitted_return_offers_no_link_and_refuses_one(world, pair):
    pair.mine.status = ReturnStatus.SUBMITTED
    pair.mine.save()
    assert pair.links_url() not in pair.section_page()
    assert world.client_for("lead").get(pair.links_url()).status_code == 403


# -- queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 10])
def test_query_count_of_the_section_page_with_mappings(django_assert_max_num_queries, world, size):
    """The section page reads the mappings and mapped requirements, related files, related
    actions, and the links with what they link, in seven queries however many there are."""
    framework = framework_with(sections=1, requirements=10)
    other = framework_with(sections=1, requirements=10)
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    theirs = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=other)
    fill_answers(ret, status=PARTLY)
    mine = list(ret.answers.order_by("requirement__order"))
    sources = list(theirs.answers.order_by("requirement__order"))
    for answer, source in list(zip(mine, sources, strict=True))[:size]:
        RequirementMappingFactory(requirement=answer.requirement, related=source.requirement)
        for _ in range(size):
            evidence = EvidenceFileFactory(answer=source, effective_date=world.period.end_date)
            action = ActionFactory(raised_on=source)
        AnswerLinkFactory(answer=answer, evidence=evidence)
        AnswerLinkFactory(answer=answer, evidence=None, action=action)
    url = reverse("assurance:section_edit", args=[ret.pk, framework.sections.first().pk])
    as_lead = world.client_for("lead")
    with django_assert_max_num_queries(25):
        page = as_lead.get(url).content.decode()
    assert page.count("Related in other frameworks") == size


def test_a_saved_mapping_keeps_its_two_requirements(db, client):
    client = _admin(client)
    mapping = RequirementMapping.objects.select_related("requirement").first()
    original = (mapping.requirement_id, mapping.related_id)
    other = Requirement.objects.get(section__framework__short_name="MIS", code="SA8")
    url = reverse("admin:assurance_requirementmapping_change", args=[mapping.pk])
    response = client.post(
        url,
        {
            "requirement": other.pk,
            "related": other.pk,
            "source_document": "Corrected source",
            "source_location": mapping.source_location,
        },
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert (mapping.requirement_id, mapping.related_id) == original
    assert mapping.source_document == "Corrected source"


def test_the_verdict_page_shows_what_is_linked(world, pair):
    link_to_answer(answer=pair.answer, files=[pair.file], actions=[], user=world.users["lead"])
    pair.mine.status = ReturnStatus.SUBMITTED
    pair.mine.save()
    url = reverse("assurance:answer_verdict", args=[pair.answer.pk])
    page = world.client_for("team").get(url).content.decode()
    assert "Linked from other frameworks to count toward IEA1.1" in page
    assert "fetal-monitoring-audit.pdf" in page and "MIS test IEA1.1" in page


def test_a_linked_file_withdrawn_where_it_was_recorded_says_so(world, pair):
    link_to_answer(answer=pair.answer, files=[pair.file], actions=[], user=world.users["lead"])
    EvidenceFile.objects.filter(pk=pair.file.pk).update(
        withdrawn_at=datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC)
    )
    page = pair.section_page()
    assert "<del>fetal-monitoring-audit.pdf</del> (withdrawn where it was recorded)" in page
    assert reverse("assurance:evidence_download", args=[pair.file.pk]) not in page


@pytest.mark.parametrize("size", [1, 10])
def test_query_count_of_the_link_page(django_assert_max_num_queries, world, size):
    """The link page lists what may be linked in the same 14 queries with 1 mapped requirement
    of 1 file and 1 action as with 10 of 10 each."""
    ret = QuarterlyReturnFactory(
        trust=world.trust, period=world.period, framework=framework_with(sections=1, requirements=1)
    )
    answer = ret.answers.get()
    for _ in range(size):
        other = QuarterlyReturnFactory(
            trust=world.trust,
            period=world.period,
            framework=framework_with(sections=1, requirements=1),
        )
        source = other.answers.get()
        RequirementMappingFactory(requirement=answer.requirement, related=source.requirement)
        for _ in range(size):
            EvidenceFileFactory(answer=source, effective_date=world.period.end_date)
            ActionFactory(raised_on=source)
    as_lead = world.client_for("lead")
    url = reverse("assurance:answer_links", args=[answer.pk])
    with django_assert_max_num_queries(14):
        page = as_lead.get(url).content.decode()
    assert page.count('type="checkbox"') == 2 * size * size
