"""People: who may sign in, who is still here, and how a person's name is shown.

Leavers are deactivated, never deleted. Deleting a person would leave the audit trail pointing at
nobody (and break every later backup, whose history rows name them), so the product refuses it
everywhere: the admin site offers no delete button, and :func:`refuse_deleting_people` stops any
other code path. Deactivating someone (``is_active`` off) ends their sessions on their next
request and stops every way in.

One rule decides who counts as still here, :func:`can_sign_in` for one person and
:func:`active_people` for a query. Every route in (the password form, and later reset links,
invitations, single sign-on) and everything sent out (mail, notifications) uses them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import ProtectedError, Q, QuerySet

ACTIVE = Q(is_active=True)


def can_sign_in(user) -> bool:
    """Whether this person may sign in or be contacted: they have not left."""
    return user is not None and bool(getattr(user, "is_active", False))


def active_people() -> QuerySet:
    """Everyone who has not left: the people a mail or notification may go to."""
    return get_user_model()._default_manager.filter(ACTIVE)


class ActivePeopleBackend(ModelBackend):
    """Password sign-in that admits only people who have not left, and ends a leaver's session."""

    def user_can_authenticate(self, user) -> bool:
        return can_sign_in(user)


def full_name(user) -> str:
    """The person's name as entered, or their user name if they have none; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def person_name(user) -> str:
    """A person's name as every page shows it: "Sam Lee (left)" once they have left."""
    name = full_name(user)
    if name and not can_sign_in(user):
        return f"{name} (left)"
    return name


def refuse_deleting_people(sender, instance, **kwargs) -> None:
    """``pre_delete`` of the user model: a person is deactivated, never deleted."""
    raise ProtectedError(
        f"{full_name(instance)} cannot be deleted: the records they entered, submitted and "
        "signed off name them. Untick “Active” to mark that they have left instead.",
        {instance},
    )
