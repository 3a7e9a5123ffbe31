"""The pack pages make a fixed number of queries, whatever the data size."""

from django.urls import reverse

from boardpack.services import issue_pack
from lmns.tests.factories import ReportingPeriodFactory, TrustFactory

from .factories import BoardPackFactory

# Session and user, memberships (get_access), the LMNS, the period, the issued versions, saving
# the session (3 with its savepoint), plus the test sections' one query each for a draft.
DRAFT_QUERIES = 11
# An issued pack also marks the reader's notification of it read (one UPDATE).
ISSUED_QUERIES = 10
LIST_QUERIES = 9


def _grow(world, trusts: int = 150) -> None:
    TrustFactory.create_batch(trusts, lmns=world.lmns)


def test_the_draft_page_makes_a_fixed_number_of_queries(
    world, fake_sections, django_assert_max_num_queries
):
    url = reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk])
    client = world.client_for("team")
    _grow(world)
    with django_assert_max_num_queries(DRAFT_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("<tr>") > 300


def test_an_issued_pack_renders_from_its_snapshot_in_few_queries(
    world, fake_sections, django_assert_max_num_queries
):
    _grow(world)
    issue_pack(lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0)
    for version in range(2, 6):
        issue_pack(
            lmns=world.lmns,
            period=world.period,
            user=world.users["team"],
            expected_version=version - 1,
        )
    client = world.client_for("board")
    with django_assert_max_num_queries(ISSUED_QUERIES):
        response = client.get(reverse("boardpack:latest", args=[world.lmns.pk]))
    assert "(version 5)" in response.content.decode()


def test_the_list_of_packs_makes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for year in range(2018, 2026):
        for quarter in (1, 2, 3, 4):
            period = ReportingPeriodFactory(start_year=year, quarter=quarter)
            BoardPackFactory(lmns=world.lmns, period=period, version=1)
            BoardPackFactory(lmns=world.lmns, period=period, version=2)
    client = world.client_for("team")
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("boardpack:packs", args=[world.lmns.pk]))
    assert response.content.decode().count("(latest)") == 32
