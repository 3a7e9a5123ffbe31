"""The illustrative demo shows each kind of signal, and never a worrying one on an outcome."""

import pytest

from lmns import demo as core_demo
from lmns.models import Lmns
from quality import demo
from quality.models import FigureSource, MonthlyFigure, Rebase
from quality.selectors import last_complete_month, surveillance

pytestmark = pytest.mark.django_db


def test_the_demo_shows_each_signal_on_process_measures_only():
    core_demo.load()
    demo.load()
    demo.load()  # idempotent
    assert MonthlyFigure.objects.filter(source=FigureSource.ILLUSTRATIVE).count() == 7 * 20 * 30
    assert Rebase.objects.count() == 1
    signals = {}
    for short in ("KMLMNS", "NWLMNS"):
        data = surveillance(Lmns.objects.get(short_name=short), last_complete_month())
        assert data.illustrative
        for row in data.rows:
            for cell in row["cells"]:
                if cell.variation and cell.variation.is_special:
                    signals[(cell.trust.short_name, cell.measure.code)] = cell.variation.value
                if cell.failing:
                    signals[(cell.trust.short_name, cell.measure.code)] = "failing"
                if cell.is_exception:
                    assert cell.measure.kind == "progress", cell
    assert signals == {
        ("EKHUFT", "BOOKING-10WK"): "improving",
        ("NNUH", "SMOKE-DELIVERY"): "improving",
        ("DGT", "FILL-MW-NIGHT"): "concerning",
        ("QEH", "TRAIN-FETAL"): "failing",
    }
