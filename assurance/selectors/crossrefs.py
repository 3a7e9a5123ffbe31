"""Reads for frameworks cross-referenced as data: for each answer, the requirements of other
frameworks mapped to its own, the trust's evidence and open actions recorded there, and what
the lead has linked to count toward this answer.

:func:`related_by_answer` issues at most seven queries whatever the number of answers,
mappings, files and actions (two when nothing is mapped or linked).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.template.defaultfilters import pluralize
from django.utils.text import Truncator

from ..models import (
    Action,
    Answer,
    AnswerLink,
    EvidenceFile,
    QuarterlyReturn,
    Requirement,
    RequirementMapping,
    ReturnStatus,
)

# Related evidence is the trust's files that speak for the year up to the end of the quarter.
RELATED_EVIDENCE_DAYS = 365


@dataclass
class RelatedRequirement:
    """A requirement of another framework mapped to the answer's, with where that is said."""

    requirement: Requirement
    mapping: RequirementMapping
    files: list[EvidenceFile] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def label(self) -> str:
        """E.g. "SBLCB v3 E4 Effective fetal monitoring during labour: 0 files, 1 open action"."""
        requirement = self.requirement
        files, actions = len(self.files), len(self.actions)
        return (
            f"{requirement.section.framework.short_name} {requirement.code} "
            f"{Truncator(requirement.text).chars(100)}: {files} file{pluralize(files)}, "
            f"{actions} open action{pluralize(actions)}"
        )

    @property
    def source(self) -> str:
        return f"{self.mapping.source_document}; {self.mapping.source_location}"


@dataclass
class Related:
    """What the answer's page shows under "Related in other frameworks".

    Built by :func:`related_by_answer`; what is worked out from it is kept once first read (the
    page asks for it once per file and action listed), so it is read only once built.
    """

    requirements: list[RelatedRequirement] = field(default_factory=list)
    links: list[AnswerLink] = field(default_factory=list)

    @cached_property
    def linked_file_ids(self) -> set[int]:
        return {link.evidence_id for link in self.links if link.evidence_id}

    @cached_property
    def linked_action_ids(self) -> set[int]:
        return {link.action_id for link in self.links if link.action_id}

    @cached_property
    def candidates(self) -> tuple[list[EvidenceFile], list[Action]]:
        """The files and actions the lead may still link (those not linked already)."""
        linked_files, linked_actions = self.linked_file_ids, self.linked_action_ids
        files = [f for r in self.requirements for f in r.files if f.pk not in linked_files]
        actions = [a for r in self.requirements for a in r.actions if a.pk not in linked_actions]
        return files, actions

    def __bool__(self) -> bool:
        return bool(self.requirements or self.links)

    @property
    def by_source(self) -> list[tuple[RequirementMapping, list[RelatedRequirement]]]:
        """The mapped requirements grouped by the source that maps them, in order."""
        groups: dict[str, tuple] = {}
        for item in self.requirements:
            groups.setdefault(item.source, (item.mapping, []))[1].append(item)
        return list(groups.values())

    @property
    def summary(self) -> str:
        """E.g. "6 mapped requirements: 2 files, 1 open action"."""
        count = len(self.requirements)
        files = sum(len(r.files) for r in self.requirements)
        actions = sum(len(r.actions) for r in self.requirements)
        return (
            f"{count} mapped requirement{pluralize(count)}: {files} file{pluralize(files)}, "
            f"{actions} open action{pluralize(actions)}"
        )


def mapped_requirements(requirement_ids) -> dict[int, list[tuple[Requirement, RequirementMapping]]]:
    """For each requirement, the requirements mapped to it either way, with the mapping: one
    query, and a second for the mapped requirements when there are some."""
    wanted = set(requirement_ids)
    mappings = list(RequirementMapping.objects.touching(wanted).order_by("pk"))
    if not mappings:
        return {}
    other_ids = {pk for m in mappings for pk in (m.requirement_id, m.related_id)}
    requirements = Requirement.objects.select_related("section__framework").in_bulk(other_ids)
    mapped: dict[int, list] = defaultdict(list)
    for mapping in mappings:
        if mapping.requirement_id in wanted:
            mapped[mapping.requirement_id].append((requirements[mapping.related_id], mapping))
        if mapping.related_id in wanted:
            mapped[mapping.related_id].append((requirements[mapping.requirement_id], mapping))
    for pairs in mapped.values():
        pairs.sort(
            key=lambda pair: (
                pair[0].section.framework.short_name,
                pair[0].section.order,
                pair[0].order,
                pair[0].code,
            )
        )
    return mapped


