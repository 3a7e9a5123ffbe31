"""Test-only board sections, standing in for the feature apps' ``board.py`` modules.

They read real rows (the LMNS's trusts) so tests can change data and watch drafts change while
issued packs stay frozen.
"""

from django.urls import reverse

from lmns.board import BoardSection
from lmns.models import Trust


def build_trusts(lmns, period) -> dict:
    rows = list(Trust.objects.filter(lmns=lmns).order_by("name").values_list("name", "ods_code"))
    return {
        "has_data": bool(rows),
        "provisional": False,
        "messages": [{"text": f"{len(rows)} trusts report to {lmns.short_name}", "priority": 1}],
        "tables": [
            {
                "key": "trusts",
                "caption": f"Trusts of {lmns.name}",
                "headers": ["Trust", "ODS code"],
                "rows": [list(r) for r in rows],
            }
        ],
        "links": [{"label": "Trusts and units", "url": reverse("lmns_detail", args=[lmns.pk])}],
    }


def build_alarms(lmns, period) -> dict:
    names = list(
        Trust.objects.filter(lmns=lmns).order_by("name").values_list("short_name", flat=True)
    )
    messages = [
        {"text": f"Alarm {priority} at {', '.join(names)}", "priority": priority}
        for priority in (3, 9, 2, 7, 5, 0)
    ]
    return {
        "has_data": True,
        "provisional": True,
        "messages": messages,
        "tables": [
            {
                "key": "trusts",
                "caption": "Alarm levels by trust",
                "headers": ["Trust", "Level"],
                "rows": [[name, -3] for name in names] + [["=SUM(A1:A2)", "-danger"]],
            }
        ],
        "links": [],
    }


def build_nothing(lmns, period) -> dict:
    return {"has_data": False, "provisional": False, "messages": [], "tables": [], "links": []}


def build_broken(lmns, period) -> dict:
    raise RuntimeError("This section is broken on purpose.")


TRUSTS = BoardSection("trusts", "Trusts", 10, "boardpack/section_tables.html", build_trusts)
ALARMS = BoardSection(
    "alarms", "Ockenden compliance", 20, "boardpack/section_tables.html", build_alarms
)
NOTHING = BoardSection(
    "nothing", "Deliverables", 30, "boardpack/section_tables.html", build_nothing
)
BROKEN = BoardSection("broken", "Funding", 40, "boardpack/section_tables.html", build_broken)

# Listed out of order on purpose: the pack sorts by ``order``.
SECTIONS = [NOTHING, TRUSTS, ALARMS]
