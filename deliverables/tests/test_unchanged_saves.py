"""Pages that add an update or a score start from the current state: saved unchanged, they say
so and record nothing; with something new, they record it."""

from django.urls import reverse

from deliverables.models import DeliverableUpdate, RiskScore

from .factories import DeliverableFactory, PlanFactory, RiskFactory


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_rescore_with_nothing_new_records_no_score(world):
    risk = RiskFactory(lmns=world.lmns, likelihood=3, impact=4)
    client = world.client_for("team")
    url = reverse("deliverables:risk_rescore", args=[risk.pk])
    page = client.get(url)
    assert page.context["form"]["review_date"].value() == risk.review_date
    unchanged = {"likelihood": "3", "impact": "4", "review_date": "2030-01-01", "version": "1"}
    response = client.post(url, unchanged, follow=True)
    assert "Nothing changed, so no new score was recorded." in _messages(response)
    assert not RiskScore.objects.filter(risk=risk).exists()

    # The same score with a note is a review worth recording.
    client.post(url, {**unchanged, "note": "Reviewed at the board: no change."})
    assert RiskScore.objects.filter(risk=risk, note__startswith="Reviewed").count() == 1


def test_a_deliverable_update_with_nothing_new_records_no_update(world):
    deliverable = DeliverableFactory(plan=PlanFactory(lmns=world.lmns))
    client = world.client_for("team")
    url = reverse("deliverables:deliverable_update", args=[deliverable.pk])
    unchanged = {
        "period": world.period.pk,
        "status": deliverable.status,
        "narrative": "",
        "recovery_action": "",
        "recovery_date": "",
        "version": deliverable.version,
    }
    response = client.post(url, unchanged, follow=True)
    assert "Nothing changed, so no update was recorded." in _messages(response)
    assert not DeliverableUpdate.objects.filter(deliverable=deliverable).exists()

    client.post(url, {**unchanged, "narrative": "Still on plan: teams recruited."})
    assert DeliverableUpdate.objects.filter(deliverable=deliverable).count() == 1
