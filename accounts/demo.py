"""Demo: a pending invitation and a past second-factor reset, to show in the admin site.

Idempotent. Demo people keep their documented password; no second factor is required in
development (``MFA_REQUIRED_FOR`` is empty when ``DEBUG`` is on).
"""

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lmns.models import Lmns, Role

from .models import Invitation, SecondFactorReset

INVITED = "new.board.member@example.nhs.uk"


@transaction.atomic
def load() -> str:
    users = get_user_model().objects
    admin, lead = users.get(username="admin"), users.get(username="nuh-lead")
    Invitation.objects.get_or_create(
        email=INVITED,
        defaults={
            "role": Role.BOARD_MEMBER,
            "lmns": Lmns.objects.get(short_name="NottsLMNS"),
            # The demo's link was never mailed: only its hash exists, as for every invitation.
            "token_hash": hashlib.sha256(b"demo invitation, never mailed").hexdigest(),
            "invited_by": admin,
            "expires_at": timezone.now() + datetime.timedelta(days=7),
        },
    )
    SecondFactorReset.objects.get_or_create(
        person=lead,
        defaults={"reset_by": admin, "reason": "Demo record: new phone, authenticator app lost"},
    )
    return "1 pending invitation, 1 second-factor reset"
