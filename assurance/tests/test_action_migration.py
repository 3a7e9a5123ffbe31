"""The migrations that turn each answer's action text, owner and due date into action records
lose none of them: every answer that had any of the three has an action of its trust and
requirement with exactly those values, raised on the earliest answer that carried it.

Run on the real test database: assurance is migrated back to before actions existed, answers
are stored the old way, and migrating forward (records made, then the answer's fields removed)
must carry every one across.
"""

import datetime

import pytest

from lmns.models import quarter_dates
from tests.migrating import migrate_app_to, migrate_to_latest

BEFORE = ("assurance", "0013_sign_off_declaration")
AFTER = ("assurance", "0016_answer_action_fields_removed")


def _old_world(old):
    region = old.get_model("lmns", "Region").objects.create(name="Midlands")
    lmns = old.get_model("lmns", "Lmns").objects.create(
        name="Nottingham and Nottinghamshire LMNS", short_name="Notts", icb="Notts ICB",
        region=region,
    )  # fmt: skip
    Trust = old.get_model("lmns", "Trust")
    nuh = Trust.objects.create(lmns=lmns, name="Nottingham University Hospitals", short_name="NUH", ods_code="RX1")  # fmt: skip
    sfh = Trust.objects.create(lmns=lmns, name="Sherwood Forest Hospitals", short_name="SFH", ods_code="RK5")  # fmt: skip
    Period = old.get_model("lmns", "ReportingPeriod")
    periods = []
    for year, quarter in [(2021, 4), (2022, 1)]:
        start, end = quarter_dates(year, quarter)
        periods.append(
            Period.objects.get_or_create(
                start_year=year,
                quarter=quarter,
                defaults={"start_date": start, "end_date": end, "submission_deadline": end},
            )[0]
        )
    framework = old.get_model("assurance", "Framework").objects.create(
        name="Migration test framework", short_name="MTF", version="1"
    )
    section = old.get_model("assurance", "Section").objects.create(
        framework=framework, code="IEA7", title="Informed consent"
    )
    Requirement = old.get_model("assurance", "Requirement")
    first = Requirement.objects.create(section=section, code="IEA7.1", text="Consent", order=1)
    second = Requirement.objects.create(section=section, code="IEA7.2", text="Leaflets", order=2)
    Return = old.get_model("assurance", "QuarterlyReturn")
    Answer = old.get_model("assurance", "Answer")
    due = datetime.date(2022, 9, 30)
    answers = []
    for period in periods:
        for trust in (nuh, sfh):
            ret = Return.objects.create(trust=trust, framework=framework, period=period)
            # The same action copied forward each quarter, and one changed in the second.
            answers.append(Answer.objects.create(
                quarterly_return=ret, requirement=first, status="partially_met",
                action="Audit consent monthly", action_owner="Consultant midwife", action_due=due,
            ))  # fmt: skip
            answers.append(Answer.objects.create(
                quarterly_return=ret, requirement=second, status="not_met",
                action="Translate the leaflets" if period == periods[0] else "",
                action_owner="" if period == periods[0] else "Patient experience lead",
                action_due=None if trust == sfh else due + datetime.timedelta(days=period.quarter),
            ))  # fmt: skip
    # An answer with no action at all makes none.
    ret = Return.objects.get(trust=nuh, period=periods[1])
    third = Requirement.objects.create(section=section, code="IEA7.3", text="Audit", order=3)
    Answer.objects.create(quarterly_return=ret, requirement=third, status="fully_met")
    return answers, periods


# Serialised rollback: the data that migrations ship comes back for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_answer_action_text_owner_and_due_date_survives_as_an_action():
    try:
        old = migrate_app_to(BEFORE)
        answers, periods = _old_world(old)
        expected = {
            (
                a.quarterly_return.trust_id,
                a.requirement_id,
                a.action,
                a.action_owner,
                a.action_due,
            ): a
            for a in reversed(answers)  # the earliest answer of each kept last, so it wins
        }

        new = migrate_app_to(AFTER)

        Action = new.get_model("assurance", "Action")
        actions = {
            (a.trust_id, a.requirement_id, a.what, a.owner, a.due): a for a in Action.objects.all()
        }
        assert len(actions) == Action.objects.count() == len(expected) == 6
        assert set(actions) == set(expected)
        for key, action in actions.items():
            assert action.raised_on_id == expected[key].pk
            assert (action.closure, action.delivery, action.progress) == (
                "",
                "not_started",
                "on_track",
            )
        Answer = new.get_model("assurance", "Answer")
        assert not {"action", "action_owner", "action_due"} & {
            f.name for f in Answer._meta.get_fields()
        }
        assert not Action.objects.filter(requirement__code="IEA7.3").exists()
    finally:
        migrate_to_latest()
