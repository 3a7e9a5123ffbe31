"""The pack pages as the programme team and the board use them."""

import re

import pytest
from django.urls import reverse

from boardpack.models import BoardPack
from boardpack.services import issue_pack
from lmns.tests.factories import ReportingPeriodFactory, TrustFactory

from .factories import BoardPackFactory


def pack_url(w, period=None, **query) -> str:
    url = reverse("boardpack:pack", args=[w.lmns.pk, (period or w.period).pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def issue_url(w) -> str:
    return reverse("boardpack:issue", args=[w.lmns.pk, w.period.pk])


def h2s(html: str) -> list[str]:
    return re.findall(r"<h2[^>]*>(.*?)</h2>", html)


def test_the_team_sees_the_live_draft_marked_not_issued(world, fake_sections):
    response = world.client_for("team").get(pack_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft – not issued" in html
    assert "Nottingham and Nottinghamshire LMNS" in html
    assert "2022/23 Q1" in html
    assert h2s(html) == ["Key messages", "Trusts", "Ockenden compliance", "Deliverables"]
    assert "No deliverables data for 2022/23 Q1" in html
    assert '<a href="#section-nothing">Deliverables</a> (no data)' in html
    assert "Provisional</strong> – some figures are not yet agreed" in html
    assert "Issue 2022/23 Q1 pack to board" in html


def test_the_headline_shows_the_top_five_messages_in_priority_order(world, fake_sections):
    html = world.client_for("team").get(pack_url(world)).content.decode()
    headline = html.split('id="key-messages"')[1].split("</ol>")[0]
    shown = re.findall(r"<li>(.*?) <span", headline)
    assert shown == [
        "Alarm 9 at NUH, SFH",
        "Alarm 7 at NUH, SFH",
        "Alarm 5 at NUH, SFH",
        "Alarm 3 at NUH, SFH",
        "Alarm 2 at NUH, SFH",
    ]


def test_detail_links_are_links_on_screen_and_written_out_for_print(world, fake_sections):
    html = world.client_for("team").get(pack_url(world)).content.decode()
    detail = reverse("lmns_detail", args=[world.lmns.pk])
    assert f'<a href="{detail}">Trusts and units</a>' in html
    assert f'<span class="print-url"> – http://testserver{detail}</span>' in html


def test_the_board_sees_nothing_until_a_pack_is_issued(world, fake_sections):
    board = world.client_for("board")
    latest = board.get(reverse("boardpack:latest", args=[world.lmns.pk]))
    assert "No board pack has been issued to the board yet" in latest.content.decode()
    html = board.get(pack_url(world)).content.decode()
    assert "No board pack has been issued to the board for 2022/23 Q1 yet" in html
    assert "Draft" not in html
    assert (
        board.get(reverse("boardpack:pdf", args=[world.lmns.pk, world.period.pk])).status_code
        == 404
    )


def test_the_team_issues_after_confirming(world, fake_sections):
    team = world.client_for("team")
    page = team.get(issue_url(world))
    assert "Issuing freezes the pack" in page.content.decode()

    refused = team.post(issue_url(world), {"expected_version": 0})
    assert refused.status_code == 200
    assert "Tick the box to confirm" in refused.content.decode()
    assert not BoardPack.objects.exists()

    response = team.post(issue_url(world), {"expected_version": 0, "confirm": "on"}, follow=True)
    pack = BoardPack.objects.get()
    assert (pack.version, pack.issued_by) == (1, world.users["team"])
    assert response.redirect_chain[-1][0] == pack_url(world, version=1)
    html = response.content.decode()
    assert "was issued to the board (version 1)" in html
    assert f"by {world.users['team'].get_full_name()} (version 1)" in html
    assert "Issued to the board on" in html


def test_a_second_press_on_the_same_confirmation_does_not_issue_twice(world, fake_sections):
    team = world.client_for("team")
    team.post(issue_url(world), {"expected_version": 0, "confirm": "on"})
    again = team.post(issue_url(world), {"expected_version": 0, "confirm": "on"})
    assert again.status_code == 200
    assert "while you were confirming" in again.content.decode()
    assert BoardPack.objects.count() == 1


@pytest.mark.parametrize(
    "persona,status", [("board", 403), ("lead", 403), ("other_team", 404), ("anonymous", 302)]
)
def test_only_the_lmns_team_can_issue(world, fake_sections, persona, status):
    response = world.client_for(persona).post(
        issue_url(world), {"expected_version": 0, "confirm": "on"}
    )
    assert response.status_code == status
    assert not BoardPack.objects.exists()


def test_an_issued_pack_keeps_its_figures_after_the_data_changes(world, fake_sections):
    issue_pack(lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0)
    world.trust.name = "Renamed Hospitals NHS Trust"
    world.trust.save()
    TrustFactory(lmns=world.lmns, name="A New Hospitals NHS Trust", short_name="NEW")

    board_html = world.client_for("board").get(pack_url(world)).content.decode()
    assert "Nottingham University Hospitals NHS Trust" in board_html
    assert "Renamed Hospitals" not in board_html and "A New Hospitals" not in board_html
    assert "Alarm 9 at NUH, SFH" in board_html

    draft_html = world.client_for("team").get(pack_url(world)).content.decode()
    assert "Renamed Hospitals NHS Trust" in draft_html
    assert "Alarm 9 at NEW, NUH, SFH" in draft_html


def test_board_reads_the_latest_issued_pack_and_can_open_earlier_ones(world, fake_sections):
    team = world.users["team"]
    issue_pack(lmns=world.lmns, period=world.previous_period, user=team, expected_version=0)
    issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=0)
    world.trust.name = "Renamed Hospitals NHS Trust"
    world.trust.save()
    issue_pack(lmns=world.lmns, period=world.period, user=team, expected_version=1)
    board = world.client_for("board")

    latest = board.get(reverse("boardpack:latest", args=[world.lmns.pk])).content.decode()
    assert "Board pack · 2022/23 Q1" in latest
    assert "(version 2)" in latest and "Renamed Hospitals NHS Trust" in latest

    first = board.get(pack_url(world, version=1)).content.decode()
    assert "(version 1)" in first and "Renamed Hospitals" not in first

    listing = board.get(reverse("boardpack:packs", args=[world.lmns.pk])).content.decode()
    assert listing.count("?version=") == 3
    assert "2021/22 Q4" in listing
    assert "Drafts" not in listing

    earlier = board.get(pack_url(world, world.previous_period)).content.decode()
    assert "Board pack · 2021/22 Q4" in earlier


@pytest.mark.parametrize("version", ["2", "abc", "-1", "1e3", "99999999999999999999", "０"])
def test_an_unknown_version_is_not_found(world, fake_sections, version):
    issue_pack(lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0)
    assert world.client_for("board").get(pack_url(world, version=version)).status_code == 404


def test_another_lmns_pack_cannot_be_read_even_by_version(world, fake_sections):
    BoardPackFactory(lmns=world.other_lmns, period=world.period)
    url = reverse("boardpack:pack", args=[world.other_lmns.pk, world.period.pk]) + "?version=1"
    assert world.client_for("board").get(url).status_code == 404
    assert world.client_for("team").get(url).status_code == 404


def test_the_board_pack_link_is_on_the_home_page_of_board_and_team_only(world):
    link = reverse("boardpack:latest", args=[world.lmns.pk])
    for persona in ("board", "team"):
        assert link in world.client_for(persona).get(reverse("home")).content.decode()
    assert link not in world.client_for("lead").get(reverse("home")).content.decode()


def test_a_failed_section_is_explained_on_the_page(world, monkeypatch):
    from .conftest import use_sections
    from .fakeapp.board import BROKEN, TRUSTS

    use_sections(monkeypatch, TRUSTS, BROKEN)
    response = world.client_for("team").get(pack_url(world))
    assert response.status_code == 200
    assert "The Funding section could not be produced" in response.content.decode()


def test_the_issue_time_is_shown_in_uk_time(world):
    import datetime

    from boardpack.views import ChosenPack

    summer = datetime.datetime(2022, 7, 20, 11, 30, tzinfo=datetime.UTC)
    pack = BoardPackFactory(lmns=world.lmns, period=world.period, issued_at=summer)
    assert "on 20 Jul 2022 at 12:30 by" in ChosenPack(pack.snapshot, pack).status


def test_an_issued_pack_stays_readable_if_a_section_template_is_gone(world, fake_sections):
    pack = issue_pack(
        lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
    )
    snapshot = pack.snapshot
    snapshot["sections"][0]["template"] = "removedapp/board_section.html"
    BoardPack.objects.filter(pk=pack.pk).update(snapshot=snapshot)
    response = world.client_for("board").get(pack_url(world))
    assert response.status_code == 200
    assert "<td>RX1</td>" in response.content.decode()


def test_the_team_can_open_the_draft_of_any_quarter_that_has_begun(world):
    from lmns.tests.factories import ReportingPeriodFactory

    oldest = ReportingPeriodFactory(start_year=2018, quarter=1)
    for year in (2019, 2020):
        for quarter in (1, 2, 3, 4):
            ReportingPeriodFactory(start_year=year, quarter=quarter)
    future = ReportingPeriodFactory(start_year=2099, quarter=1)
    html = world.client_for("team").get(reverse("boardpack:packs", args=[world.lmns.pk]))
    html = html.content.decode()
    assert "Earlier quarters" in html
    assert reverse("boardpack:pack", args=[world.lmns.pk, oldest.pk]) in html
    assert reverse("boardpack:pack", args=[world.lmns.pk, future.pk]) not in html
    board_html = world.client_for("board").get(reverse("boardpack:packs", args=[world.lmns.pk]))
    assert "Draft pack for" not in board_html.content.decode()


def test_the_teams_board_pack_link_opens_the_working_period_the_home_page_names(
    world, fake_sections
):
    # A later quarter has begun but is closed for returns; the LMNS still works on 2022/23 Q1.
    ReportingPeriodFactory(start_year=2022, quarter=2, is_open=False)
    team = world.client_for("team")
    home = " ".join(re.sub(r"<[^>]+>", " ", team.get(reverse("home")).content.decode()).split())
    assert "The working period is 2022/23 Q1" in home
    response = team.get(reverse("boardpack:latest", args=[world.lmns.pk]))
    assert response.status_code == 302
    assert response["Location"] == pack_url(world)  # 2022/23 Q1, not the latest quarter begun
    assert "Draft – not issued" in team.get(response["Location"]).content.decode()
