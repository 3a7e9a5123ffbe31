"""An issued pack never changes: its page, PDF and spreadsheet are sent from what was kept when it
was issued, with headers that let the reader's own browser keep them and no shared cache."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.urls import reverse

from boardpack.models import IssuedPackXlsx

from .test_kept_pdf import _issue_on_the_page


def _url(world, name: str, **query) -> str:
    base = reverse(f"boardpack:{name}", args=[world.lmns.pk, world.period.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def issued(world, fake_sections):
    return _issue_on_the_page(world)


def _assert_private(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control


@pytest.mark.parametrize("name", ["pdf", "xlsx"])
def test_an_issued_file_is_sent_from_what_was_kept_and_not_sent_again(world, issued, name):
    board = world.client_for("board")
    first = board.get(_url(world, name, version=1))
    assert first.status_code == 200 and first.content
    _assert_private(first)
    assert first["Last-Modified"]

    again = board.get(_url(world, name, version=1), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]


def test_the_spreadsheet_is_kept_when_the_pack_is_issued(world, issued):
    kept = IssuedPackXlsx.objects.get(pack=issued)
    response = world.client_for("board").get(_url(world, "xlsx", version=1))
    assert response.content == bytes(kept.content)
    assert response["ETag"] == f'"{kept.sha256}"'


def test_a_pack_issued_before_spreadsheets_were_kept_gets_its_own_at_the_first_download(
    world, issued
):
    IssuedPackXlsx.objects.all().delete()
    first = world.client_for("board").get(_url(world, "xlsx", version=1))
    kept = IssuedPackXlsx.objects.get(pack=issued)
    assert first.content == bytes(kept.content)
    assert world.client_for("team").get(_url(world, "xlsx", version=1)).content == first.content


def test_the_issued_page_is_the_readers_own_and_not_sent_again(world, issued):
    board = world.client_for("board")
    first = board.get(_url(world, "pack"))
    assert first.status_code == 200 and "Issued to the board" in first.content.decode()
    _assert_private(first)
    assert first["ETag"].startswith('W/"')

    assert board.get(_url(world, "pack"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Another person (the team, reading the same issued version) has another page: their own.
    team = world.client_for("team").get(
        _url(world, "pack", version=1), HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert team.status_code == 200 and team["ETag"] != first["ETag"]


def test_the_browsers_copy_never_skips_the_access_check(world, issued):
    etag = world.client_for("board").get(_url(world, "pdf", version=1))["ETag"]
    stranger = world.client_for("other_team")
    assert stranger.get(_url(world, "pdf", version=1), HTTP_IF_NONE_MATCH=etag).status_code == 404
    lead = world.client_for("lead")
    assert lead.get(_url(world, "pdf", version=1), HTTP_IF_NONE_MATCH=etag).status_code == 403


def test_a_message_waiting_for_the_page_is_shown_rather_than_the_browsers_copy(world, issued):
    board = world.client_for("board")
    etag = board.get(_url(world, "pack"))["ETag"]
    # A message queued by an earlier request (as issuing does for the team) reaches the page.
    session = board.session
    session["_messages"] = MessageEncoder().encode(
        [Message(messages.INFO, "Read the new version.")]
    )
    session.save()
    with_message = board.get(_url(world, "pack"), HTTP_IF_NONE_MATCH=etag)
    assert with_message.status_code == 200
    assert "Read the new version." in with_message.content.decode()


def test_the_live_draft_is_not_kept_by_any_cache(world, fake_sections):
    response = world.client_for("team").get(_url(world, "pack"))
    assert response.status_code == 200 and "Draft" in response.content.decode()
    assert "ETag" not in response
    assert "private" in response.get("Cache-Control", "")
