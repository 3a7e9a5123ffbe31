"""Business rules of the deliverables app: status updates, actuals, risks and their scores."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lmns.access import Access
from lmns.audit import save_with_links
from lmns.models import RagStatus, ReportingPeriod
from lmns.workflow import bump_version, changed_values, unsaved_fields

from .models import (
    EXCEPTION_STATUSES,
    Deliverable,
    DeliverableUpdate,
    Mitigation,
    Plan,
    Risk,
    RiskScore,
)


def may_change_plan(access: Access, plan: Plan) -> bool:
    """The programme team changes its LMNS's plans; a trust's own plan, its leads too."""
    if access.can_manage_lmns(plan.lmns_id):
        return True
    return plan.trust is not None and access.can_edit_trust(plan.trust)


def check_update_rule(
    status: str, narrative: str, recovery_action: str, recovery_date: datetime.date | None
) -> dict[str, str]:
    """Field errors for an update: At risk and Off track need a narrative and a recovery
    action with a date. Returns an empty dict when the update is acceptable."""
    errors: dict[str, str] = {}
    if status in EXCEPTION_STATUSES:
        label = RagStatus(status).label
        if not (narrative or "").strip():
            errors["narrative"] = f"{label} needs a narrative: say what has gone wrong."
        if not (recovery_action or "").strip():
            errors["recovery_action"] = f"{label} needs a recovery action: say what will be done."
        if not recovery_date:
            errors["recovery_date"] = f"{label} needs the date the recovery action is due."
    return errors


@dataclass
class UpdateInput:
    deliverable: Deliverable
    expected_version: int
    status: str
    narrative: str = ""
    recovery_action: str = ""
    recovery_date: datetime.date | None = None


def _record(item: UpdateInput, period: ReportingPeriod, user) -> DeliverableUpdate:
    errors = check_update_rule(
        item.status, item.narrative, item.recovery_action, item.recovery_date
    )
    if errors:
        raise ValidationError(errors)
    update = DeliverableUpdate.objects.create(
        deliverable=item.deliverable,
        period=period,
        status=item.status,
        narrative=item.narrative.strip(),
        recovery_action=item.recovery_action.strip(),
        recovery_date=item.recovery_date,
        created_by=user,
    )
    deliverable = item.deliverable
    bump_version(deliverable, item.expected_version, status=item.status, latest_update=update)
    # bump_version writes with a single UPDATE; saving again records the change in the
    # deliverable's audit trail with the person who made it.
    deliverable._history_user = user
    deliverable.save(update_fields=["status", "latest_update"])
    return update


@transaction.atomic
def record_update(*, item: UpdateInput, period: ReportingPeriod, user) -> DeliverableUpdate:
    """Record one status update. Raises ValidationError (StaleRecord among them)."""
    return _record(item, period, user)


@transaction.atomic
def record_updates(
    *, items: list[UpdateInput], period: ReportingPeriod, user
) -> list[DeliverableUpdate]:
    """Record many updates at once: all of them, or (on any error) none."""
    return [_record(item, period, user) for item in items]


@transaction.atomic
def create_risk(*, risk: Risk, deliverables, user) -> Risk:
    """Save a new risk and record its first score."""
    risk.full_clean()
    risk._history_user = user
    save_with_links(risk, deliverables=deliverables)
    RiskScore.objects.create(
        risk=risk,
        likelihood=risk.likelihood,
        impact=risk.impact,
        scored_on=timezone.localdate(),
        note="First scored when the risk was raised.",
        scored_by=user,
    )
    return risk


@transaction.atomic
def edit_risk(*, risk: Risk, expected_version: int, changes: dict, deliverables, user) -> Risk:
    """Change a risk's description and details (not its score: that is a re-score).

    Nothing is written when nothing changed.
    """
    changes = {k: v for k, v in changes.items() if k not in {"likelihood", "impact"}}
    return _edit_with_links(risk, expected_version, changes, user, deliverables=deliverables)


def _edit_with_links(record, expected_version: int, changes: dict, user, **links):
    """Write a record's changed fields and links as one change under its version (refused
    with ``StaleRecord`` if it moved on); nothing is written when nothing changed."""
    if not unsaved_fields(record, list(changes)) and not changed_values(record, links):
        return record
    bump_version(record, expected_version, **changes)
    record._history_user = user
    save_with_links(record, **links)
    return record


@transaction.atomic
def rescore_risk(
    *,
    risk: Risk,
    expected_version: int,
    likelihood: int,
    impact: int,
    note: str,
    user,
    review_date: datetime.date | None = None,
    scored_on: datetime.date | None = None,
) -> RiskScore | None:
    """Re-score a risk: the new score is kept in its score history so movement shows.

    The same score and review date with no note is no new score: nothing is recorded and
    None is returned.
    """
    changes = {"likelihood": likelihood, "impact": impact}
    if review_date:
        changes["review_date"] = review_date
    if not changed_values(risk, changes) and not note.strip():
        return None
    bump_version(risk, expected_version, **changes)
    risk._history_user = user
    risk.save()
    return RiskScore.objects.create(
        risk=risk,
        likelihood=likelihood,
        impact=impact,
        scored_on=scored_on or timezone.localdate(),
        note=note,
        scored_by=user,
    )


@transaction.atomic
def save_mitigation(*, mitigation: Mitigation, user) -> Mitigation:
    """Add a mitigation, or save a changed one (an unchanged one writes nothing)."""
    mitigation.full_clean()
    if mitigation.pk and not unsaved_fields(mitigation, ["action", "owner_name", "status"]):
        return mitigation
    mitigation._history_user = user
    mitigation.save()
    return mitigation


@transaction.atomic
def edit_deliverable(
    *, deliverable: Deliverable, expected_version: int, changes: dict, trusts, user
) -> Deliverable:
    """Change a deliverable's details (never its status: that is an update).

    Nothing is written when nothing changed.
    """
    changes = {k: v for k, v in changes.items() if k not in {"status", "latest_update"}}
    return _edit_with_links(deliverable, expected_version, changes, user, trusts=trusts)
