"""Administrators maintain frameworks and find returns without code."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from assurance.models import Framework
from assurance.tests.factories import QuarterlyReturnFactory, framework_with


def _admin_client(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456")
    client.force_login(admin)
    return client


def test_returns_can_be_filtered_by_state_and_lmns_and_searched(world, client):
    QuarterlyReturnFactory(trust=world.trust, period=world.period)
    QuarterlyReturnFactory(trust=world.other_trust, period=world.period)
    client = _admin_client(client)
    url = reverse("admin:assurance_quarterlyreturn_changelist")
    page = client.get(url, {"trust__lmns__id__exact": world.lmns.pk, "status": "draft"})
    assert page.status_code == 200
    assert world.trust.name in page.content.decode()
    assert world.other_trust.name not in page.content.decode()
    searched = client.get(url, {"q": "James Paget"}).content.decode()
    assert world.other_trust.name in searched
    assert world.trust.name not in searched


def test_a_new_framework_version_is_added_with_its_sections(world, client):
    old = framework_with(sections=1, requirements=1, name="Saving Babies' Lives", version="2")
    client = _admin_client(client)
    response = client.post(
        reverse("admin:assurance_framework_add"),
        {
            "name": old.name,
            "short_name": "SBLCB v3",
            "version": "3",
            "active": "on",
            "sections-TOTAL_FORMS": "1",
            "sections-INITIAL_FORMS": "0",
            "sections-0-order": "6",
            "sections-0-code": "E6",
            "sections-0-title": "Diabetes in pregnancy",
        },
    )
    assert response.status_code == 302
    new = Framework.objects.get(name=old.name, version="3")
    assert list(new.sections.values_list("code", flat=True)) == ["E6"]
    section_page = client.get(
        reverse("admin:assurance_section_change", args=[new.sections.get().pk])
    )
    assert section_page.status_code == 200
