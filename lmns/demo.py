"""Demo organisations, periods and people, taken from the published plans in the seeds.

Idempotent: running it again updates in place and creates nothing twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Lmns, Membership, Region, ReportingPeriod, Role, Site, SiteType, Trust

DEMO_PASSWORD = "lmns-demo-2026"

OLU, ALONG, FREE = SiteType.OBSTETRIC_LED, SiteType.ALONGSIDE_MLU, SiteType.FREESTANDING_MLU

# (region, LMNS name, short name, ICB, user prefix, trusts)
# trust: (name, short name, ODS code, [(site, type, neonatal level)])
ORGANISATIONS = [
    (
        "Midlands",
        "Nottingham and Nottinghamshire LMNS",
        "NottsLMNS",
        "NHS Nottingham and Nottinghamshire ICB",
        "notts",
        [
            (
                "Nottingham University Hospitals NHS Trust",
                "NUH",
                "RX1",
                [
                    ("Queen's Medical Centre", OLU, "nicu"),
                    ("Nottingham City Hospital", OLU, "nicu"),
                ],
            ),
            (
                "Sherwood Forest Hospitals NHS Foundation Trust",
                "SFH",
                "RK5",
                [("King's Mill Hospital", OLU, "lnu")],
            ),
        ],
    ),
    (
        "East of England",
        "Norfolk and Waveney LMNS",
        "NWLMNS",
        "NHS Norfolk and Waveney ICB",
        "nw",
        [
            (
                "James Paget University Hospitals NHS Foundation Trust",
                "JPUH",
                "RGP",
                [("James Paget Hospital", OLU, "scu")],
            ),
            (
                "Norfolk and Norwich University Hospitals NHS Foundation Trust",
                "NNUH",
                "RM1",
                [("Norfolk and Norwich University Hospital", OLU, "nicu")],
            ),
            (
                "The Queen Elizabeth Hospital King's Lynn NHS Foundation Trust",
                "QEH",
                "RCX",
                [("Queen Elizabeth Hospital", OLU, "scu")],
            ),
        ],
    ),
    (
        "South East",
        "Kent and Medway LMNS",
        "KMLMNS",
        "NHS Kent and Medway ICB",
        "km",
        [
            (
                "East Kent Hospitals University NHS Foundation Trust",
                "EKHUFT",
                "RVV",
                [
                    ("William Harvey Hospital", OLU, "nicu"),
                    ("William Harvey Hospital Birth Centre", ALONG, ""),
                    ("Queen Elizabeth The Queen Mother Hospital", OLU, "scu"),
                    ("Queen Elizabeth The Queen Mother Hospital Birth Centre", ALONG, ""),
                ],
            ),
            (
                "Dartford and Gravesham NHS Trust",
                "DGT",
                "RN7",
                [
                    ("Darent Valley Hospital", OLU, "scu"),
                    ("Darent Valley Hospital Birth Centre", ALONG, ""),
                ],
            ),
            (
                "Maidstone and Tunbridge Wells NHS Trust",
                "MTW",
                "RWF",
                [
                    ("Tunbridge Wells Hospital at Pembury", OLU, "lnu"),
                    ("Crowborough Birth Centre", FREE, ""),
                    ("Maidstone Birth Centre", FREE, ""),
                ],
            ),
            (
                "Medway NHS Foundation Trust",
                "MFT",
                "RPA",
                [
                    ("Medway Maritime Hospital", OLU, "nicu"),
                    ("Medway Maritime Hospital Birth Centre", ALONG, ""),
                ],
            ),
        ],
    ),
    (
        "East of England",
        "Bedfordshire, Luton and Milton Keynes LMNS",
        "BLMKLMNS",
        "NHS Bedfordshire, Luton and Milton Keynes ICB",
        "blmk",
        [
            ("Bedford Hospital NHS Trust", "BH", "RC1", [("Bedford Hospital", OLU, "scu")]),
            (
                "Luton and Dunstable University Hospital NHS Foundation Trust",
                "LDH",
                "RC9",
                [("Luton and Dunstable Hospital", OLU, "nicu")],
            ),
            (
                "Milton Keynes University Hospital NHS Foundation Trust",
                "MKUH",
                "RD8",
                [("Milton Keynes University Hospital", OLU, "lnu")],
            ),
        ],
    ),
]

FIRST_YEAR, LAST_YEAR = 2018, 2026


def load_periods(today: datetime.date | None = None) -> int:
    """Quarters of 2018/19 to 2026/27. A quarter is open from its start until 90 days after."""
    today = today or datetime.date.today()
    count = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for quarter in (1, 2, 3, 4):
            period, _ = ReportingPeriod.objects.get_or_create(start_year=year, quarter=quarter)
            is_open = period.start_date <= today <= period.end_date + datetime.timedelta(days=90)
            if period.is_open != is_open:
                period.is_open = is_open
                period.save(update_fields=["is_open"])
            count += 1
    return count


def _demo_user(username: str, first: str, last: str, *, superuser: bool = False):
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    user.first_name, user.last_name = first, last
    user.email = f"{username}@example.nhs.uk"
    user.is_staff = user.is_superuser = superuser
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def load() -> str:
    regions = {}
    for region_name, name, short, icb, prefix, trusts in ORGANISATIONS:
        region = regions.get(region_name) or Region.objects.get_or_create(name=region_name)[0]
        regions[region_name] = region
        lmns, _ = Lmns.objects.update_or_create(
            short_name=short, defaults={"name": name, "icb": icb, "region": region}
        )
        for trust_name, trust_short, ods, sites in trusts:
            trust, _ = Trust.objects.update_or_create(
                ods_code=ods, defaults={"name": trust_name, "short_name": trust_short, "lmns": lmns}
            )
            for site_name, site_type, level in sites:
                Site.objects.update_or_create(
                    trust=trust,
                    name=site_name,
                    defaults={"site_type": site_type, "neonatal_level": level},
                )
            lead = _demo_user(f"{trust_short.lower()}-lead", trust_short, "Trust lead")
            Membership.objects.get_or_create(user=lead, role=Role.TRUST_LEAD, trust=trust)
        team = _demo_user(f"{prefix}-team", short, "Programme team")
        Membership.objects.get_or_create(user=team, role=Role.PROGRAMME_TEAM, lmns=lmns)
        # A second member of the team: spend returns are signed off by someone other than the
        # person who submitted them (four eyes on money).
        finance = _demo_user(f"{prefix}-finance", short, "Finance lead")
        Membership.objects.get_or_create(user=finance, role=Role.PROGRAMME_TEAM, lmns=lmns)
        board = _demo_user(f"{prefix}-board", short, "Board member")
        Membership.objects.get_or_create(user=board, role=Role.BOARD_MEMBER, lmns=lmns)
    _demo_user("admin", "Site", "Administrator", superuser=True)
    periods = load_periods()
    return f"{Lmns.objects.count()} LMNSs, {Trust.objects.count()} trusts, {periods} periods"
