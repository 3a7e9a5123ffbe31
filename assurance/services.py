"""Business rules of assurance returns."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from .models import ComplianceStatus

STATUS_SCORES = {
    ComplianceStatus.FULLY_MET: Decimal("100"),
    ComplianceStatus.PARTIALLY_MET: Decimal("50"),
    ComplianceStatus.NOT_MET: Decimal("0"),
}


def derive_section_percent(answers: Iterable) -> Decimal | None:
    """A section's compliance per cent, derived from its answers.

    Each answered requirement scores its entered per cent if one was given, otherwise fully met
    100, partially met 50 and not met 0. Not applicable and unanswered requirements are left
    out. The section's figure is the mean score, rounded half up to one decimal place; with no
    scored requirement it is None (not assessed).
    """
    scores = []
    for answer in answers:
        if answer.status in ("", None, ComplianceStatus.NOT_APPLICABLE):
            continue
        score = answer.percent if answer.percent is not None else STATUS_SCORES[answer.status]
        scores.append(Decimal(score))
    if not scores:
        return None
    mean = sum(scores) / len(scores)
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
