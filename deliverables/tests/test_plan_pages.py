"""The plan page, period update page, deliverable page and exports, as users meet them."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from deliverables.demo import SEED_001
from deliverables.models import Deliverable, DeliverableUpdate, Plan, PlanKpi
from lmns.models import RagStatus
from quality.models import Measure
from quality.tests.factories import AmbitionActualFactory, AmbitionTargetFactory

from .factories import (
    DeliverableFactory,
    DeliverableUpdateFactory,
    GovernanceStepFactory,
    PlanFactory,
    RiskFactory,
    WorkstreamFactory,
    with_trajectory,
)


def _set_status(deliverable, status, period, **extra):
    update = DeliverableUpdateFactory(
        deliverable=deliverable, status=status, period=period, **extra
    )
    Deliverable.objects.filter(pk=deliverable.pk).update(status=status, latest_update=update)
    return update


@pytest.fixture
def nw_plan(world):
    """A Norfolk and Waveney plan with green, amber and red deliverables."""
    plan = PlanFactory(lmns=world.other_lmns, title="2022/23 planning deliverables")
    staffing = WorkstreamFactory(plan=plan, name="Safe staffing")
    recovery = dict(
        recovery_action="Escalate to the board", recovery_date=datetime.date(2023, 1, 31)
    )
    rows = {}
    for number, part, status in [
        (1, "", RagStatus.COMPLETE),
        (3, "", RagStatus.ON_TRACK),
        (4, "b", RagStatus.AT_RISK),
        (4, "d", RagStatus.OFF_TRACK),
        (6, "", RagStatus.AT_RISK),
    ]:
        d = DeliverableFactory(
            plan=plan,
            number=number,
            part=part,
            title=f"Deliverable {number}{part}",
            workstream=staffing if number == 4 else None,
            due_date=datetime.date(2030, 3, 31),
        )
        extra = recovery if status in (RagStatus.AT_RISK, RagStatus.OFF_TRACK) else {}
        _set_status(d, status, world.previous_period, **extra)
        rows[f"{number}{part}"] = d
    return plan, rows


def _refs(response) -> list[str]:
    return [row.record.reference for row in response.context["table"].rows]


def test_programme_team_filters_to_amber_and_red(world, nw_plan):
    plan, _ = nw_plan
    client = world.client_for("other_team")
    response = client.get(plan.get_absolute_url(), {"status": ["at_risk", "off_track"]})
    assert response.status_code == 200
    assert _refs(response) == ["4b", "4d", "6"]
    html = response.content.decode()
    assert "At risk" in html and "Off track" in html
    assert "Deliverable 1<" not in html


def test_filters_by_workstream_and_overdue(world, nw_plan):
    plan, rows = nw_plan
    Deliverable.objects.filter(pk=rows["3"].pk).update(due_date=datetime.date(2022, 1, 1))
    client = world.client_for("other_team")
    workstream = plan.workstreams.get()
    assert _refs(client.get(plan.get_absolute_url(), {"workstream": workstream.pk})) == [
        "4b",
        "4d",
    ]
    response = client.get(plan.get_absolute_url(), {"overdue": "yes"})
    assert _refs(response) == ["3"]
    assert '<span class="overdue">Overdue</span>' in response.content.decode()


def test_a_nonsense_filter_is_reported_not_a_crash(world, nw_plan):
    plan, _ = nw_plan
    response = world.client_for("other_team").get(plan.get_absolute_url(), {"status": "purple"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_table_sorts_by_due_date(world, nw_plan):
    plan, rows = nw_plan
    Deliverable.objects.filter(pk=rows["6"].pk).update(due_date=datetime.date(2025, 1, 1))
    response = world.client_for("other_team").get(plan.get_absolute_url(), {"sort": "due_date"})
    assert _refs(response)[0] == "6"


def _period_post(response, period, changes: dict) -> dict:
    """The form as the browser would post it, with ``changes`` per deliverable reference."""
    formset = response.context["formset"]
    data = {
        "p-period": period.pk,
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for i, form in enumerate(formset):
        ref = form.record.reference
        row = {
            "deliverable": form.record.pk,
            "version": form.record.version,
            "status": form.record.status,
            "narrative": "",
            # What the page shows: an amber or red row's recovery action carried forward.
            "recovery_action": form.initial.get("recovery_action") or "",
            "recovery_date": form.initial.get("recovery_date") or "",
        }
        row.update(changes.get(ref, {}))
        data.update({f"form-{i}-{k}": v for k, v in row.items()})
    return data


def test_period_update_with_an_invalid_row_keeps_input_and_saves_nothing_then_saves(world, nw_plan):
    plan, rows = nw_plan
    client = world.client_for("other_team")
    url = reverse("deliverables:period_update", args=[plan.pk]) + "?status=at_risk&status=off_track"
    page = client.get(url)
    assert [f.record.reference for f in page.context["formset"]] == ["4b", "4d", "6"]
    changes = {
        "4b": {"status": "on_track", "narrative": "Workforce plan agreed by all three trusts."},
        # The carried-forward recovery action is cleared: off track needs one.
        "4d": {
            "status": "off_track",
            "narrative": "Board approval slipped to January.",
            "recovery_action": "",
            "recovery_date": "",
        },
        "6": {
            "status": "at_risk",
            "narrative": "Advisers not yet recruited at QEH.",
            "recovery_action": "Interim cover from JPUH.",
            "recovery_date": "2023-02-28",
        },
    }
    before = DeliverableUpdate.objects.count()
    response = client.post(url, _period_post(page, world.period, changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing has been saved yet" in html
    assert "Off track needs a recovery action" in html
    assert f'href="#row-{rows["4d"].pk}"' in html
    assert "Workforce plan agreed by all three trusts." in html
    assert "Interim cover from JPUH." in html
    assert "Board approval slipped to January." in html
    assert DeliverableUpdate.objects.count() == before

    changes["4d"].update(
        {"recovery_action": "Take the plan to the January board.", "recovery_date": "2023-01-31"}
    )
    response = client.post(url, _period_post(page, world.period, changes))
    assert response.status_code == 302
    assert DeliverableUpdate.objects.count() == before + 3
    rows["4b"].refresh_from_db()
    assert rows["4b"].status == RagStatus.ON_TRACK
    detail = client.get(rows["4d"].get_absolute_url()).content.decode()
    assert "Take the plan to the January board." in detail
    assert f"recorded by {world.users['other_team'].get_full_name()}" in detail
    assert "2022/23 Q1" in detail and "2021/22 Q4" in detail


def test_period_update_records_only_rows_that_changed(world, nw_plan):
    plan, rows = nw_plan
    client = world.client_for("other_team")
    url = reverse("deliverables:period_update", args=[plan.pk])
    page = client.get(url)
    before = DeliverableUpdate.objects.count()
    changes = {"3": {"status": "complete", "narrative": "Vaccination offer in every clinic."}}
    response = client.post(url, _period_post(page, world.period, changes))
    assert response.status_code == 302
    assert DeliverableUpdate.objects.count() == before + 1
    update = DeliverableUpdate.objects.latest()
    assert update.deliverable == rows["3"] and update.status == RagStatus.COMPLETE
    assert update.created_by == world.users["other_team"]


def test_an_update_carries_the_recovery_action_forward_while_still_amber_or_red(world, nw_plan):
    plan, rows = nw_plan
    client = world.client_for("other_team")
    url = reverse("deliverables:period_update", args=[plan.pk])
    page = client.get(url)
    html = page.content.decode()
    assert html.count("Escalate to the board</textarea>") == 3  # 4b, 4d and 6, not green ones
    changes = {"6": {"narrative": "Still short of two midwives."}}
    assert client.post(url, _period_post(page, world.period, changes)).status_code == 302
    update = DeliverableUpdate.objects.latest()
    assert update.deliverable == rows["6"] and update.period == world.period
    assert update.recovery_action == "Escalate to the board"
    assert update.recovery_date == datetime.date(2023, 1, 31)
    single = client.get(reverse("deliverables:deliverable_update", args=[rows["4d"].pk]))
    assert "Escalate to the board</textarea>" in single.content.decode()


def test_last_updated_shows_the_reporting_period(world, nw_plan):
    plan, _ = nw_plan
    page = world.client_for("other_team").get(plan.get_absolute_url()).content.decode()
    assert f"{world.previous_period} (entered " in page


def test_period_update_refuses_a_row_someone_else_changed(world, nw_plan):
    plan, rows = nw_plan
    client = world.client_for("other_team")
    url = reverse("deliverables:period_update", args=[plan.pk])
    page = client.get(url)
    Deliverable.objects.filter(pk=rows["3"].pk).update(version=5)
    changes = {"3": {"status": "complete", "narrative": "Done."}}
    response = client.post(url, _period_post(page, world.period, changes))
    assert response.status_code == 200
    assert "Someone else updated this deliverable" in response.content.decode()
    assert not DeliverableUpdate.objects.filter(deliverable=rows["3"], period=world.period).exists()


def test_single_update_form_enforces_the_rule_and_keeps_input(world, nw_plan):
    _, rows = nw_plan
    client = world.client_for("other_team")
    url = reverse("deliverables:deliverable_update", args=[rows["3"].pk])
    response = client.post(
        url,
        {
            "period": world.period.pk,
            "status": "at_risk",
            "narrative": "Uptake has dropped.",
            "version": rows["3"].version,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "At risk needs a recovery action" in html
    assert "Uptake has dropped." in html
    response = client.post(
        url,
        {
            "period": world.period.pk,
            "status": "at_risk",
            "narrative": "Uptake has dropped.",
            "recovery_action": "Walk-in clinics.",
            "recovery_date": "2023-03-01",
            "version": rows["3"].version,
        },
    )
    assert response.status_code == 302
    rows["3"].refresh_from_db()
    assert rows["3"].status == RagStatus.AT_RISK


def test_history_page_shows_status_changes(world, nw_plan):
    _, rows = nw_plan
    client = world.client_for("other_team")
    client.post(
        reverse("deliverables:deliverable_update", args=[rows["3"].pk]),
        {"period": world.period.pk, "status": "complete", "version": rows["3"].version},
    )
    page = client.get(rows["3"].get_absolute_url()).content.decode()
    history = reverse("record_history", args=["deliverables.deliverable", rows["3"].pk])
    assert history in page
    html = client.get(history).content.decode()
    assert "Latest status" in html and "Complete" in html


def _export_rows(client, plan, fmt, query):
    response = client.get(reverse("deliverables:plan_export", args=[plan.pk, fmt]), query)
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_rows_match_the_filtered_page(world, nw_plan, fmt):
    plan, _ = nw_plan
    client = world.client_for("other_team")
    query = {"status": ["at_risk", "off_track"], "sort": "-reference"}
    page_refs = _refs(client.get(plan.get_absolute_url(), query))
    rows = _export_rows(client, plan, fmt, query)
    # The columns follow the page's: the status straight after the title, as a phone shows it.
    assert rows[0][:5] == ["No.", "Title", "Latest status", "Overdue", "Workstream"]
    assert [r[0] for r in rows[1:]] == page_refs == ["6", "4d", "4b"]
    assert [r[2] for r in rows[1:]] == ["At risk", "Off track", "At risk"]
    assert rows[1][1] == "Deliverable 6"
    # What an exceptions report needs, from each row's latest update.
    assert rows[0][-4:] == ["Reporting period", "Narrative", "Recovery action", "Recovery date"]


def test_trust_lead_sees_only_deliverables_for_their_trust_or_all(world):
    plan = PlanFactory(lmns=world.lmns)
    for_all = DeliverableFactory(plan=plan, title="For every trust")
    for_nuh = DeliverableFactory(plan=plan, title="For NUH", trusts=[world.trust])
    for_sfh = DeliverableFactory(plan=plan, title="For SFH", trusts=[world.sibling_trust])
    lead = world.client_for("lead")
    response = lead.get(plan.get_absolute_url())
    assert {r.record.pk for r in response.context["table"].rows} == {for_all.pk, for_nuh.pk}
    assert lead.get(for_sfh.get_absolute_url()).status_code == 404
    export = _export_rows(lead, plan, "csv", {})
    assert {r[1] for r in export[1:]} == {"For every trust", "For NUH"}
    team = world.client_for("team")
    assert len(team.get(plan.get_absolute_url()).context["table"].rows) == 3
    assert lead.get(reverse("deliverables:period_update", args=[plan.pk])).status_code == 403
    response = lead.post(
        reverse("deliverables:deliverable_update", args=[for_nuh.pk]),
        {"period": world.period.pk, "status": "complete", "version": 1},
    )
    assert response.status_code == 403
    assert not DeliverableUpdate.objects.exists()


def test_trust_filter_shows_deliverables_concerning_that_trust(world):
    plan = PlanFactory(lmns=world.lmns)
    DeliverableFactory(plan=plan, number=1)
    DeliverableFactory(plan=plan, number=2, trusts=[world.trust])
    DeliverableFactory(plan=plan, number=3, trusts=[world.sibling_trust])
    response = world.client_for("team").get(plan.get_absolute_url(), {"trust": world.trust.pk})
    assert _refs(response) == ["1", "2"]


def test_a_trusts_own_plan_is_changed_by_its_lead_and_hidden_from_a_sibling(world):
    plan = PlanFactory(lmns=world.lmns, trust=world.trust, title="NUH improvement plan")
    deliverable = DeliverableFactory(plan=plan)
    assert (
        world.client_for("lead")
        .get(reverse("deliverables:period_update", args=[plan.pk]))
        .status_code
        == 200
    )
    assert world.client_for("sibling_lead").get(plan.get_absolute_url()).status_code == 404
    assert world.client_for("sibling_lead").get(deliverable.get_absolute_url()).status_code == 404
    assert world.client_for("board").get(plan.get_absolute_url()).status_code == 200
    plans = world.client_for("sibling_lead").get(
        reverse("deliverables:plan_list", args=[world.lmns.pk])
    )
    assert "NUH improvement plan" not in plans.content.decode()


def test_another_lmns_sees_nothing(world, nw_plan):
    plan, rows = nw_plan
    team = world.client_for("team")
    assert team.get(plan.get_absolute_url()).status_code == 404
    assert team.get(rows["3"].get_absolute_url()).status_code == 404
    assert team.get(reverse("deliverables:plan_export", args=[plan.pk, "xlsx"])).status_code == 404
    response = team.post(
        reverse("deliverables:deliverable_update", args=[rows["3"].pk]),
        {"period": world.period.pk, "status": "complete", "version": 1},
    )
    assert response.status_code == 404


def test_home_links_to_plans_for_the_programme_team(world):
    html = world.client_for("team").get(reverse("home")).content.decode()
    assert reverse("deliverables:plan_list", args=[world.lmns.pk]) in html
    assert "Plans and deliverables" in html


def test_trajectory_chart_and_table(world):
    plan = PlanFactory(lmns=world.lmns)
    deliverable = DeliverableFactory(plan=plan)
    trajectory = with_trajectory(deliverable, metric="Continuity of carer")
    AmbitionTargetFactory(ambition=trajectory, due=datetime.date(2020, 3, 31), value=35)
    AmbitionTargetFactory(
        ambition=trajectory, due=datetime.date(2021, 3, 31), value=51, qualifier=">"
    )
    AmbitionActualFactory(ambition=trajectory, period=world.previous_period, value=29)
    html = world.client_for("board").get(deliverable.get_absolute_url()).content.decode()
    assert 'role="img"' in html
    assert "target 35% by March 2020; target &gt;51% by March 2021" in html
    assert "latest actual 29% in 2021/22 Q4" in html
    assert html.count("<circle") == 1 and "<polyline" in html
    assert "Record an actual" not in html
    assert 'style="' not in html


def test_programme_team_records_an_actual(world):
    plan = PlanFactory(lmns=world.lmns)
    deliverable = DeliverableFactory(plan=plan)
    trajectory = with_trajectory(deliverable)
    client = world.client_for("team")
    url = reverse("deliverables:deliverable_actual", args=[deliverable.pk])
    response = client.post(url, {"period": world.period.pk, "value": "-4"})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    response = client.post(url, {"period": world.period.pk, "value": "27.5", "note": "MSDS"})
    assert response.status_code == 302
    assert trajectory.actuals.get().value == pytest.approx(27.5)
    html = client.get(deliverable.get_absolute_url()).content.decode()
    assert "latest actual 28% in" in html and ">28%<" in html  # a per cent reads whole
    assert "27.5" not in html


def _big_plan(world, deliverables: int, updates_each: int) -> Plan:
    plan = PlanFactory(lmns=world.other_lmns)
    workstreams = [WorkstreamFactory(plan=plan) for _ in range(5)]
    items = Deliverable.objects.bulk_create(
        [
            Deliverable(
                plan=plan,
                number=n + 1,
                title=f"Deliverable {n + 1}",
                workstream=workstreams[n % 5],
                due_date=datetime.date(2022, 1, 1) + datetime.timedelta(days=n),
            )
            for n in range(deliverables)
        ]
    )
    statuses = list(RagStatus)
    updates = DeliverableUpdate.objects.bulk_create(
        [
            DeliverableUpdate(
                deliverable=d,
                period=world.period,
                status=statuses[(d.number + u) % 5],
                narrative="Progress",
                recovery_action="Recover",
                recovery_date=datetime.date(2023, 1, 1),
                created_by=world.users["other_team"],
            )
            for d in items
            for u in range(updates_each)
        ]
    )
    latest = {u.deliverable_id: u for u in updates}
    for d in items:
        d.latest_update = latest[d.pk]
        d.status = latest[d.pk].status
    Deliverable.objects.bulk_update(items, ["latest_update", "status"])
    # Every tenth deliverable has a trajectory with targets and actuals; the plan has KPIs and
    # a governance route.
    for d in items[::10]:
        ambition = with_trajectory(d)
        AmbitionTargetFactory(ambition=ambition)
        AmbitionActualFactory(ambition=ambition, period=world.period)
    for m in Measure.objects.filter(code__in=["PRETERM", "SMOKE-DELIVERY", "ONE-TO-ONE"]):
        PlanKpi.objects.create(plan=plan, measure=m)
    for level in (1, 2, 3):
        GovernanceStepFactory(plan=plan, level=level)
    return plan


# The table's queries, then the plan's targets (3: deliverables with their ambitions, targets,
# latest actuals), KPIs (1) and governance route (1).
PLAN_PAGE_QUERIES = 11 + 5
EXPORT_QUERIES = 11


def test_plan_page_queries_do_not_grow_with_data(world, django_assert_max_num_queries):
    """200 deliverables with 20 updates each, filtered, sorted and exported: the same
    number of queries as for 2 deliverables."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for("other_team")
    counts = []
    for size, updates in [(2, 1), (200, 20)]:
        plan = _big_plan(world, size, updates)
        with CaptureQueriesContext(connection) as captured:
            client.get(plan.get_absolute_url(), {"sort": "status"})
        counts.append(len(captured))
    assert counts[0] == counts[1]
    big = plan
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(big.get_absolute_url(), {"sort": "-last_updated"})
    assert len(response.context["table"].rows) == 200
    with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
        client.get(big.get_absolute_url(), {"status": ["at_risk"], "overdue": "yes"})
    with django_assert_max_num_queries(EXPORT_QUERIES):
        client.get(reverse("deliverables:plan_export", args=[big.pk, "xlsx"]))
    with django_assert_max_num_queries(EXPORT_QUERIES + 2):
        client.get(reverse("deliverables:period_update", args=[big.pk]))


