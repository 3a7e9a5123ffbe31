"""Demo board packs: the quarters the demo figures cover, issued by each LMNS's programme team.

Runs after the feature apps' demo data (boardpack comes last in INSTALLED_APPS), so the packs
freeze their figures. Idempotent: a quarter that already has an issued pack is left alone.
"""

from django.contrib.auth import get_user_model

from lmns.models import Download, Lmns, ReportingPeriod

from .models import BoardPack
from .services import issue_pack

# Who downloaded which pack (the LMNS team's "Who downloaded what" page): (username, LMNS,
# financial year start, quarter, format).
DEMO_DOWNLOADS = [
    ("notts-board", "NottsLMNS", 2022, 1, "pdf"),
    ("notts-team", "NottsLMNS", 2022, 1, "xlsx"),
    ("nw-board", "NWLMNS", 2022, 3, "pdf"),
    ("blmk-board", "BLMKLMNS", 2018, 3, "pdf"),
]

# (LMNS short name, programme team username, financial year start, quarter); oldest first so
# the board's "latest" pack is the last one.
DEMO_PACKS = [
    # Ockenden compliance, seed 000.
    ("NottsLMNS", "notts-team", 2021, 4),
    ("NottsLMNS", "notts-team", 2022, 1),
    # Deliverables and risks, seed 001 ("Progress September 2022", then December).
    ("NWLMNS", "nw-team", 2022, 2),
    ("NWLMNS", "nw-team", 2022, 3),
    # Transformation funding, seed 002.
    ("BLMKLMNS", "blmk-team", 2018, 3),
]


def load() -> str:
    users = get_user_model().objects
    issued = 0
    for short_name, username, year, quarter in DEMO_PACKS:
        lmns = Lmns.objects.filter(short_name=short_name).first()
        period = ReportingPeriod.objects.filter(start_year=year, quarter=quarter).first()
        team = users.filter(username=username).first()
        if not (lmns and period and team):
            continue
        if BoardPack.objects.filter(lmns=lmns, period=period).exists():
            continue
        issue_pack(lmns=lmns, period=period, user=team, expected_version=0)
        issued += 1
    return f"{issued} board packs issued, {BoardPack.objects.count()} in all; " + _downloads()


def _downloads() -> str:
    """A few downloads of the issued packs, so the download log shows what it records."""
    added = 0
    for username, short_name, year, quarter, fmt in DEMO_DOWNLOADS:
        pack = (
            BoardPack.objects.filter(
                lmns__short_name=short_name, period__start_year=year, period__quarter=quarter
            )
            .select_related("lmns", "period")
            .first()
        )
        person = get_user_model().objects.filter(username=username).first()
        if pack is None or person is None:
            continue
        name = f"{short_name}-board-pack-{pack.period.slug}.{fmt}"
        _, created = Download.objects.get_or_create(
            person=person,
            lmns=pack.lmns,
            name=name,
            defaults={
                "kind": f"Board pack {fmt.upper()}, issued version {pack.version}",
                "path": f"/board/{pack.lmns.pk}/{pack.period.pk}/{fmt}/",
            },
        )
        added += created
    return f"{added} downloads recorded"
