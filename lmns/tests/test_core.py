import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.urls import reverse

from lmns.access import get_access
from lmns.models import Lmns, Membership, ReportingPeriod, Role, Trust, quarter_dates
from lmns.templatetags.lmns_tags import money, percent, rag_badge, signed
from lmns.tests.factories import TrustFactory, UserFactory


def test_quarters_follow_the_nhs_financial_year():
    assert quarter_dates(2022, 1) == (datetime.date(2022, 4, 1), datetime.date(2022, 6, 30))
    assert quarter_dates(2022, 3) == (datetime.date(2022, 10, 1), datetime.date(2022, 12, 31))
    assert quarter_dates(2022, 4) == (datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))


@pytest.mark.django_db
def test_period_derives_dates_deadline_and_labels():
    period = ReportingPeriod.objects.create(start_year=2022, quarter=2)
    assert period.end_date == datetime.date(2022, 9, 30)
    assert period.submission_deadline == datetime.date(2022, 10, 30)
    assert str(period) == "2022/23 Q2"
    assert period.slug == "2022-23-Q2"


@pytest.mark.django_db
def test_period_is_unique_per_year_and_quarter():
    ReportingPeriod.objects.create(start_year=2022, quarter=1)
    with pytest.raises(IntegrityError):
        ReportingPeriod.objects.create(start_year=2022, quarter=1)


@pytest.mark.django_db
def test_ods_code_is_validated():
    trust = TrustFactory.build(ods_code="rx 1!", lmns=TrustFactory().lmns)
    with pytest.raises(ValidationError) as excinfo:
        trust.full_clean()
    assert "ODS code" in str(excinfo.value)


@pytest.mark.django_db
def test_membership_must_match_its_organisation(world):
    user = UserFactory()
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=Role.TRUST_LEAD, lmns=world.lmns)


def test_money_and_changes_are_shown_in_words_not_colour():
    assert money(Decimal("458000")) == "£458,000"
    assert money(Decimal("-42000.40")) == "\u2212£42,000"
    assert money(Decimal("1234.5"), True) == "£1,234.50"
    assert percent(Decimal("56.6")) == "57%"
    assert signed(Decimal("5")) == "▲ 5" and signed(Decimal("-3")) == "▼ 3"
    assert "At risk" in rag_badge("at_risk")


@pytest.mark.django_db
def test_access_scopes_by_membership(world):
    lead = get_access(world.users["lead"])
    assert list(lead.trusts()) == [world.trust]
    assert list(lead.lmnss()) == [world.lmns]
    assert lead.can_edit_trust(world.trust) and not lead.can_edit_trust(world.sibling_trust)
    team = get_access(world.users["team"])
    assert set(team.trusts()) == {world.trust, world.sibling_trust}
    assert team.can_manage_lmns(world.lmns.pk) and not team.can_manage_lmns(world.other_lmns.pk)
    board = get_access(world.users["board"])
    assert not board.can_manage_lmns(world.lmns.pk)
    assert not board.can_edit_trust(world.trust)
    assert world.other_trust not in set(board.trusts())


@pytest.mark.django_db
def test_home_routes_each_role(world):
    page = world.client_for("lead").get(reverse("home")).content.decode()
    assert "Nottingham University Hospitals NHS Trust" in page and "Trust lead" in page
    assert "Sherwood Forest" not in page
    page = world.client_for("board").get(reverse("home")).content.decode()
    assert "Board member" in page and "Nottingham and Nottinghamshire LMNS" in page


@pytest.mark.django_db
def test_home_without_a_role_says_what_to_do(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "You have no role yet" in page


@pytest.mark.django_db
def test_navigation_shows_who_and_where(world):
    page = world.client_for("team").get(reverse("home")).content.decode()
    assert "Signed in as" in page and "LMNS programme team, NottsLMNS" in page


@pytest.mark.django_db
def test_lmns_page_lists_trusts_and_units(world):
    world.trust.sites.create(name="Queen's Medical Centre", site_type="obstetric")
    page = world.client_for("board").get(reverse("lmns_detail", args=[world.lmns.pk]))
    text = page.content.decode()
    assert "Queen&#x27;s Medical Centre (Obstetric-led unit)" in text
    assert "Sherwood Forest" in text


@pytest.mark.django_db
def test_friendly_403_page(world):
    response = world.client_for("lead").get(reverse("lmns_detail", args=[world.other_lmns.pk]))
    assert response.status_code == 404
    assert "belongs to an organisation you do not work in" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lead", "team", "board"])
@pytest.mark.parametrize("url_name", ["home", "lmns_detail", "trust_detail"])
def test_core_pages_make_a_bounded_number_of_queries(
    world, persona, url_name, django_assert_max_num_queries
):
    for n in range(30):
        TrustFactory(lmns=world.lmns).sites.create(name=f"Unit {n}")
    args = {"home": [], "lmns_detail": [world.lmns.pk], "trust_detail": [world.trust.pk]}
    client = world.client_for(persona)
    # The home page is the work queue: each source's queries (tests/test_work_queue.py).
    with django_assert_max_num_queries(19 if url_name == "home" else 10):
        response = client.get(reverse(url_name, args=args[url_name]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_demo_data_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (Lmns.objects.count(), Trust.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert counts == (Lmns.objects.count(), Trust.objects.count(), Membership.objects.count())
    assert Trust.objects.get(ods_code="RX1").short_name == "NUH"
    assert Lmns.objects.get(short_name="KMLMNS").trusts.count() == 4
    assert ReportingPeriod.objects.filter(start_year__range=(2018, 2026)).count() == 36


@pytest.mark.django_db
def test_demo_data_is_refused_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("load_demo")


@pytest.mark.django_db
def test_history_shows_who_changed_what_from_what_to_what(world):
    trust = world.trust
    trust.name = "Nottingham University Hospitals NHS Trust (renamed)"
    trust._history_user = world.users["team"]
    trust.save()
    page = world.client_for("board").get(reverse("record_history", args=["lmns.trust", trust.pk]))
    text = page.content.decode()
    assert "Nottingham University Hospitals NHS Trust (renamed)" in text
    assert world.users["team"].get_full_name() in text
    assert "Name" in text


@pytest.mark.django_db
def test_history_of_an_unaudited_kind_is_not_found(world):
    response = world.client_for("team").get(reverse("record_history", args=["lmns.region", 1]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_programme_team_home_lists_its_trusts(world):
    page = world.client_for("team").get(reverse("home")).content.decode()
    assert f'href="{world.trust.get_absolute_url()}">NUH<' in page
    assert f'href="{world.sibling_trust.get_absolute_url()}">SFH<' in page
    assert "JPUH" not in page


@pytest.mark.django_db
def test_dates_are_british_whatever_the_browser_asks_for(world):
    client = world.client_for("lead")
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "1 Apr 2022" in page and "Apr. 1" not in page
