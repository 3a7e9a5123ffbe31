"""The mail tests' shared steps: addresses for the test world, and a return to submit."""

from django.db.models import Count

from assurance.tests.factories import QuarterlyReturnFactory, fill_answers, framework_with

ADDRESSES = {
    "lead": "nuh.lead@nhs.example",
    "sibling_lead": "sfh.lead@nhs.example",
    "team": "notts.team@nhs.example",
    "board": "notts.board@nhs.example",
    "other_team": "nw.team@nhs.example",
    "other_lead": "jpuh.lead@nhs.example",
}


def give_addresses(world) -> None:
    for persona, address in ADDRESSES.items():
        user = world.users[persona]
        user.email = address
        user.save(update_fields=["email"])


def a_return(world, trust=None):
    ret = QuarterlyReturnFactory(
        trust=trust or world.trust, period=world.period, framework=framework_with(sections=1)
    )
    fill_answers(ret)
    return ret


def submit_as_lead(world, ret):
    """The lead presses "Submit" on the return's page, as a browser does."""
    from django.urls import reverse

    from assurance.tests.factories import DECLARATION_POST

    ret.refresh_from_db()
    client = world.client_for("lead")
    return client.post(
        reverse("assurance:return_action", args=[ret.pk, "submit"]),
        {"version": ret.version, **DECLARATION_POST},
    )


def snapshot():
    """Every table's row count, and which notifications are read: what a GET must not change."""
    from django.apps import apps

    counts = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
    from lmns.models import Notification

    counts["read"] = Notification.objects.filter(read_at__isnull=False).count()
    return counts


__all__ = ["Count", "snapshot"]


def ask_for_a_change(ret, user) -> None:
    """What the team does before sending a return back: raise a change request on it."""
    from assurance.services import raise_request

    ret.refresh_from_db()
    raise_request(
        ret=ret, requirement=None, text="Attach the log.", user=user, expected_version=ret.version
    )
    ret.refresh_from_db()
