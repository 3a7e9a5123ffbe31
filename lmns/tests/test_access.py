"""The one idiom for opening a record, and the one 403/404 rule, in lmns.access."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lmns.access import LMNS_WIDE_ONLY, Scope, get_access
from lmns.models import Trust


def _access(world, persona):
    return get_access(world.users[persona])


@pytest.mark.django_db
def test_lmns_page_opens_for_every_member_of_the_lmns(world):
    for persona in ("lead", "sibling_lead", "team", "board"):
        assert _access(world, persona).lmns_page(world.lmns.pk) == world.lmns


@pytest.mark.django_db
def test_another_lmns_is_404_whatever_the_role(world):
    for persona in ("lead", "team", "board"):
        with pytest.raises(Http404):
            _access(world, persona).lmns_page(world.other_lmns.pk)
        with pytest.raises(Http404):
            _access(world, persona).lmns_page(world.other_lmns.pk, wide=True)


@pytest.mark.django_db
def test_a_trust_lead_on_an_lmns_wide_page_of_their_own_lmns_is_told_why(world):
    with pytest.raises(PermissionDenied, match=LMNS_WIDE_ONLY):
        _access(world, "lead").lmns_page(world.lmns.pk, wide=True)
    with pytest.raises(PermissionDenied, match="Ask the team"):
        _access(world, "lead").lmns_page(world.lmns.pk, wide=True, reason="Ask the team.")
    assert _access(world, "board").lmns_page(world.lmns.pk, wide=True) == world.lmns


@pytest.mark.django_db
def test_trust_data_is_read_by_its_leads_and_its_lmns_not_by_sibling_trusts(world):
    assert _access(world, "lead").trust_page(world.trust.pk) == world.trust
    assert _access(world, "team").trust_page(world.trust.pk) == world.trust
    with pytest.raises(Http404):
        _access(world, "sibling_lead").trust_page(world.trust.pk)
    with pytest.raises(Http404):
        _access(world, "other_team").trust_page(world.trust.pk)


@pytest.mark.django_db
def test_scope_follows_the_path_to_the_owning_organisation(world):
    trusts = Trust.objects.all()
    lead, team = _access(world, "lead"), _access(world, "team")
    assert set(lead.scope(trusts, Scope.trust(""))) == {world.trust}
    assert set(team.scope(trusts, Scope.trust(""))) == {world.trust, world.sibling_trust}
    # Trusts through their LMNS: a lead reads their LMNS's shared data, not LMNS-wide data.
    assert set(lead.scope(trusts, Scope.lmns())) == {world.trust, world.sibling_trust}
    assert list(lead.scope(trusts, Scope.lmns(wide=True))) == []
    found = team.get_or_404(trusts, Scope.lmns(wide=True), ods_code="RK5")
    assert found == world.sibling_trust


@pytest.mark.django_db
def test_opening_a_record_costs_one_query_and_a_refusal_two(
    world, django_assert_num_queries, django_assert_max_num_queries
):
    access = _access(world, "lead")
    with django_assert_num_queries(1):
        access.trust_page(world.trust.pk)
    with django_assert_max_num_queries(2), pytest.raises(PermissionDenied):
        access.lmns_page(world.lmns.pk, wide=True)
