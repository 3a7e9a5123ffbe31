"""Test-only board sections, standing in for the feature apps' ``board.py`` modules.

They read real rows (the LMNS's trusts) so tests can change data and watch drafts change while
issued packs stay frozen.
"""

from django.urls import reverse

from lmns.board import BoardSection, Link, Message, Section, Table, number
from lmns.models import Trust


def build_trusts(lmns, period) -> Section:
    rows = list(Trust.objects.filter(lmns=lmns).order_by("name").values_list("name", "ods_code"))
    return Section(
        has_data=bool(rows),
        messages=[Message(f"{len(rows)} trusts report to {lmns.short_name}", 1)],
        tables=[Table("trusts", f"Trusts of {lmns.name}", ["Trust", "ODS code"], rows)],
        links=[Link("Trusts and units", reverse("lmns_detail", args=[lmns.pk]))],
    )


def build_alarms(lmns, period) -> Section:
    names = list(
        Trust.objects.filter(lmns=lmns).order_by("name").values_list("short_name", flat=True)
    )
    messages = [
        Message(f"Alarm {priority} at {', '.join(names)}", priority)
        for priority in (3, 9, 2, 7, 5, 0)
    ]
    rows = [[name, number(-3)] for name in names] + [["=SUM(A1:A2)", "-danger"]]
    return Section(
        has_data=True,
        provisional=True,
        messages=messages,
        tables=[Table("trusts", "Alarm levels by trust", ["Trust", "Level"], rows)],
    )


def build_nothing(lmns, period) -> Section:
    return Section(has_data=False)


def build_broken(lmns, period) -> Section:
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
