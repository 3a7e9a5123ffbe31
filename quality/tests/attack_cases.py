"""Attack cases of the quality forms (see ``tests/attacks``): how each is used validly."""

from importlib import import_module

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quality.forms import MonthEntryForm
from quality.selectors import active_measures
from quality.tests.factories import measure, past_month
from tests.attacks import AttackCase, Resave, Target


def _month() -> str:
    return f"{past_month(2):%Y-%m}"


def _entry(w) -> Target:
    measures = active_measures()
    data = {"status": "provisional", "reason": "From the maternity dashboard."}
    # Every measure filled in, so the page shows a saved value in every field.
    for m in measures:
        data.update({f"num_{m.code}": "3" if m.is_count else "40", f"v_{m.code}": "0"})
        if not m.is_count:
            data[f"den_{m.code}"] = "400" if m.rare_event else "50"
    prompt = measure("TRAIN-PROMPT")
    data.update({f"num_{prompt.pk}": "412", f"den_{prompt.pk}": "455"})
    url = f"{reverse('quality:entry', args=[w.trust.pk])}?month={_month()}"
    return Target(
        url=url,
        data=data,
        show_url=url,
        foreign_url=f"{reverse('quality:entry', args=[w.sibling_trust.pk])}?month={_month()}",
        form=MonthEntryForm(measures=measures, figures={}),
    )


def _unavailable(w) -> Target:
    """Every measure marked not available: the other use of the month's form."""
    measures = active_measures()
    data = {"status": "final", "reason": "Not published this month."}
    for m in measures:
        data.update({f"na_{m.code}": "on", f"v_{m.code}": "0"})
    url = f"{reverse('quality:entry', args=[w.trust.pk])}?month={_month()}"
    return Target(
        url=url,
        data=data,
        show_url=url,
        foreign_url=f"{reverse('quality:entry', args=[w.sibling_trust.pk])}?month={_month()}",
        form=MonthEntryForm(measures=measures, figures={}),
    )


def _codes() -> list[str]:
    """The starter library's measure ids (the fields of the month's form are named by them)."""
    return [row[0] for row in import_module("quality.migrations.0002_starter_library").MEASURES]


FIGURES = frozenset(f"{kind}_{code}" for code in _codes() for kind in ("num", "den"))
NOT_AVAILABLE = frozenset(f"na_{code}" for code in _codes())


def _csv(ods: str):
    return lambda: SimpleUploadedFile(
        "figures.csv",
        f"month,ods_code,measure_id,numerator,denominator\n{_month()},{ods},TRAIN-PROMPT,40,50\n".encode(),
        content_type="text/csv",
    )


def _import(w) -> Target:
    return Target(
        url=reverse("quality:import", args=[w.lmns.pk]),
        data={"kind": "template", "status": "provisional", "file": _csv("RX1")},
        # Another LMNS's trust inside the file, and another LMNS's import page.
        foreign={"file": _csv("RGP")},
        foreign_url=reverse("quality:import", args=[w.other_lmns.pk]),
    )


def _confirm(w) -> Target:
    upload = reverse("quality:import", args=[w.lmns.pk])

    def prepare(client):
        client.post(upload, {"kind": "template", "status": "final", "file": _csv("RX1")()})

    return Target(
        url=reverse("quality:import_preview", args=[w.lmns.pk]),
        data={"confirm": "on"},
        show_url=reverse("quality:surveillance", args=[w.lmns.pk]),
        foreign_url=reverse("quality:import_preview", args=[w.other_lmns.pk]),
        prepare=prepare,
    )


def _surveillance(w) -> Target:
    return Target(url=reverse("quality:surveillance", args=[w.lmns.pk]), data={"month": _month()})


CASES = {
    # Two uses: figures entered (every "not available" box left clear) and every measure marked
    # not available. The reason belongs to a change, not to the figures: it is kept in their
    # history and the form starts blank (its length limit: quality/tests/test_pages.py).
    "quality.forms.MonthEntryForm": [
        AttackCase(
            build=_entry, persona="lead", resave=Resave.EDIT, unused=NOT_AVAILABLE | {"reason"}
        ),
        AttackCase(
            build=_unavailable, persona="lead", resave=Resave.EDIT, unused=FIGURES | {"reason"}
        ),
    ],
    "quality.forms.ImportForm": AttackCase(
        # The checked file waits, as the person's import preview, for them to confirm it.
        build=_import,
        persona="team",
        resave=Resave.ADD,
    ),
    "quality.forms.ConfirmImportForm": AttackCase(
        build=_confirm, persona="team", resave=Resave.STEP
    ),
    "quality.forms.MonthForm": AttackCase(
        build=_surveillance,
        persona="team",
        method="get",
        saves=False,
        refused=("anonymous", "lead", "sibling_lead", "other_team"),
    ),
}
