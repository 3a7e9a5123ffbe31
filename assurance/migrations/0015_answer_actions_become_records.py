"""Every answer's action text, owner and due date becomes an action record.

An action repeated unchanged on the same trust's answers to the same requirement in later
returns (copied forward quarter after quarter) becomes one action, raised on the earliest of
those answers. Every action starts open: only the LMNS closes one. Going back writes each
action onto the answer it was raised on.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Answer = apps.get_model("assurance", "Answer")
    Action = apps.get_model("assurance", "Action")
    seen = set()
    actions = []
    answers = (
        Answer.objects.exclude(action="", action_owner="", action_due=None)
        .select_related("quarterly_return__period")
        .order_by("quarterly_return__period__start_date", "pk")
    )
    for answer in answers.iterator():
        if not (answer.action.strip() or answer.action_owner.strip() or answer.action_due):
            continue
        key = (
            answer.quarterly_return.trust_id,
            answer.requirement_id,
            answer.action,
            answer.action_owner,
            answer.action_due,
        )
        if key in seen:
            continue
        seen.add(key)
        actions.append(
            Action(
                trust_id=answer.quarterly_return.trust_id,
                requirement_id=answer.requirement_id,
                raised_on_id=answer.pk,
                what=answer.action,
                owner=answer.action_owner,
                due=answer.action_due,
                updated_by_id=answer.updated_by_id,
            )
        )
    Action.objects.bulk_create(actions, batch_size=500)


def backwards(apps, schema_editor):
    Answer = apps.get_model("assurance", "Answer")
    Action = apps.get_model("assurance", "Action")
    for action in Action.objects.exclude(raised_on=None).order_by("pk").iterator():
        Answer.objects.filter(pk=action.raised_on_id).update(
            action=action.what, action_owner=action.owner, action_due=action.due
        )


class Migration(migrations.Migration):
    dependencies = [("assurance", "0014_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
