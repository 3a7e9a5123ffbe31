"""Leavers are deactivated, never deleted: they cannot sign in, and pages say they have left.

Deleting a person left the audit trail pointing at nobody and broke every later backup. Now
nothing deletes a person (the admin site offers no delete, and any other code is refused), a
deactivated person has no way in, their name is shown with "(left)", and a database damaged
before this is repaired by a migration.
"""

import contextlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.urls import reverse

from assurance.services import take_action
from assurance.tests.factories import DECLARATION, QuarterlyReturnFactory, fill_answers
from lmns.audit import history_url
from lmns.people import active_people, can_sign_in, person_name, refuse_deleting_people
from tests.test_security_review import _project_files, _rel

PASSWORD = "test-password-123"


@contextlib.contextmanager
def deleting_people_allowed():
    """What an older release allowed: deleting a person through the admin."""
    user_model = get_user_model()
    pre_delete.disconnect(sender=user_model, dispatch_uid="refuse_deleting_people")
    try:
        yield
    finally:
        pre_delete.connect(
            refuse_deleting_people, sender=user_model, dispatch_uid="refuse_deleting_people"
        )


def _submitted_return(world):
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    fill_answers(ret)
    take_action(
        ret=ret,
        action="submit",
        user=world.users["lead"],
        expected_version=ret.version,
        declaration=DECLARATION,
    )
    return ret


# -- nobody deletes a person ------------------------------------------------------------------
def test_no_code_can_delete_a_person(world):
    lead = world.users["lead"]
    with pytest.raises(ProtectedError, match="Untick “Active”"), transaction.atomic():
        lead.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        get_user_model().objects.filter(pk=lead.pk).delete()
    assert get_user_model().objects.filter(pk=lead.pk).exists()


