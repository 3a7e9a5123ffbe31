"""PDF, XLSX and CSV of the pack: real files, named for the LMNS and quarter, matching the page."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils.timezone import localtime
from openpyxl import load_workbook
from pypdf import PdfReader

from boardpack import pdf
from boardpack.services import issue_pack


def url(w, name, *extra, **query) -> str:
    base = reverse(f"boardpack:{name}", args=[w.lmns.pk, w.period.pk, *extra])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def disposition(response) -> str:
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def issued(world, fake_sections):
    return issue_pack(
        lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
    )


def test_the_pdf_is_a_real_pdf_with_footers(world, issued):
    response = world.client_for("board").get(url(world, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert disposition(response) == "NottsLMNS-2022-23-Q1-board-pack.pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    pages = len(reader.pages)
    # The headline, then each section with data on a new page; one with no data takes a line.
    assert pages == 3
    text = pdf_text(response.content)
    assert "Nottingham and Nottinghamshire LMNS" in text
    assert "Issued to the board on" in text
    assert "Sherwood Forest Hospitals NHS Foundation Trust" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    for page in reader.pages:  # the footer of every page names the LMNS and the quarter
        assert "Nottingham and Nottinghamshire LMNS · 2022/23 Q1" in page.extract_text()
    assert "No deliverables data for 2022/23 Q1" in text
    # Links are written out in print.
    assert f"http://testserver{reverse('lmns_detail', args=[world.lmns.pk])}" in text


def test_the_teams_pdf_of_the_draft_says_so(world, fake_sections):
    response = world.client_for("team").get(url(world, "pdf"))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert all("Draft – not issued" in page for page in pages)


def test_without_pango_the_pdf_link_explains_how_to_install_it(world, issued, monkeypatch):
    monkeypatch.setattr(pdf, "_import_weasyprint", lambda: "cannot load library 'libpango-1.0-0'")
    board = world.client_for("board")
    page = board.get(reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk]))
    assert "sudo apt-get install libpango-1.0-0" in page.content.decode()
    response = board.get(url(world, "pdf"))
    assert response.status_code == 503
    html = response.content.decode()
    assert "PDF not available on this server" in html
    assert "brew install pango" in html


def test_the_spreadsheet_has_a_sheet_per_table_matching_the_page(world, issued):
    response = world.client_for("board").get(url(world, "xlsx"))
    assert response.status_code == 200
    assert disposition(response) == "NottsLMNS-2022-23-Q1-board-pack.xlsx"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "key-messages", "trusts-trusts", "alarms-trusts"]
    about = [row for row in book["About"].iter_rows(values_only=True)]
    assert (
        "Status",
        f"Issued to the board on {localtime(issued.issued_at):%d %b %Y at %H:%M} by "
        f"{issued.issued_by_name} (version 1)",
    ) in about
    trusts = list(book["trusts-trusts"].iter_rows(values_only=True))
    assert trusts == [
        ("Trust", "ODS code"),
        ("Nottingham University Hospitals NHS Trust", "RX1"),
        ("Sherwood Forest Hospitals NHS Foundation Trust", "RK5"),
    ]
    html = (
        world.client_for("board")
        .get(reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk]))
        .content.decode()
    )
    for _trust, ods in trusts[1:]:
        assert f"<td>{ods}</td>" in html
    messages = list(book["key-messages"].iter_rows(values_only=True))
    assert messages[1] == ("Ockenden compliance", "Alarm 9 at NUH, SFH")
    assert len(messages) == 6


def test_a_csv_holds_one_table_and_cannot_run_formulas(world, issued):
    response = world.client_for("board").get(url(world, "csv", "alarms-trusts"))
    assert response.status_code == 200
    assert disposition(response) == "NottsLMNS-2022-23-Q1-board-pack-alarms-trusts.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Trust", "Level"],
        ["NUH", "-3"],
        ["SFH", "-3"],
        ["'=SUM(A1:A2)", "'-danger"],
    ]


def test_an_unknown_csv_table_is_not_found(world, issued):
    assert world.client_for("board").get(url(world, "csv", "nope")).status_code == 404


def test_downloads_follow_the_chosen_version(world, issued, fake_sections):
    world.trust.name = "Renamed Hospitals NHS Trust"
    world.trust.save()
    issue_pack(lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=1)
    board = world.client_for("board")
    first = board.get(url(world, "csv", "trusts-trusts", version=1)).content.decode()
    latest = board.get(url(world, "csv", "trusts-trusts")).content.decode()
    assert "Nottingham University Hospitals NHS Trust" in first
    assert "Renamed Hospitals NHS Trust" in latest