def related_files(trust_id: int, requirement_ids, as_at: datetime.date) -> QuerySet[EvidenceFile]:
    """The trust's files on those requirements, in returns not discarded, that speak for the
    year up to ``as_at``; not withdrawn, not removed for information governance."""
    return (
        EvidenceFile.objects.filter(
            answer__quarterly_return__trust_id=trust_id,
            answer__requirement_id__in=requirement_ids,
            effective_date__lte=as_at,
            effective_date__gt=as_at - datetime.timedelta(days=RELATED_EVIDENCE_DAYS),
            withdrawn_at__isnull=True,
        )
        .exclude(answer__quarterly_return__status=ReturnStatus.DISCARDED)
        .exclude(file="")
        .select_related("answer__quarterly_return__period")
        .order_by("-effective_date", "-pk")
    )


def related_actions(trust_id: int, requirement_ids) -> QuerySet[Action]:
    """The trust's open actions on those requirements."""
    return (
        Action.objects.filter(trust_id=trust_id, requirement_id__in=requirement_ids, closure="")
        .only("pk", "requirement_id", "what", "due", "delivery")
        .order_by("due", "pk")
    )


def links_by_answer(answers: list[Answer]) -> dict[int, list[AnswerLink]]:
    """The files and actions linked to count toward each answer, links not removed: one query,
    and two more (the files and the actions, with where they were recorded) when there are
    links. Most answers have none, so the first query stays small."""
    links = list(
        AnswerLink.objects.filter(answer__in=answers, removed_at__isnull=True)
        .select_related("linked_by")
        .order_by("linked_at", "pk")
    )
    if links:
        prefetch_related_objects(
            links,
            Prefetch(
                "evidence",
                EvidenceFile.objects.select_related(
                    "answer__requirement__section__framework",
                    "answer__quarterly_return__period",
                ),
            ),
            Prefetch("action", Action.objects.select_related("requirement__section__framework")),
        )
    by_answer: dict[int, list[AnswerLink]] = defaultdict(list)
    for link in links:
        by_answer[link.answer_id].append(link)
    return by_answer


def related_by_answer(ret: QuarterlyReturn, answers: list[Answer]) -> dict[int, Related]:
    """For each answer: the mapped requirements with the trust's related files and open
    actions there, and the links counting toward the answer (at most seven queries)."""
    by_requirement = {answer.requirement_id: answer for answer in answers}
    mapped = mapped_requirements(by_requirement)
    related: dict[int, Related] = {answer.pk: Related() for answer in answers}
    for answer_id, links in links_by_answer(answers).items():
        related[answer_id].links = links
    other_ids = {other.pk for pairs in mapped.values() for other, _ in pairs}
    if not other_ids:
        return related
    files = defaultdict(list)
    for evidence in related_files(ret.trust_id, other_ids, ret.period.end_date):
        files[evidence.answer.requirement_id].append(evidence)
    actions = defaultdict(list)
    for action in related_actions(ret.trust_id, other_ids):
        actions[action.requirement_id].append(action)
    for requirement_id, pairs in mapped.items():
        related[by_requirement[requirement_id].pk].requirements = [
            RelatedRequirement(other, mapping, files[other.pk], actions[other.pk])
            for other, mapping in pairs
        ]
    return related


def readable_links() -> QuerySet[AnswerLink]:
    """The base queryset for removing a link; scope it with the access helper."""
    return AnswerLink.objects.select_related(
        "answer__quarterly_return__trust__lmns", "answer__requirement", "evidence", "action"
    )