def test_pages_have_nothing_inline_that_the_content_security_policy_blocks(world, nw_plan):
    plan, rows = nw_plan
    risk = RiskFactory(lmns=world.other_lmns)
    AmbitionTargetFactory(ambition=with_trajectory(rows["3"]))
    client = world.client_for("other_team")
    urls = [
        reverse("deliverables:plan_list", args=[world.other_lmns.pk]),
        plan.get_absolute_url(),
        reverse("deliverables:period_update", args=[plan.pk]),
        rows["3"].get_absolute_url(),
        reverse("deliverables:deliverable_update", args=[rows["3"].pk]),
        reverse("deliverables:import_upload", args=[plan.pk]),
        reverse("deliverables:risk_register", args=[world.other_lmns.pk]),
        reverse("deliverables:risk_create", args=[world.other_lmns.pk]),
        risk.get_absolute_url(),
        reverse("deliverables:deliverable_edit", args=[rows["3"].pk]),
        reverse("deliverables:plan_create", args=[world.other_lmns.pk]),
    ]
    upload = client.post(
        reverse("deliverables:import_upload", args=[plan.pk]),
        {"file": SimpleUploadedFile("seed.csv", SEED_001.read_bytes()), "period": world.period.pk},
    )
    urls.append(upload.url)
    for url in urls:
        html = client.get(url).content.decode()
        assert 'style="' not in html, url
        assert "onclick" not in html.lower(), url
        assert "<script>" not in html, url


