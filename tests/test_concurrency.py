"""Two people pressing the same button at the same moment: one wins, the other is told why.

Two people submitting the same return leave exactly one transition; two imports of the same
quarter (or of the same plan), or an import racing a lead starting that return, import once and
refuse the other with a message, never a server error.

Each person runs in their own thread with their own database connection, opens the record (as
the page they see did), and a barrier then makes them press the button together. Needs PostgreSQL (SQLite serialises writers on one file and the test database
is in memory); CI's PostgreSQL pass runs it.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from assurance.models import QuarterlyReturn, ReturnStatus, Transition
from assurance.services import take_action
from assurance.tests.factories import (
    DECLARATION,
    DECLARATION_POST,
    QuarterlyReturnFactory,
    fill_answers,
    framework_with,
)
from funding.models import SpendReturnTransition
from funding.services import transition_return
from funding.tests.factories import SpendEntryFactory, SpendReturnFactory
from lmns.models import Role
from lmns.tests.factories import lmns_member, trust_lead
from lmns.workflow import StaleRecord

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real connections to one database: run with DATABASE_URL=postgres://…",
    ),
]


def _submit(return_id: int, user_id: int, ready) -> None:
    """What the Submit button does: load the return as the page showed it, then take the step."""
    quarterly_return = QuarterlyReturn.objects.select_related("trust").get(pk=return_id)
    user = get_user_model().objects.get(pk=user_id)
    ready()
    take_action(
        ret=quarterly_return,
        action="submit",
        user=user,
        expected_version=quarterly_return.version,
        declaration=DECLARATION,
    )


def _in_threads(*work) -> list[str]:
    """Run each job in its own thread with its own connection; their outcomes, sorted."""
    outcomes: list[str] = []

    def run(job) -> None:
        try:
            outcomes.append(job())
        except Exception as error:  # shown in the assertion rather than lost in the thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def _race(work, people: list[int]) -> list[str]:
    """Each person does ``work(user_id, ready)``; ``ready()`` makes them press together."""
    barrier = threading.Barrier(len(people))

    def job(user_id: int):
        def run() -> str:
            try:
                work(user_id, lambda: barrier.wait(timeout=30))
            except StaleRecord:
                return "refused"
            return "done"

        return run

    return _in_threads(*(job(person) for person in people))


@pytest.mark.parametrize("attempt", range(3))
def test_two_leads_submitting_the_same_return_at_once_record_one_transition(world, attempt):
    quarterly_return = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    fill_answers(quarterly_return)
    deputy = trust_lead(world.trust, "nuh-deputy-lead")
    people = [world.users["lead"].pk, deputy.pk]

    outcomes = _race(lambda user_id, ready: _submit(quarterly_return.pk, user_id, ready), people)

    assert outcomes == ["done", "refused"]
    assert Transition.objects.filter(quarterly_return=quarterly_return).count() == 1
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.SUBMITTED
    assert quarterly_return.version == 2


def test_two_team_members_signing_off_a_spend_return_at_once_record_one_transition(world):
    spend_return = SpendReturnFactory(lmns=world.lmns, period=world.period, status="submitted")
    SpendEntryFactory(
        budget_line__stream__lmns=world.lmns,
        budget_line__stream__start_year=world.period.start_year,
        spend_return=spend_return,
    )
    colleague = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-team-2")
    people = [world.users["team"].pk, colleague.pk]

    def sign_off(user_id: int, ready) -> None:
        fresh = type(spend_return).objects.get(pk=spend_return.pk)
        user = get_user_model().objects.get(pk=user_id)
        ready()
        transition_return(
            spend_return=fresh, action="sign_off", user=user, expected_version=fresh.version
        )

    outcomes = _race(sign_off, people)

    assert outcomes == ["done", "refused"]
    assert SpendReturnTransition.objects.filter(spend_return=spend_return).count() == 1
    spend_return.refresh_from_db()
    assert spend_return.status == "signed_off"


def test_two_leads_pressing_submit_on_the_page_at_once_record_one_transition(world):
    from django.test import Client
    from django.urls import reverse

    quarterly_return = QuarterlyReturnFactory(trust=world.trust, period=world.period)
    fill_answers(quarterly_return)
    deputy = trust_lead(world.trust, "nuh-deputy-lead")
    clients = {}
    for user in (world.users["lead"], deputy):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    url = reverse("assurance:return_action", args=[quarterly_return.pk, "submit"])
    statuses = []

    def press_submit(user_id: int, ready) -> None:
        ready()
        response = clients[user_id].post(
            url, {"version": quarterly_return.version, **DECLARATION_POST}, follow=True
        )
        statuses.append(response.status_code)

    _race(press_submit, list(clients))

    assert statuses == [200, 200]
    assert Transition.objects.filter(quarterly_return=quarterly_return).count() == 1
    quarterly_return.refresh_from_db()
    assert (quarterly_return.status, quarterly_return.version) == (ReturnStatus.SUBMITTED, 2)


# -- imports racing each other, or a lead starting the return ----------------------------------
FIGURES = "trust,IEA1,IEA2\nRX1,100,65\n"


def _importing(world, framework, user_id: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assurance.importer import import_compliance
    from lmns.uploads import UploadError

    def run() -> str:
        try:
            import_compliance(
                SimpleUploadedFile("figures.csv", FIGURES.encode()),
                lmns=world.lmns,
                framework=framework,
                period=world.period,
                user=get_user_model().objects.get(pk=user_id),
            )
        except UploadError as rejected:
            return "rejected: " + "; ".join(rejected.problems)
        return "done"

    return run


def test_two_imports_of_the_same_quarter_at_once_import_once_and_say_why_not_twice(
    world, monkeypatch
):
    from assurance import importer

    both_checked = threading.Barrier(2)
    write = importer._write

    def write_together(*args, **kwargs):
        both_checked.wait(timeout=30)  # each file checked against the same empty quarter
        return write(*args, **kwargs)

    monkeypatch.setattr(importer, "_write", write_together)
    colleague = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-team-2")

    framework = framework_with(sections=2, requirements=2)
    outcomes = _in_threads(
        _importing(world, framework, world.users["team"].pk),
        _importing(world, framework, colleague.pk),
    )

    assert outcomes == ["done", f"rejected: {importer.CREATED_MEANWHILE}"]
    only = QuarterlyReturn.objects.get(trust=world.trust, period=world.period)
    assert only.status == ReturnStatus.ASSURED
    assert Transition.objects.filter(quarterly_return=only).count() == 1


def test_an_import_racing_a_lead_starting_the_return_is_refused_with_a_reason(world, monkeypatch):
    from assurance import importer
    from assurance.services import start_return

    framework = framework_with(sections=2, requirements=2)
    import_has_checked = threading.Event()
    lead_has_started = threading.Event()
    bulk_create = importer.bulk_create_with_history

    def create_after_the_lead(objs, model, *args, **kwargs):
        if model is QuarterlyReturn:
            import_has_checked.set()
            lead_has_started.wait(timeout=30)
        return bulk_create(objs, model, *args, **kwargs)

    monkeypatch.setattr(importer, "bulk_create_with_history", create_after_the_lead)

    def lead_starts() -> str:
        import_has_checked.wait(timeout=30)
        try:
            start_return(
                trust=world.trust,
                framework=framework,
                period=world.period,
                user=get_user_model().objects.get(pk=world.users["lead"].pk),
            )
        finally:
            lead_has_started.set()
        return "started"

    outcomes = _in_threads(_importing(world, framework, world.users["team"].pk), lead_starts)

    assert outcomes == [f"rejected: {importer.CREATED_MEANWHILE}", "started"]
    draft = QuarterlyReturn.objects.get(trust=world.trust, period=world.period)
    assert draft.status == ReturnStatus.DRAFT
    assert not Transition.objects.exists()


def test_two_plan_imports_at_once_import_once_and_say_why_not_twice(world, monkeypatch):
    from deliverables import importing
    from deliverables.models import Deliverable
    from deliverables.tests.factories import PlanFactory

    plan = PlanFactory(lmns=world.lmns)
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = importing.parse(
        SimpleUploadedFile(
            "plan.csv", b"number,title,text,status,narrative\n1,Reopen services,,Complete,\n"
        )
    ).rows
    both_checked = threading.Barrier(2)
    write = importing._write

    def write_together(*args, **kwargs):
        both_checked.wait(timeout=30)
        return write(*args, **kwargs)

    monkeypatch.setattr(importing, "_write", write_together)

    def importing_as(user_id: int):
        def run() -> str:
            user = get_user_model().objects.get(pk=user_id)
            try:
                importing.import_rows(plan, world.period, rows, {}, user)
            except importing.UploadError as refused:
                return f"rejected: {refused}"
            return "done"

        return run

    colleague = lmns_member(world.lmns, Role.PROGRAMME_TEAM, "notts-team-2")
    outcomes = _in_threads(importing_as(world.users["team"].pk), importing_as(colleague.pk))

    assert outcomes == ["done", f"rejected: {importing.CHANGED_MEANWHILE}"]
    assert Deliverable.objects.filter(plan=plan).count() == 1
