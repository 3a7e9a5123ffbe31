"""An issued pack's PDF is rendered once and kept with its SHA-256; downloads send those bytes."""

import hashlib

import pytest
from django.urls import reverse

from boardpack import pdf
from boardpack.models import BoardPack, IssuedPackPdf
from boardpack.services import issue_pack


def pdf_url(w, **query) -> str:
    base = reverse("boardpack:pdf", args=[w.lmns.pk, w.period.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def renders(monkeypatch):
    """Counts PDF renders; ``renders.fail = True`` makes any further render fail the test."""

    class Counter:
        count = 0
        fail = False

    real = pdf.render_pdf

    def counted(*args, **kwargs):
        if Counter.fail:
            raise AssertionError("the PDF was rendered again")
        Counter.count += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counted)
    return Counter


def _issue_on_the_page(world) -> BoardPack:
    response = world.client_for("team").post(
        reverse("boardpack:issue", args=[world.lmns.pk, world.period.pk]),
        {"expected_version": 0, "confirm": "on"},
    )
    assert response.status_code == 302
    return BoardPack.objects.get()


def test_issuing_renders_the_pdf_once_and_keeps_it_with_its_sha256(world, fake_sections, renders):
    pack = _issue_on_the_page(world)

    kept = IssuedPackPdf.objects.get(pack=pack)
    assert bytes(kept.content).startswith(b"%PDF-")
    assert kept.sha256 == hashlib.sha256(bytes(kept.content)).hexdigest()
    assert renders.count == 1

    renders.fail = True
    for persona in ("board", "team"):
        response = world.client_for(persona).get(pdf_url(world, version=1))
        assert response.status_code == 200
        assert response.content == bytes(kept.content)
        assert response["ETag"] == f'"{kept.sha256}"'
    board = world.client_for("board").get(pdf_url(world))  # the board's default: latest issued
    assert board.content == bytes(kept.content)


def test_a_pack_issued_before_pdfs_were_kept_gets_its_pdf_at_the_first_download(
    world, fake_sections, renders
):
    pack = issue_pack(
        lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
    )
    assert not IssuedPackPdf.objects.exists()

    first = world.client_for("board").get(pdf_url(world))

    assert renders.count == 1
    kept = IssuedPackPdf.objects.get(pack=pack)
    assert first.content == bytes(kept.content)
    renders.fail = True
    assert world.client_for("board").get(pdf_url(world)).content == first.content


def test_the_teams_draft_is_rendered_at_each_download_and_never_kept(world, fake_sections, renders):
    team = world.client_for("team")
    assert team.get(pdf_url(world)).status_code == 200
    assert team.get(pdf_url(world)).status_code == 200
    assert renders.count == 2
    assert not IssuedPackPdf.objects.exists()


def test_a_kept_pdf_that_no_longer_matches_its_sha256_is_not_sent(world, fake_sections, caplog):
    pack = _issue_on_the_page(world)
    IssuedPackPdf.objects.filter(pack=pack).update(content=b"%PDF-1.7 tampered")

    response = world.client_for("board").get(pdf_url(world))

    assert response.status_code == 200 and response.content != b"%PDF-1.7 tampered"
    assert response.content.startswith(b"%PDF-")
    assert "does not match its SHA-256" in caplog.text


def test_without_pango_the_pack_is_still_issued_and_its_pdf_is_kept_later(
    world, fake_sections, monkeypatch
):
    monkeypatch.setattr(pdf, "_import_weasyprint", lambda: "cannot load library 'libpango'")
    pack = _issue_on_the_page(world)
    assert not IssuedPackPdf.objects.exists()
    monkeypatch.undo()

    assert world.client_for("board").get(pdf_url(world)).status_code == 200
    assert IssuedPackPdf.objects.filter(pack=pack).exists()


def test_a_kept_pdf_cannot_be_changed_or_deleted(world, fake_sections):
    from boardpack.models import IssuedPackIsFinal

    kept = IssuedPackPdf.objects.get(pack=_issue_on_the_page(world))
    kept.content = b"other"
    with pytest.raises(IssuedPackIsFinal):
        kept.save()
    with pytest.raises(IssuedPackIsFinal):
        kept.delete()