# -- no way in for someone who has left -------------------------------------------------------
def test_a_person_who_has_left_cannot_sign_in_with_their_password(world, client):
    lead = world.users["lead"]
    lead.is_staff = True  # so that the admin sign-in would admit them while active
    lead.save()
    url = reverse("account_login")
    assert client.post(url, {"login": "nuh-lead", "password": PASSWORD}).status_code == 302
    client.logout()

    lead.is_active = False
    lead.save()
    response = client.post(url, {"login": "nuh-lead", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_site_signs_in_through_the_one_sign_in_page(world, client):
    response = client.post(reverse("admin:login"), {"login": "nuh-lead", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_a_person_marked_as_left_is_signed_out_of_an_open_session(world):
    client = world.client_for("lead")
    assert client.get(reverse("home")).status_code == 200
    lead = world.users["lead"]
    lead.is_active = False
    lead.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_one_rule_says_who_is_still_here(world):
    lead = world.users["lead"]
    lead.is_active = False
    lead.save()
    assert not can_sign_in(lead) and can_sign_in(world.users["team"])
    assert not can_sign_in(None)
    assert lead not in active_people() and world.users["team"] in active_people()


def test_the_admin_marks_people_as_left(world, admin_client):
    lead = world.users["lead"]
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "mark_as_left", "_selected_action": [lead.pk]},
        follow=True,
    )
    assert "1 person marked as left" in response.content.decode()
    lead.refresh_from_db()
    assert not lead.is_active


# -- "(left)" wherever a name is shown --------------------------------------------------------
def test_a_leavers_name_says_they_have_left_on_the_return_and_its_history(world):
    ret = _submitted_return(world)
    lead = world.users["lead"]
    lead.is_active = False
    lead.save()
    name = person_name(lead)
    assert name == f"{lead.get_full_name()} (left)"

    team = world.client_for("team")
    detail = team.get(reverse("assurance:return_detail", args=[ret.pk])).content.decode()
    history = team.get(history_url(ret)).content.decode()

    assert f"by {name}" in detail
    assert f"<td>{name}</td>" in history


def test_a_leavers_name_says_they_have_left_on_the_spend_return(world):
    from funding.services import transition_return
    from funding.tests.factories import SpendEntryFactory, SpendReturnFactory

    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period)
    SpendEntryFactory(
        budget_line__stream__lmns=world.lmns,
        budget_line__stream__start_year=world.period.start_year,
        spend_return=spend_return,
    )
    team = world.users["team"]
    transition_return(
        spend_return=spend_return, action="submit", user=team, expected_version=spend_return.version
    )
    team.is_active = False
    team.save()
    colleague = world.client_for("board")

    url = reverse(
        "funding:return_detail",
        args=[world.lmns.pk, world.period.start_year, world.period.quarter],
    )
    page = colleague.get(url)

    assert f"submitted by {person_name(team)}" in page.content.decode()
    assert "(left)" in person_name(team)


NAME_RENDERING = re.compile(r"get_full_name|\.username\s*}}")


def test_every_name_is_shown_through_the_one_formatter():
    """Templates use ``|person`` and code ``person_name``/``full_name`` (lmns.people)."""
    found = [
        _rel(path)
        for suffix in (".html", ".py")
        for path in _project_files(suffix)
        if _rel(path) != "lmns/people.py" and NAME_RENDERING.search(path.read_text())
    ]
    assert not found, f"Show names with |person or lmns.people.person_name: {found}"


# -- backups that never look complete when they are not ---------------------------------------
def test_a_failed_backup_exits_with_an_error_and_leaves_no_file(world, tmp_path):
    _submitted_return(world)
    with deleting_people_allowed():
        world.users["lead"].delete()  # the history still names the lead: dumpdata fails
    output = tmp_path / "lmns.json.gz"

    with pytest.raises(CommandError, match="nothing was written"):
        call_command("backup", output=str(output))

    assert list(tmp_path.iterdir()) == []


def test_a_backup_appears_only_when_complete(world, tmp_path):
    output = tmp_path / "lmns.json.gz"
    call_command("backup", output=str(output))
    assert [p.name for p in tmp_path.iterdir()] == ["lmns.json.gz"]
    assert output.stat().st_size > 0


# -- the repair of databases where a person was deleted ---------------------------------------
def _repair_migration(executor) -> tuple[tuple[str, str], tuple[str, str]]:
    """The repair migration and the one before it (found by name: numbers move on merges)."""
    graph = executor.loader.graph
    node = next(
        key
        for key in graph.nodes
        if key[0] == "lmns" and key[1].endswith("repair_history_of_deleted_people")
    )
    parent = next(p for p in graph.node_map[node].parents if p.key[0] == "lmns").key
    return node, parent


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_repair_migration_points_a_deleted_persons_history_at_a_placeholder(world, tmp_path):
    ret = _submitted_return(world)
    lead_pk = world.users["lead"].pk
    with deleting_people_allowed():
        world.users["lead"].delete()
    with pytest.raises(CommandError):
        call_command("backup", output=str(tmp_path / "before.json"))

    # The database as it was before the repair, then every migration since, the repair among them.
    executor = MigrationExecutor(connection)
    repair, before = _repair_migration(executor)
    executor.migrate([before])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    placeholder = get_user_model().objects.get(username="deleted-user")
    assert not placeholder.is_active and not placeholder.has_usable_password()
    assert ret.history.filter(updated_by=placeholder).exists()
    assert not ret.history.filter(updated_by_id=lead_pk).exists()
    call_command("backup", output=str(tmp_path / "after.json"))
    assert (tmp_path / "after.json").stat().st_size > 0
    assert world.client_for("team").get(history_url(ret)).status_code == 200


def test_the_repair_leaves_a_sound_database_alone(world):
    from importlib import import_module

    from django.apps import apps

    executor = MigrationExecutor(connection)
    repair, _ = _repair_migration(executor)
    module = import_module(f"lmns.migrations.{repair[1]}")
    _submitted_return(world)
    people = get_user_model().objects.count()

    module.point_orphans_at_placeholder(apps, None)

    assert get_user_model().objects.count() == people
