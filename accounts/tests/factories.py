"""One factory per model of the accounts app."""

import datetime

import factory
from django.utils import timezone

from lmns.models import Role
from lmns.tests.factories import LmnsFactory, UserFactory

from ..models import Invitation, SecondFactorReset
from ..services import token_hash


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation to an LMNS programme team; ``invitation.token`` is the link's token."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    token = factory.Sequence(lambda n: f"invitation-token-{n}-0123456789abcdef")
    email = factory.Sequence(lambda n: f"invited{n}@nhs.example")
    role = Role.PROGRAMME_TEAM
    lmns = factory.SubFactory(LmnsFactory)
    trust = None
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )


def invitation_with_token(**kwargs) -> tuple[Invitation, str]:
    token = kwargs.pop("token", None) or f"token-{timezone.now().timestamp()}-{id(kwargs)}"
    return InvitationFactory(token=token, **kwargs), token


class SecondFactorResetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecondFactorReset

    person = factory.SubFactory(UserFactory)
    reset_by = factory.SubFactory(UserFactory)
    reason = "Lost phone"


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET, *, offset: int = 0) -> str:
    """The authenticator app's code now (``offset`` steps of 30 s away)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def with_address(user, email: str | None = None):
    """The person with an administrator-set address (a verified allauth address)."""
    user.email = email or f"{user.username}@nhs.example"
    user.save()
    return user


def enrol(user, secret: str = TEST_TOTP_SECRET):
    """The person with an authenticator app (and recovery codes), as after enrolling."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    with_address(user)
    TOTP.activate(user, secret)
    return RecoveryCodes.activate(user)
