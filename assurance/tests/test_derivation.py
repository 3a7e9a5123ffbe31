from decimal import Decimal
from types import SimpleNamespace

from assurance.models import ComplianceStatus as S
from assurance.services import derive_section_percent


def a(status, percent=None):
    return SimpleNamespace(status=status, percent=None if percent is None else Decimal(percent))


def test_fully_met_counts_one_and_partially_half():
    assert derive_section_percent([a(S.FULLY_MET), a(S.PARTIALLY_MET)]) == Decimal("75.0")


def test_entered_percent_replaces_the_status_score():
    assert derive_section_percent([a(S.PARTIALLY_MET, "65"), a(S.FULLY_MET)]) == Decimal("82.5")


def test_not_applicable_and_unanswered_are_excluded():
    answers = [a(S.NOT_MET), a(S.NOT_APPLICABLE), a(""), a(S.FULLY_MET)]
    assert derive_section_percent(answers) == Decimal("50.0")


def test_a_section_with_nothing_scored_is_not_assessed():
    assert derive_section_percent([a(S.NOT_APPLICABLE)]) is None


def test_rounds_half_up_to_one_decimal():
    assert derive_section_percent([a(S.FULLY_MET)] * 2 + [a(S.NOT_MET)]) == Decimal("66.7")
