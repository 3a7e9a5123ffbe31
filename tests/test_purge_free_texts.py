"""Purging the free texts of plans, risks and funding (``lmns.purges``, registered by each app):
one kind of field after another, asked for by the programme team with a reason and approved by
an administrator, the text gone from the record and its history, the tombstone on the pages,
exports and issued board packs that showed it."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from boardpack.services import issue_pack
from deliverables.models import Deliverable
from deliverables.tests.factories import (
    DeliverableFactory,
    DeliverableUpdateFactory,
    MitigationFactory,
    PlanFactory,
    RiskFactory,
)
from funding.tests.factories import SpendEntryFactory, make_funded
from lmns.models import Purge, PurgeStatus, RagStatus
from lmns.purges import purgeable
from lmns.tests.factories import UserFactory

LEAKED = "Reviewed the care of Jane Doe, NHS 943 476 5919, born 01/02/1990, with her family."


@dataclass(frozen=True)
class Kind:
    """A kind of free text: how to make a record holding it, and the page that shows it."""

    label: str
    field: str
    make: Callable
    page: Callable


def _update(world, **texts):
    """The latest update of a deliverable at risk, as recording an update leaves it."""
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns))
    update = DeliverableUpdateFactory(
        deliverable=deliverable,
        period=world.period,
        status=RagStatus.AT_RISK,
        recovery_date=datetime.date(2022, 9, 30),
        **{"narrative": "Behind.", "recovery_action": "Recruit two midwives.", **texts},
    )
    Deliverable.objects.filter(pk=deliverable.pk).update(latest_update=update, status=update.status)
    return update


def _deliverable(world, **texts):
    return DeliverableFactory(plan=PlanFactory(lmns=world.lmns), **texts)


def _risk(world, **texts):
    return RiskFactory(lmns=world.lmns, **texts)


def _mitigation(world, **texts):
    return MitigationFactory(risk=RiskFactory(lmns=world.lmns), **texts)


def _entry(world, **texts):
    return SpendEntryFactory(budget_line=make_funded(world).central, **texts)


def _deliverable_page(obj):
    target = obj if isinstance(obj, Deliverable) else obj.deliverable
    return reverse("deliverables:deliverable_detail", args=[target.pk])


def _risk_page(obj):
    return reverse("deliverables:risk_detail", args=[getattr(obj, "risk", obj).pk])


def _line_page(entry):
    return reverse("funding:line_detail", args=[entry.budget_line_id])


KINDS = [
    Kind("deliverables.deliverableupdate", "narrative", _update, _deliverable_page),
    Kind("deliverables.deliverableupdate", "recovery_action", _update, _deliverable_page),
    Kind("deliverables.deliverable", "text", _deliverable, _deliverable_page),
    Kind("deliverables.deliverable", "actions", _deliverable, _deliverable_page),
    Kind("deliverables.deliverable", "for_families", _deliverable, _deliverable_page),
    Kind("deliverables.risk", "description", _risk, _risk_page),
    Kind("deliverables.risk", "cause", _risk, _risk_page),
    Kind("deliverables.risk", "consequence", _risk, _risk_page),
    Kind("deliverables.mitigation", "action", _mitigation, _risk_page),
    Kind("funding.spendentry", "narrative", _entry, _line_page),
]


@pytest.fixture
def admins(db):
    return (
        UserFactory(username="ig-admin", is_superuser=True, is_staff=True),
        UserFactory(username="second-admin", is_superuser=True, is_staff=True),
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _leak(kind: Kind, world):
    """A record whose text carries patient data, changed once more so two history rows hold it."""
    obj = kind.make(world, **{kind.field: LEAKED})
    setattr(obj, kind.field, LEAKED + " Actions agreed.")
    obj.save()
    return obj


def _purge(world, admins, obj, field: str) -> Purge:
    url = reverse("purge_request", args=[obj._meta.label_lower, obj.pk])
    asked = world.client_for("team").post(url, {"field": field, "reason": "A patient's name"})
    assert asked.status_code == 302, asked.content.decode()
    purge = Purge.objects.get(label=obj._meta.label_lower, object_id=obj.pk)
    _client(admins[0]).post(reverse("purge_approve", args=[purge.pk]))
    purge.refresh_from_db()
    return purge


def test_every_kind_is_registered_by_its_own_app():
    for kind in KINDS:
        entry = purgeable(kind.label)
        assert entry is not None and kind.field in entry.fields, kind


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: f"{k.label}.{k.field}")
def test_a_free_text_is_purged_from_the_record_its_history_and_its_page(world, admins, kind):
    obj = _leak(kind, world)
    page = world.client_for("team").get(kind.page(obj)).content.decode()
    assert "943 476 5919" in page
    assert reverse("purge_request", args=[kind.label, obj.pk]) in page  # where to report it

    purge = _purge(world, admins, obj, kind.field)

    assert purge.status == PurgeStatus.PURGED
    removed = (LEAKED + " Actions agreed.").encode()
    assert purge.removed_sha256 == hashlib.sha256(removed).hexdigest()
    assert "943" not in purge.description
    obj.refresh_from_db()
    assert getattr(obj, kind.field) == purge.tombstone
    history = obj.history.values_list(kind.field, flat=True)
    assert len(history) >= 2 and not any("943" in (text or "") for text in history)
    shown = world.client_for("team").get(kind.page(obj)).content.decode()
    assert "943 476 5919" not in shown
    assert purge.tombstone in shown


def test_one_person_alone_cannot_purge_a_risk_description(world, admins):
    risk = _leak(KINDS[5], world)
    url = reverse("purge_request", args=["deliverables.risk", risk.pk])
    _client(admins[0]).post(url, {"field": "description", "reason": "A patient's name"})
    purge = Purge.objects.get()
    refused = _client(admins[0]).post(reverse("purge_approve", args=[purge.pk]), follow=True)
    assert "A second person must approve a purge" in refused.content.decode()
    risk.refresh_from_db()
    assert "943" in risk.description


def test_people_outside_the_programme_team_cannot_ask(world):
    risk = _leak(KINDS[5], world)
    url = reverse("purge_request", args=["deliverables.risk", risk.pk])
    data = {"field": "description", "reason": "A patient's name"}
    assert world.client_for("board").post(url, data).status_code == 403
    assert world.client_for("other_team").post(url, data).status_code == 404
    page = world.client_for("board").get(_risk_page(risk)).content.decode()
    assert url not in page
    assert not Purge.objects.exists()


def test_an_update_narrative_leaves_the_plan_export_and_the_issued_board_pack(world, admins):
    update = _leak(KINDS[0], world)
    pack = issue_pack(
        lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
    )
    assert "943 476 5919" in str(pack.snapshot)
    export = reverse("deliverables:plan_export", args=[update.deliverable.plan_id, "csv"])

    purge = _purge(world, admins, update, "narrative")

    pack.refresh_from_db()
    assert "943" not in str(pack.snapshot) and purge.tombstone in str(pack.snapshot)
    board = world.client_for("board")
    shown = board.get(reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk]))
    assert purge.tombstone in shown.content.decode() and "943" not in shown.content.decode()
    csv = world.client_for("team").get(export).content.decode()
    assert purge.tombstone in csv and "943" not in csv
