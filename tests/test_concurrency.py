"""Two people submitting the same return at the same moment leave exactly one transition.

Each person runs in their own thread with their own database connection; a barrier releases
them together. Needs PostgreSQL (SQLite serialises writers on one file and the test database
is in memory); CI's PostgreSQL pass runs it.
"""

import threading

import pytest
from django.db import connection, transaction

from assurance.models import QuarterlyReturn, ReturnStatus, Transition
from lmns.workflow import StaleRecord, advance

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs two real connections to one database: run with DATABASE_URL=postgres://…",
    ),
]


def _submit(return_id: int, user_id: int) -> None:
    """What the submit action does: one conditional step and its transition, in one transaction."""
    with transaction.atomic():
        quarterly_return = QuarterlyReturn.objects.get(pk=return_id)
        before = quarterly_return.status
        advance(
            quarterly_return,
            from_statuses=[ReturnStatus.DRAFT, ReturnStatus.RETURNED],
            to_status=ReturnStatus.SUBMITTED,
            expected_version=quarterly_return.version,
        )
        Transition.objects.create(
            quarterly_return=quarterly_return,
            from_status=before,
            to_status=ReturnStatus.SUBMITTED,
            by_id=user_id,
        )


def _race(work, people: list[int]) -> list[str]:
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def run(user_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(user_id)
            outcomes.append("submitted")
        except StaleRecord:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_submissions_record_one_transition(world, attempt):
    from assurance.models import Framework

    framework = Framework.objects.get(short_name="Ockenden interim")
    quarterly_return = QuarterlyReturn.objects.create(
        trust=world.trust, framework=framework, period=world.period
    )
    second_lead = world.users["lead"].__class__.objects.create_user("nuh-deputy")
    people = [world.users["lead"].pk, second_lead.pk]

    outcomes = _race(lambda user_id: _submit(quarterly_return.pk, user_id), people)

    assert outcomes == ["refused", "submitted"]
    assert Transition.objects.filter(quarterly_return=quarterly_return).count() == 1
    quarterly_return.refresh_from_db()
    assert quarterly_return.status == ReturnStatus.SUBMITTED
    assert quarterly_return.version == 2
