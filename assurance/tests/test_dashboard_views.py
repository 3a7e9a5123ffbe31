"""The dashboard and trend pages as their users see them, and their query counts."""

import re
import xml.dom.minidom

import pytest
from django.urls import reverse

from assurance.models import ReturnStatus
from assurance.tests.factories import large_lmns, ockenden_interim, rated_return
from lmns.models import ReportingPeriod

# Measured: 21 and 17, of which 6 are the session and sign-in (3 before, 3 saving it after);
# the dashboard's include the working period (two), the period's collections (one) and the
# count of requirements met and evidenced (one).
DASHBOARD_QUERIES = 21
TREND_QUERIES = 17


def _dashboard(client, world, **params):
    return client.get(reverse("assurance:dashboard", args=[world.lmns.pk]), params)


def _cell_html(html: str, trust: str, code: str) -> str:
    row = re.search(rf'<tr data-trust="{trust}">.*?</tr>', html, re.S).group(0)
    return re.search(rf'<td [^>]*data-section="{code}">.*?</td>', row, re.S).group(0)


@pytest.fixture
def figures(world):
    rated_return(world.trust, world.previous_period, {"IEA3": 53, "IEA7": 57})
    rated_return(world.trust, world.period, {"IEA3": 65, "IEA7": 57, "IEA1": 100})
    rated_return(world.sibling_trust, world.period, {"IEA7": 71}, status=ReturnStatus.SUBMITTED)


def test_board_member_sees_figures_changes_and_review_highlights(world, figures, as_board):
    response = _dashboard(as_board, world)

    assert response.status_code == 200
    html = response.content.decode()
    iea3 = _cell_html(html, "NUH", "IEA3")
    assert "65%" in iea3 and "▲ 12" in iea3 and "changed – review" in iea3
    assert "band-low" in iea3 and "&lt;75" in iea3
    iea7 = _cell_html(html, "NUH", "IEA7")
    assert "57%" in iea7 and "no change" in iea7 and "changed – review" not in iea7
    iea1 = _cell_html(html, "NUH", "IEA1")
    assert "100%" in iea1 and "new" in iea1 and "band-high" in iea1
    assert "1 rating changed" in html


def test_a_trust_awaiting_assurance_shows_its_state_not_its_figures(world, figures, as_team):
    html = _dashboard(as_team, world).content.decode()

    row = re.search(r'<tr data-trust="SFH">.*?</tr>', html, re.S).group(0)
    assert "Awaiting assurance: Submitted" in row
    assert "71%" not in row
    assert "Provisional" in html


def test_the_legend_names_every_band_in_words(world, figures, as_board):
    html = _dashboard(as_board, world).content.decode()
    for words in ["95% or more", "75–94%", "below 75%", "changed – review"]:
        assert words in html


def test_returns_status_shows_who_has_not_submitted(world, figures, as_team):
    html = _dashboard(as_team, world).content.decode()

    section = html[html.index('id="returns-heading"') :]
    nuh = re.search(r"<th scope=\"row\">NUH.*?</tr>", section, re.S).group(0)
    assert "Assured" in nuh
    nuh_return = world.trust.quarterly_returns.get(period=world.period)
    assert reverse("assurance:return_detail", args=[nuh_return.pk]) in nuh
    sfh = re.search(r"<th scope=\"row\">SFH.*?</tr>", section, re.S).group(0)
    assert "Submitted" in sfh
    assert "Not started" in sfh and "not yet submitted" in sfh


def test_filters_choose_framework_and_quarter(world, figures, as_board):
    response = _dashboard(as_board, world, period=world.previous_period.pk)

    assert response.context["grid"].period == world.previous_period
    assert "53%" in _cell_html(response.content.decode(), "NUH", "IEA3")
    final = ockenden_interim().__class__.objects.get(short_name="Ockenden final")
    response = _dashboard(as_board, world, framework=final.pk)
    assert response.context["grid"].framework == final
    html = response.content.decode()
    # The quarter chosen by default is the one shown as selected.
    shown = response.context["grid"].period
    assert f'<option value="{shown.pk}" selected>' in html
    assert '<label for="id_framework"' in response.content.decode()


def test_an_unknown_filter_value_is_explained_not_an_error(world, figures, as_board):
    response = _dashboard(as_board, world, period="999999", framework="abc")

    assert response.status_code == 200
    assert "That choice was not recognised" in response.content.decode()
    assert response.context["grid"].framework == ockenden_interim()


def test_import_button_only_for_the_programme_team(world, figures, as_team, as_board):
    url = reverse("assurance:import_compliance", args=[world.lmns.pk])
    assert url in _dashboard(as_team, world).content.decode()
    assert url not in _dashboard(as_board, world).content.decode()


def test_home_page_links_the_dashboard_for_team_and_board_only(world, as_team, as_board, as_lead):
    url = reverse("assurance:dashboard", args=[world.lmns.pk])
    assert url in as_team.get(reverse("home")).content.decode()
    assert url in as_board.get(reverse("home")).content.decode()
    assert url not in as_lead.get(reverse("home")).content.decode()
    assert "Compliance dashboard" in as_board.get(reverse("home")).content.decode()


def test_trend_page_shows_charts_and_the_numbers_in_a_table(world, figures, as_lead):
    response = as_lead.get(reverse("assurance:trust_trend", args=[world.trust.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 8
    for svg in svgs:
        xml.dom.minidom.parseString(svg)
        assert 'role="img"' in svg
    iea3 = next(svg for svg in svgs if "IEA3" in svg)
    assert "2021/22 Q4 53%" in iea3 and "2022/23 Q1 65%" in iea3
    table = html[html.index('class="table table-sm mt-4 trend-table"') :]
    row = re.search(r"IEA3 Staff training.*?</tr>", table, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]+)</td>', row)[-2:] == ["53%", "65%"]
    assert "<script" not in html.split("<main")[1].split("</main>")[0]
    assert 'style="' not in html


def test_dashboard_query_count_does_not_grow_with_data(
    world, django_assert_max_num_queries, as_board
):
    large_lmns(world.lmns, world.period, trusts=40, quarters=8)
    period = ReportingPeriod.objects.get(start_year=2022, quarter=1)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = _dashboard(as_board, world, period=period.pk)

    grid = response.context["grid"]
    assert len(grid.rows) == 42 and len(grid.sections) == 8
    assert sum(cell.change is not None for row in grid.rows for cell in row.cells) == 40 * 8


def test_trend_query_count_does_not_grow_with_data(world, django_assert_max_num_queries, as_board):
    trusts, _ = large_lmns(world.lmns, world.period, trusts=40, quarters=8)

    with django_assert_max_num_queries(TREND_QUERIES):
        response = as_board.get(reverse("assurance:trust_trend", args=[trusts[0].pk]))

    assert all(v is not None for c in response.context["charts"] for _, v in c["trend"].points)


def test_dashboard_has_no_inline_script_or_style(world, figures, as_team):
    html = _dashboard(as_team, world).content.decode()
    main = html.split("<main")[1].split("</main>")[0]
    assert "<script" not in main and 'style="' not in html and "onclick" not in html
    assert "<caption" in main and 'scope="row"' in main and 'scope="col"' in main


def test_superuser_sees_the_dashboard_of_any_lmns(world, client):
    from lmns.tests.factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("assurance:dashboard", args=[world.other_lmns.pk])).status_code == 200
