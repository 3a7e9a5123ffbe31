"""Demo email choices: NUH's lead takes the daily digest for assured returns, and BLMK's board
member reads board packs in the app only. Everyone else has email at once (the default). Mail
from the demo's steps is written to sent-mail/ (README, "Mail")."""

from django.contrib.auth import get_user_model

from .models import Choice, MailPreference

CHOICES = [
    ("nuh-lead", "return.assured", Choice.DIGEST),
    ("blmk-board", "boardpack.issued", Choice.APP),
]


def load() -> str:
    people = {
        u.username: u for u in get_user_model().objects.filter(username__in=[c[0] for c in CHOICES])
    }
    made = 0
    for username, kind, choice in CHOICES:
        if username in people:
            MailPreference.objects.update_or_create(
                user=people[username], kind=kind, defaults={"choice": choice}
            )
            made += 1
    return f"{made} email choices"
