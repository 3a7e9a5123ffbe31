"""The help page: the same for everyone signed in, reachable from every page's navigation."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lead", "team", "board"])
def test_every_role_reads_the_help_page_from_the_navigation(world, persona):
    client = world.client_for(persona)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("help")}"' in home

    page = client.get(reverse("help")).content.decode()
    assert "How LMNS Assurance works" in page
    assert "Trust lead" in page and "Board member" in page


@pytest.mark.django_db
def test_the_help_page_asks_little_of_the_database(world, django_assert_max_num_queries):
    client = world.client_for("lead")
    client.get(reverse("help"))
    # The session, the person, their memberships (navigation) and the session's sliding expiry
    # (its save in a savepoint): what every page pays.
    with django_assert_max_num_queries(6):
        client.get(reverse("help"))