def test_plan_list_counts_only_what_a_trust_lead_may_see(world):
    plan = PlanFactory(lmns=world.lmns, title="Notts plan")
    DeliverableFactory(plan=plan)
    DeliverableFactory(plan=plan, trusts=[world.sibling_trust])
    url = reverse("deliverables:plan_list", args=[world.lmns.pk])
    lead_plans = world.client_for("lead").get(url).context["plans"]
    team_plans = world.client_for("team").get(url).context["plans"]
    assert [p.deliverable_count for p in lead_plans] == [1]
    assert [p.deliverable_count for p in team_plans] == [2]


def test_programme_team_adds_a_plan_and_a_bad_period_is_explained(world):
    client = world.client_for("team")
    url = reverse("deliverables:plan_create", args=[world.lmns.pk])
    data = {"title": "2023/24 plan", "period_start": "2024-03-31", "period_end": "2023-04-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "must end after it starts" in response.content.decode()
    assert "2023/24 plan" in response.content.decode()
    data.update(period_start="2023-04-01", period_end="2024-03-31", trust=world.trust.pk)
    response = client.post(url, data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.trust == world.trust and plan.lmns == world.lmns


def test_editing_a_deliverable_narrows_its_trusts_and_keeps_its_status(world):
    plan = PlanFactory(lmns=world.lmns)
    DeliverableFactory(plan=plan, number=2)
    deliverable = DeliverableFactory(plan=plan, number=1, status=RagStatus.AT_RISK)
    client = world.client_for("team")
    url = reverse("deliverables:deliverable_edit", args=[deliverable.pk])
    data = {
        "number": "2",
        "part": "",
        "title": "Renamed",
        "owner_name": "Head of Midwifery",
        "due_date": "2023-03-31",
        "trusts": [world.sibling_trust.pk],
        "version": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    data["number"] = "1"
    assert client.post(url, data).status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.title == "Renamed" and deliverable.status == RagStatus.AT_RISK
    assert list(deliverable.trusts.all()) == [world.sibling_trust]
    assert world.client_for("lead").get(deliverable.get_absolute_url()).status_code == 404


def test_history_of_a_deliverable_for_another_trust_is_hidden_from_trust_leads(world):
    plan = PlanFactory(lmns=world.lmns)
    theirs = DeliverableFactory(plan=plan, number=1)
    theirs.trusts.set([world.sibling_trust])
    shared = DeliverableFactory(plan=plan, number=2)
    lead, team = world.client_for("lead"), world.client_for("team")
    hidden = reverse("record_history", args=["deliverables.deliverable", theirs.pk])
    visible = reverse("record_history", args=["deliverables.deliverable", shared.pk])
    assert lead.get(hidden).status_code == 404
    assert lead.get(visible).status_code == 200
    assert team.get(hidden).status_code == 200
    update = DeliverableUpdateFactory(deliverable=theirs, period=world.period)
    update_history = reverse("record_history", args=["deliverables.deliverableupdate", update.pk])
    assert lead.get(update_history).status_code == 404
    assert team.get(update_history).status_code == 200


# The plan page's targets as its template drew them before they were written in one pass.
TARGETS_TEMPLATE = """{% for row in ambitions %}{% with a=row.ambition %}
<h3 class="h5"><a href="{{ row.deliverable.get_absolute_url }}">{{ row.deliverable.reference }}. {{ row.deliverable.title }}</a>: {{ a.metric }}</h3>
<ul class="targets">
  {% for t in a.targets.all %}<li>{{ t.value_text }} by {{ t.due|date:"F Y" }}{% if t.population %} for {{ t.population }}{% endif %}</li>{% endfor %}
</ul>
{% if row.latest %}<p class="small">Latest actual: {{ row.latest.value_text }} in {{ row.latest.period }}{% if row.latest.note %} ({{ row.latest.note }}){% endif %}.</p>{% endif %}
{% if a.note %}<p class="small">{{ a.note }}</p>{% endif %}
{% endwith %}{% endfor %}"""  # noqa: E501


def _cells(html: str) -> list[str]:
    import re

    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.DOTALL)]


@pytest.mark.parametrize("query", [{}, {"sort": "-due_date"}, {"sort": "status", "overdue": "no"}])
def test_headings_rows_and_targets_are_the_templates_markup_with_every_text_escaped(
    world, nw_plan, query
):
    """The headings, rows and targets are written in one pass: the same markup as
    django-tables2's template and columns and the targets' template drew, texts escaped."""
    from django.template import Context, Template
    from django.template.loader import get_template

    from deliverables.selectors import plan_ambitions
    from lmns.access import get_access

    plan, rows = nw_plan
    hostile = '<b>"x" & y</b>'
    Deliverable.objects.filter(pk=rows["4b"].pk).update(title=hostile, owner_name=hostile)
    plan.workstreams.update(name=hostile)
    ambition = with_trajectory(rows["3"], metric=hostile, unit="per 1,000", note=hostile)
    AmbitionTargetFactory(ambition=ambition, due=datetime.date(2024, 12, 31), value=35)
    AmbitionTargetFactory(
        ambition=ambition,
        due=datetime.date(2021, 3, 31),
        value=51,
        qualifier=">",
        population=hostile,
    )
    AmbitionActualFactory(ambition=ambition, period=world.previous_period, value=29, note=hostile)
    with_trajectory(rows["6"])
    client = world.client_for("other_team")
    response = client.get(plan.get_absolute_url(), query)
    page = response.content.decode()
    assert hostile not in page
    assert "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;" in page

    table = response.context["table"]
    drawn = get_template("django_tables2/lmns.html").render(
        {"table": table, "request": response.wsgi_request}
    )
    head = drawn[drawn.index("<thead") : drawn.index("</thead>")]
    assert head in page
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert _cells(body) == _cells(drawn[drawn.index("<tbody") :])
    assert len(_cells(body)) == 5 * len(table.columns)

    ambitions = plan_ambitions(plan, get_access(response.wsgi_request.user))
    before = Template(TARGETS_TEMPLATE).render(Context({"ambitions": ambitions}))
    assert before.count("<h3") == 2
    assert f"Targets and trajectories</h2>\n{before}\n</section>" in page
