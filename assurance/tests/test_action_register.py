"""The actions register (per LMNS and per trust), its filters and exports, overdue actions in
the work queue, and the board pack's "Overdue actions" section."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assurance.board import build_actions
from assurance.models import Action
from assurance.tests.factories import ActionFactory, QuarterlyReturnFactory, framework_with
from lmns.access import get_access
from lmns.models import ReportingPeriod
from lmns.queue import Context, work_queue


def _action(world, trust=None, **kwargs) -> Action:
    ret = QuarterlyReturnFactory(trust=trust or world.trust, period=world.period)
    return ActionFactory(raised_on=ret.answers.first(), **kwargs)


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def boundary(world):
    """An action due yesterday (overdue today) and one due today (not yet overdue)."""
    yesterday = _action(world, what="Due yesterday", due=_today() - datetime.timedelta(days=1))
    today = _action(world, what="Due today", due=_today())
    return yesterday, today


def _lmns_url(world, **query) -> str:
    url = reverse("assurance:lmns_actions", args=[world.lmns.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_overdue_from_the_day_after_the_due_date(world, boundary, as_team):
    page = as_team.get(_lmns_url(world, overdue="yes")).content.decode()
    assert "Due yesterday" in page and "Due today" not in page
    page = as_team.get(_lmns_url(world, overdue="no")).content.decode()
    assert "Due today" in page and "Due yesterday" not in page
    page = as_team.get(_lmns_url(world)).content.decode()
    assert page.count("Open, overdue") == 1


def test_the_lmns_register_filters_by_trust_framework_status_and_owner(world, as_team):
    framework = framework_with(sections=1, requirements=1, short_name="SBLv3")
    mine = _action(world, what="NUH action", owner="Head of Midwifery")
    sibling = _action(world, trust=world.sibling_trust, what="SFH action", owner="Consultant")
    closed = _action(world, what="Closed action", closed=True)
    ret = QuarterlyReturnFactory(trust=world.trust, period=world.period, framework=framework)
    other_framework = ActionFactory(raised_on=ret.answers.first(), what="SBL action")
    _action(world, trust=world.other_trust, what="Another LMNS's action")

    page = as_team.get(_lmns_url(world)).content.decode()
    for label in ("Trust", "Framework", "Status", "Overdue", "Owner (name or role)"):
        assert f">{label}</label>" in page
    assert "invalid name" not in page
    for action in (mine, sibling, other_framework):
        assert action.what in page
    assert closed.what not in page  # open actions unless asked
    assert "Another LMNS" not in page
    page = as_team.get(_lmns_url(world, trust=world.sibling_trust.pk)).content.decode()
    assert "SFH action" in page and "NUH action" not in page
    page = as_team.get(_lmns_url(world, framework=framework.pk)).content.decode()
    assert "SBL action" in page and "NUH action" not in page
    page = as_team.get(_lmns_url(world, status="closed")).content.decode()
    assert "Closed action" in page and "NUH action" not in page
    page = as_team.get(_lmns_url(world, owner="midwif")).content.decode()
    assert "NUH action" in page and "SFH action" not in page
    # The team closes open actions from the register.
    assert reverse("assurance:action_close", args=[mine.pk]) in page


def test_the_trust_register_shows_only_the_trust_and_lets_its_lead_update(world, as_lead):
    mine = _action(world, what="NUH action")
    _action(world, trust=world.sibling_trust, what="SFH action")
    page = as_lead.get(reverse("assurance:trust_actions", args=[world.trust.pk])).content.decode()
    assert "NUH action" in page and "SFH action" not in page
    assert reverse("assurance:action_edit", args=[mine.pk]) in page
    assert reverse("assurance:action_close", args=[mine.pk]) not in page


def test_the_exports_hold_the_filtered_rows_with_real_dates(world, boundary, as_team):
    url = reverse("assurance:lmns_actions_export", args=[world.lmns.pk, "csv"])
    response = as_team.get(url + "?overdue=yes")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Trust", "Framework", "Requirement", "Action", "Status"]
    assert [row[3] for row in rows[1:]] == ["Due yesterday"]
    assert rows[1][4] == "Open, overdue" and rows[0][-1] == "Reason for closing"
    xlsx = as_team.get(reverse("assurance:lmns_actions_export", args=[world.lmns.pk, "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    due_column = [c.value for c in sheet[1]].index("Due")
    assert isinstance(sheet.cell(row=2, column=due_column + 1).value, datetime.datetime)
    assert as_team.get(url.replace("csv", "pdf")).status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["team", "lead"])
def test_the_registers_make_a_fixed_number_of_queries(world, persona):
    client = world.client_for(persona)
    url = (
        _lmns_url(world)
        if persona == "team"
        else reverse("assurance:trust_actions", args=[world.trust.pk])
    )
    _action(world, owner_user=world.users["lead"])
    client.get(url)
    small = _count(client, url)
    for n in range(40):
        _action(world, owner_user=world.users["lead"] if n % 2 else None, closed=n % 5 == 0)
    assert _count(client, url) == small
    assert small <= REGISTER_QUERIES


# 3 the session, person and access, 3 the session's activity stamp, 1 the LMNS or trust, 2 the
# trusts and frameworks the filters offer, 1 the rows.
REGISTER_QUERIES = 10


def test_overdue_actions_are_work_for_the_lead_and_the_team(world, boundary):
    def titles(persona):
        access = get_access(world.users[persona])
        return [(i.kind, i.title) for i in work_queue(access, Context.now())]

    assert ("Overdue actions", "NUH: 1 overdue action") in titles("lead")
    assert ("Overdue actions", "NUH: 1 overdue action") in titles("team")
    assert not any(kind == "Overdue actions" for kind, _ in titles("sibling_lead"))
    assert not any(kind == "Overdue actions" for kind, _ in titles("other_team"))


def test_an_owner_with_an_account_sees_their_open_actions(world):
    _action(world, what="Audit consent monthly", owner_user=world.users["lead"])
    _action(world, what="Closed one", owner_user=world.users["lead"], closed=True)
    items = work_queue(get_access(world.users["lead"]), Context.now())
    mine = [i.title for i in items if i.kind == "Your action"]
    assert len(mine) == 1 and "Audit consent monthly" in mine[0]


def test_the_board_section_counts_open_and_overdue_actions_per_trust(world, boundary):
    _action(world, trust=world.sibling_trust, due=_today() - datetime.timedelta(days=30))
    _action(world, trust=world.sibling_trust, closed=True)
    today = _today()
    quarter = (today.month - 4) % 12 // 3 + 1
    year = today.year if today.month >= 4 else today.year - 1
    period = ReportingPeriod.objects.get_or_create(start_year=year, quarter=quarter)[0]
    section = build_actions(world.lmns, period).to_json()
    rows = {row["trust"]: row for row in section["rows"]}
    assert (rows["NUH"]["open"], rows["NUH"]["overdue"]) == (2, 1)
    assert (rows["SFH"]["open"], rows["SFH"]["overdue"]) == (1, 1)
    assert section["messages"][0]["text"] == "2 overdue actions at 2 trusts"
