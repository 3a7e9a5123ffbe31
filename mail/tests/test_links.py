"""Mail gateways open every link of every mail: no GET of any of them changes anything."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from assurance.services import Action, take_action
from assurance.tests.factories import DECLARATION, declaration_for
from lmns.notifications import kinds, notify
from mail import services
from mail.messages import DIGEST_KIND

from .helpers import a_return, ask_for_a_change, give_addresses, snapshot

SITE = "http://127.0.0.1:8000"


def _links(message) -> set[str]:
    found = set()
    for part in ("plain", "html"):
        body = message.get_body(preferencelist=(part,)).get_content()
        found |= set(re.findall(r"https?://[^\s\"<>]+", body))
    found.add(message["List-Unsubscribe"].strip().strip("<>"))
    return found


@pytest.fixture
def every_kind_mailed(world, smtp_server, django_capture_on_commit_callbacks):
    """One mail of every kind: the return's steps for real, the other kinds through notify,
    and a digest."""
    give_addresses(world)
    lead, team = world.users["lead"], world.users["team"]
    ret = a_return(world)
    with django_capture_on_commit_callbacks(execute=True):
        for action, user, comment in [
            (Action.SUBMIT, lead, ""),
            (Action.SEND_BACK, team, "Add the log"),
            (Action.SUBMIT, lead, ""),
            (Action.START_REVIEW, team, ""),
        ]:
            if action == Action.SEND_BACK:
                ask_for_a_change(ret, user)
            ret.refresh_from_db()
            take_action(
                ret=ret,
                action=action,
                user=user,
                expected_version=ret.version,
                comment=comment,
                declaration=declaration_for(action),
            )
        sent = {m_kind for m_kind in ("return.submitted", "return.sent_back")}
        for kind in kinds():
            if kind.code in sent:
                continue
            notify(
                recipients=[lead],
                kind=kind.code,
                text=f"{kind.label} (test)",
                url=f"/assurance/returns/{ret.pk}/",
                key=f"{kind.code}:links",
            )
    services.set_choices(user=team, choices={"return.submitted": "digest"})
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_a_change(ret, team)
        take_action(
            ret=ret,
            action=Action.SEND_BACK,
            user=team,
            expected_version=ret.version,
            comment="x",
        )
        ret.refresh_from_db()
        take_action(
            ret=ret,
            action=Action.SUBMIT,
            user=lead,
            expected_version=ret.version,
            declaration=DECLARATION,
        )
    call_command("send_reminders", verbosity=0)
    return smtp_server.messages


def test_every_kind_was_mailed(every_kind_mailed):
    subjects = {m["Subject"] for m in every_kind_mailed}
    labels = {f"LMNS Assurance: {kind.label}" for kind in kinds()}
    assert labels <= subjects
    assert any("digest" in s for s in subjects)


def test_opening_every_link_of_every_mail_changes_nothing(world, every_kind_mailed):
    links = set()
    for message in every_kind_mailed:
        links |= _links(message)
    assert any("/mail/unsubscribe/" in link for link in links)
    assert any(link.endswith("/one-click/") for link in links)
    gateway = Client()
    people = [world.client_for("lead"), world.client_for("team")]
    before = snapshot()
    for link in sorted(links):
        assert link.startswith(SITE), link
        for client in [gateway, *people]:
            response = client.get(link.removeprefix(SITE))
            assert response.status_code in (200, 302, 405), (link, response.status_code)
    assert snapshot() == before
    assert DIGEST_KIND
