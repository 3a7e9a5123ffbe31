"""Importing seed 001: preview, asking about unknown words, confirming, and the command."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from deliverables.demo import SEED_001
from deliverables.models import DeliverableUpdate
from lmns.models import RagStatus

from .factories import PlanFactory

UNKNOWN_IN_SEED_001 = {
    "Plans submitted June 22",
    "Quitzy Programme Launched at JPUH August 22",
    "Lotus Team launched and delivering services",
    "All trusts have PCSP in place.",
    "Neonatal Critical Care Review and Action Plan completed and submitted July 22",
    "MMN launched at NNUH – March 22",
}


@pytest.fixture
def nw_plan(world):
    return PlanFactory(lmns=world.other_lmns, title="2022/23 planning deliverables")


def _upload(client, plan, period, name="seed001.csv", content=None):
    content = SEED_001.read_bytes() if content is None else content
    return client.post(
        reverse("deliverables:import_upload", args=[plan.pk]),
        {"file": SimpleUploadedFile(name, content), "period": period.pk},
    )


def test_seed_001_preview_maps_known_words_and_asks_about_the_rest(world, nw_plan):
    client = world.client_for("other_team")
    response = _upload(client, nw_plan, world.period)
    assert response.status_code == 302
    preview = client.get(response.url)
    assert preview.status_code == 200
    form = preview.context["form"]
    assert set(form.words) == UNKNOWN_IN_SEED_001
    rows = {row.reference: status for row, status in preview.context["rows"]}
    assert rows["8"] == RagStatus.COMPLETE
    assert rows["4b"] == RagStatus.ON_TRACK  # "On Track"
    assert rows["3"] == RagStatus.ON_TRACK  # "Ongoing"
    assert rows["7a"] == RagStatus.AT_RISK  # "Delayed"
    assert rows["5b"] is None
    words = {w["word"]: w["status"] for w in preview.context["words"]}
    assert words["Complete"] == RagStatus.COMPLETE
    assert words["On Track"] == words["Ongoing"] == RagStatus.ON_TRACK
    assert words["Plans submitted June 22"] is None
    html = preview.content.decode()
    assert "“Plans submitted June 22” means" in html
    assert "Not known: choose below" in html
    assert not nw_plan.deliverables.exists(), "nothing is saved before confirmation"


def test_confirming_without_choosing_keeps_asking(world, nw_plan):
    client = world.client_for("other_team")
    preview_url = _upload(client, nw_plan, world.period).url
    response = client.post(preview_url, {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not nw_plan.deliverables.exists()


def test_confirmed_import_shows_deliverable_8_complete(world, nw_plan):
    client = world.client_for("other_team")
    preview_url = _upload(client, nw_plan, world.period).url
    form = client.get(preview_url).context["form"]
    choices = {f"word_{i}": "on_track" for i in range(len(form.words))}
    response = client.post(preview_url, choices)
    assert response.status_code == 302
    assert nw_plan.deliverables.count() == 24
    page = client.get(nw_plan.get_absolute_url())
    row = next(r for r in page.context["table"].rows if r.record.reference == "8")
    assert row.record.status == RagStatus.COMPLETE
    assert "Complete" in page.content.decode()
    four = nw_plan.deliverables.filter(number=4).values_list("part", flat=True)
    assert list(four) == ["a", "b", "c", "d", "e"]
    assert client.get(preview_url).status_code == 302, "the parsed file is not kept after use"


def test_import_is_all_or_nothing(world, nw_plan):
    content = (
        b"number,title,text,status,narrative\n"
        b"1,Reopen services,,Complete,\n"
        b"2,Culture survey,,Delayed,The survey is late.\n"
    )
    client = world.client_for("other_team")
    preview_url = _upload(client, nw_plan, world.period, content=content).url
    preview = client.get(preview_url)
    assert "needs a narrative and a recovery action" in preview.content.decode()
    response = client.post(preview_url, {})
    assert response.status_code == 200
    assert not nw_plan.deliverables.exists()
    assert not DeliverableUpdate.objects.exists()


def test_xlsx_upload_with_parts(world, nw_plan):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Number", "Title", "Text", "Status", "Narrative"])
    sheet.append([4, "Staffing", "", "On track", "Recruiting"])
    sheet.append(["4a", "Establishment", "", "Complete", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = world.client_for("other_team")
    preview_url = _upload(client, nw_plan, world.period, "plan.xlsx", buffer.getvalue()).url
    assert client.post(preview_url, {}).status_code == 302
    assert {d.reference: d.status for d in nw_plan.deliverables.all()} == {
        "4": RagStatus.ON_TRACK,
        "4a": RagStatus.COMPLETE,
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", b"%PDF", "Choose a .csv or .xlsx file"),
        ("plan.csv", b"", "The submitted file is empty"),
        ("plan.csv", b"number,title\n1,x\n", "missing: text, status, narrative"),
        (
            "plan.csv",
            b"number,title,text,status,narrative\nfour,x,,Complete,\n",
            "is not a deliverable number",
        ),
        ("plan.xlsx", b"not a workbook", "could not be read"),
    ],
)
def test_bad_files_are_refused_with_a_message(world, nw_plan, name, content, message):
    response = _upload(world.client_for("other_team"), nw_plan, world.period, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_board_and_other_lmns_cannot_import(world, nw_plan):
    assert _upload(world.client_for("team"), nw_plan, world.period).status_code == 404
    plan = PlanFactory(lmns=world.lmns)
    assert _upload(world.client_for("board"), plan, world.period).status_code == 403


def test_command_refuses_unmapped_words_with_a_list(world, nw_plan):
    with pytest.raises(CommandError) as refused:
        call_command("import_deliverables", str(SEED_001), "--plan", str(nw_plan.pk))
    assert '--map "Plans submitted June 22=STATUS"' in str(refused.value)
    assert not nw_plan.deliverables.exists()


def test_command_imports_with_mappings(world, nw_plan):
    out = io.StringIO()
    maps = []
    for word in UNKNOWN_IN_SEED_001:
        maps += ["--map", f"{word}=on_track"]
    call_command(
        "import_deliverables",
        str(SEED_001),
        "--plan",
        str(nw_plan.pk),
        "--period",
        "2022/23 Q1",
        *maps,
        stdout=out,
    )
    assert "Imported 24 rows" in out.getvalue()
    assert nw_plan.deliverables.get(number=8).status == RagStatus.COMPLETE
    assert nw_plan.deliverables.get(number=5, part="b").status == RagStatus.ON_TRACK


def test_command_refuses_an_unknown_status(world, nw_plan, tmp_path: Path):
    with pytest.raises(CommandError, match="is not a status"):
        call_command(
            "import_deliverables",
            str(SEED_001),
            "--plan",
            str(nw_plan.pk),
            "--map",
            "Ongoing=green",
        )


# -- the import preview: in the database, the uploader's own, for an hour -------------------
SMALL = b"number,title,text,status,narrative\n1,Reopen services,,Complete,\n"


def _choices(client, preview_url) -> dict:
    form = client.get(preview_url).context["form"]
    return {f"word_{i}": "on_track" for i in range(len(form.words))}


def test_the_checked_file_is_kept_in_the_database_not_the_session(world, nw_plan):
    import hashlib

    from lmns.models import ImportPreview

    client = world.client_for("other_team")
    _upload(client, nw_plan, world.period)

    preview = ImportPreview.objects.get()
    assert preview.owner == world.users["other_team"]
    assert preview.file_name == "seed001.csv"
    assert preview.file_sha256 == hashlib.sha256(SEED_001.read_bytes()).hexdigest()
    assert len(preview.rows) == 24 and preview.options == {"period": world.period.pk}
    assert 59 <= (preview.expires_at - preview.created_at).total_seconds() / 60 <= 60
    assert not any(key.startswith("deliverables") for key in client.session.keys())


def test_only_the_person_who_uploaded_the_file_can_confirm_it(world, nw_plan):
    from lmns.models import Role
    from lmns.tests.factories import lmns_member

    owner = world.client_for("other_team")
    preview_url = _upload(owner, nw_plan, world.period, content=SMALL).url
    colleague = world.client_for("anonymous")
    colleague.force_login(lmns_member(world.other_lmns, Role.PROGRAMME_TEAM, "nw-team-2"))

    assert colleague.get(preview_url).status_code == 302
    response = colleague.post(preview_url, {}, follow=True)
    assert "Upload a file to import first" in response.content.decode()
    assert not nw_plan.deliverables.exists()

    assert owner.post(preview_url, {}).status_code == 302
    assert nw_plan.deliverables.count() == 1


def test_an_expired_preview_cannot_be_confirmed(world, nw_plan):
    import datetime

    from lmns.models import ImportPreview

    client = world.client_for("other_team")
    preview_url = _upload(client, nw_plan, world.period, content=SMALL).url
    ImportPreview.objects.update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    response = client.post(preview_url, {}, follow=True)

    assert "expired an hour after you uploaded it" in response.content.decode()
    assert not nw_plan.deliverables.exists()


def test_confirming_the_same_preview_twice_imports_it_once(world, nw_plan):
    from deliverables import importing
    from lmns.models import ImportPreview

    client = world.client_for("other_team")
    _upload(client, nw_plan, world.period, content=SMALL)
    preview = ImportPreview.objects.get()

    importing.import_preview(
        preview, plan=nw_plan, period=world.period, mapping={}, user=preview.owner
    )
    with pytest.raises(importing.UploadError, match="imported already"):
        importing.import_preview(
            preview, plan=nw_plan, period=world.period, mapping={}, user=preview.owner
        )
    assert DeliverableUpdate.objects.count() == 1


def test_a_new_upload_replaces_the_persons_earlier_preview(world, nw_plan):
    from lmns.models import ImportPreview

    client = world.client_for("other_team")
    _upload(client, nw_plan, world.period)
    _upload(client, nw_plan, world.period, content=SMALL)
    assert [len(p.rows) for p in ImportPreview.objects.all()] == [1]


def test_expired_previews_are_purged_by_the_daily_command(world, nw_plan):
    import datetime

    from lmns.models import ImportPreview

    client = world.client_for("other_team")
    _upload(client, nw_plan, world.period, content=SMALL)
    _upload(world.client_for("team"), PlanFactory(lmns=world.lmns), world.period, content=SMALL)
    ImportPreview.objects.filter(owner=world.users["team"]).update(
        expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    out = io.StringIO()

    call_command("purge_import_previews", stdout=out)

    assert out.getvalue().strip() == "Deleted 1 expired import preview."
    assert [p.owner for p in ImportPreview.objects.all()] == [world.users["other_team"]]
