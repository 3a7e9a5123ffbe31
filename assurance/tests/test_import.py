"""CSV import: every bad row reported, nothing half-imported, nothing submitted overwritten."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assurance.importer import import_compliance
from assurance.models import QuarterlyReturn, ReturnStatus, SectionRating, Transition
from assurance.tests.factories import ockenden_interim, rated_return
from lmns.uploads import UploadError

HEADER = "trust,IEA1,IEA2,IEA3,IEA4,IEA5,IEA6,IEA7,WF\n"
SEED_000 = HEADER + "RX1,100,99,65,89,70,94,57,80\nSFH,100%,100,100,100,100,100,71,100\n"


def _csv(text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("figures.csv", text.encode() if isinstance(text, str) else text)


def _import(world, text, user=None, reason=""):
    return import_compliance(
        _csv(text),
        lmns=world.lmns,
        framework=ockenden_interim(),
        period=world.period,
        user=user or world.users["team"],
        on_behalf_reason=reason,
    )


def _agreed(trust, period):
    return {
        r.section.code: r.agreed_percent
        for r in SectionRating.objects.filter(
            quarterly_return__trust=trust, quarterly_return__period=period
        ).select_related("section")
    }


def _errors(world, text) -> list[str]:
    with pytest.raises(UploadError) as caught:
        _import(world, text)
    assert (
        QuarterlyReturn.objects.count() == 0
        or not SectionRating.objects.filter(change_reason__startswith="Imported").exists()
    )
    return caught.value.problems


def test_a_good_file_creates_assured_returns_with_its_figures(world):
    report = _import(world, SEED_000)

    assert (len(report.rows), report.created, report.updated) == (2, 2, 0)
    nuh = QuarterlyReturn.objects.get(trust=world.trust, period=world.period)
    assert nuh.status == ReturnStatus.ASSURED
    assert _agreed(world.trust, world.period)["IEA3"] == Decimal("65")
    assert _agreed(world.trust, world.period)["IEA7"] == Decimal("57")
    assert _agreed(world.sibling_trust, world.period)["IEA7"] == Decimal("71")
    rating = SectionRating.objects.get(quarterly_return=nuh, section__code="WF")
    assert rating.derived_percent == rating.agreed_percent == Decimal("80")
    step = Transition.objects.get(quarterly_return=nuh)
    assert step.to_status == ReturnStatus.ASSURED and step.by == world.users["team"]
    assert step.comment.startswith("Imported from CSV by")


def test_a_trusts_unsubmitted_draft_is_not_overwritten_without_a_reason(world):
    draft = rated_return(world.trust, world.period, {"IEA1": 10}, status=ReturnStatus.DRAFT)

    errors = _errors(world, HEADER + "NUH,100,99,65,89,70,94,57,80\n")

    assert errors == [
        "Row 2: NUH's 2022/23 Q1 return is a draft the trust has not submitted; it is not "
        "overwritten unless you enter the figures on the trust's behalf and give the reason"
    ]
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT and draft.version == 1
    assert _agreed(world.trust, world.period)["IEA1"] == Decimal("10")


def test_a_draft_is_completed_on_the_trusts_behalf_with_the_reason_recorded(world):
    draft = rated_return(world.trust, world.period, {"IEA1": 10}, status=ReturnStatus.DRAFT)
    reason = "Figures agreed at the LMNS board on 12 July; NUH's lead is on leave."

    report = _import(world, HEADER + "NUH,100,99,65,89,70,94,57,80\n", reason=reason)

    draft.refresh_from_db()
    assert (report.created, report.updated) == (0, 1)
    assert draft.status == ReturnStatus.ASSURED and draft.version == 2
    assert _agreed(world.trust, world.period)["IEA1"] == Decimal("100")
    step = draft.transitions.get()
    assert step.from_status == ReturnStatus.DRAFT and step.by == world.users["team"]
    assert step.comment == f"Imported from CSV on the trust's behalf: {reason}"
    assert draft.history.first().status == ReturnStatus.ASSURED


def test_a_return_sent_back_to_the_trust_was_submitted_so_it_is_completed(world):
    returned = rated_return(world.trust, world.period, {"IEA1": 10}, status=ReturnStatus.RETURNED)

    _import(world, HEADER + "NUH,100\n")

    returned.refresh_from_db()
    assert returned.status == ReturnStatus.ASSURED
    assert returned.transitions.get().comment.startswith("Imported from CSV by")


def test_a_header_only_file_says_there_was_nothing_to_import(world):
    errors = _errors(world, HEADER)

    assert errors == [
        "The file has only its header row, with no rows under it: there was nothing to import."
    ]
    assert not QuarterlyReturn.objects.exists()


@pytest.mark.parametrize(
    "row, reason",
    [
        ("ZZZ9,50", "unknown trust “ZZZ9”"),
        ("RGP,50", "is not a trust of Nottingham and Nottinghamshire LMNS"),
        ("RX1,abc", "IEA1: “abc” is not a number"),
        ("RX1,150", "IEA1: 150% is outside 0 to 100"),
        ("RX1,-1", "IEA1: -1% is outside 0 to 100"),
        ("RX1,50.25", "more than one decimal place"),
        ("RX1,NaN", "is not a number"),
        (",50", "the first column (trust) is empty"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_imported(world, row, reason):
    text = "trust,IEA1\nRK5,90\n" + row + "\n"

    errors = _errors(world, text)

    assert len(errors) == 1 and errors[0].startswith("Row 3:") and reason in errors[0]
    assert not QuarterlyReturn.objects.exists()


def test_an_unknown_section_column_is_reported(world):
    errors = _errors(world, "trust,IEA1,IEA99\nRX1,50,60\n")
    assert errors == [
        "Row 1: unknown section “IEA99” for Ockenden interim "
        "(expected one of IEA1, IEA2, IEA3, IEA4, IEA5, IEA6, IEA7, WF)"
    ]


def test_a_duplicate_trust_row_is_reported(world):
    errors = _errors(world, "trust,IEA1\nRX1,50\nnuh,60\n")
    assert errors == ["Row 3: NUH appears again (first on row 2)"]


def test_every_problem_is_listed_at_once(world):
    errors = _errors(world, "trust,IEA1,IEA2\nRX1,50,x\nQQQ,1,2\nRK5,101,20\n")
    assert [e.split(":")[0] for e in errors] == ["Row 2", "Row 3", "Row 4"]


def test_a_submitted_return_is_never_overwritten(world):
    submitted = rated_return(world.trust, world.period, {"IEA1": 40}, status=ReturnStatus.SUBMITTED)

    errors = _errors(world, "trust,IEA1\nRK5,90\nRX1,100\n")

    assert errors == ["Row 3: NUH's 2022/23 Q1 return is already submitted; it is not overwritten"]
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED
    assert _agreed(world.trust, world.period) == {"IEA1": Decimal("40")}
    assert not QuarterlyReturn.objects.filter(trust=world.sibling_trust).exists()


@pytest.mark.parametrize("status", [ReturnStatus.UNDER_REVIEW, ReturnStatus.ASSURED])
def test_returns_under_review_or_assured_are_refused_too(world, status):
    rated_return(world.trust, world.period, {"IEA1": 40}, status=status)
    errors = _errors(world, "trust,IEA1\nRX1,100\n")
    assert "it is not overwritten" in errors[0]


def test_nothing_is_half_imported_when_a_late_row_fails_to_write(world, monkeypatch):
    """A return that moves on between the check and the write refuses the whole file."""
    from assurance import importer

    real_parse = importer.parse

    def parse_then_someone_submits(*args, **kwargs):
        report = real_parse(*args, **kwargs)
        rated_return(world.sibling_trust, world.period, {}, status=ReturnStatus.SUBMITTED)
        return report

    monkeypatch.setattr(importer, "parse", parse_then_someone_submits)
    with pytest.raises(UploadError) as caught:
        _import(world, SEED_000)

    assert "SFH's 2022/23 Q1 return is already submitted" in str(caught.value)
    assert not QuarterlyReturn.objects.filter(trust=world.trust).exists()
    assert not Transition.objects.exists()


def test_header_and_file_level_problems(world):
    assert _errors(world, "") == ["The file is empty."]
    assert "names no section" in _errors(world, "trust\nRX1\n")[0]
    with pytest.raises(UploadError) as caught:
        import_compliance(
            _csv(b"\xff\xfe\x00\x00binary\x00\x81\x8d"),
            lmns=world.lmns,
            framework=ockenden_interim(),
            period=world.period,
            user=None,
        )
    assert "not UTF-8" in caught.value.problems[0]


def test_excel_byte_order_mark_and_blank_cells_are_accepted(world):
    report = import_compliance(
        _csv("\ufeff" + "Trust,iea1,IEA7\r\nRX1,,57\r\n\r\n"),
        lmns=world.lmns,
        framework=ockenden_interim(),
        period=world.period,
        user=world.users["team"],
    )
    assert report.ok
    agreed = _agreed(world.trust, world.period)
    assert agreed["IEA7"] == Decimal("57")
    assert agreed["IEA1"] is None and len(agreed) == 8


def test_an_imported_return_can_be_opened_like_any_other(world):
    _import(world, SEED_000)

    nuh = QuarterlyReturn.objects.get(trust=world.trust, period=world.period)
    requirements = sum(s.requirements.count() for s in ockenden_interim().sections.all())
    assert nuh.answers.count() == requirements
    assert nuh.section_ratings.count() == 8
    assert nuh.history.count() == 1


# -- the upload page ----------------------------------------------------------------------


def _upload(client, world, content: bytes, name="figures.csv", reason=""):
    return client.post(
        reverse("assurance:import_compliance", args=[world.lmns.pk]),
        {
            "framework": ockenden_interim().pk,
            "period": world.period.pk,
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "on_behalf_reason": reason,
        },
    )


def test_team_uploads_a_file_and_sees_the_dashboard(world, as_team):
    response = _upload(as_team, world, SEED_000.encode())

    assert response.status_code == 302
    assert response.url.startswith(reverse("assurance:dashboard", args=[world.lmns.pk]))
    page = as_team.get(response.url).content.decode()
    assert "as assured for 2 trusts (2 new returns, 0 drafts completed)" in page
    assert "65%" in page


def test_a_rejected_upload_lists_the_reasons_and_keeps_the_choices(world, as_team):
    response = _upload(as_team, world, (HEADER + "RX1,150\nXYZ1,1\n").encode())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "IEA1: 150% is outside 0 to 100" in html and "unknown trust “XYZ1”" in html
    assert f'<option value="{world.period.pk}" selected>' in html
    assert not QuarterlyReturn.objects.exists()


def test_a_file_that_is_not_csv_is_refused_with_a_message(world, as_team):
    response = _upload(as_team, world, b"MZ\x90\x00", name="virus.exe")
    assert response.status_code == 200
    assert "Choose a .csv file" in response.content.decode()


def test_the_page_asks_for_a_reason_before_completing_a_trusts_draft(world, as_team):
    draft = rated_return(world.trust, world.period, {}, status=ReturnStatus.DRAFT)

    refused = _upload(as_team, world, SEED_000.encode())

    assert refused.status_code == 200
    assert "is a draft the trust has not submitted" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT

    reason = "Agreed at the LMNS board; the trust's lead confirmed by email."
    done = _upload(as_team, world, SEED_000.encode(), reason=reason)

    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.ASSURED
    page = as_team.get(reverse("assurance:return_detail", args=[draft.pk])).content.decode()
    assert "Imported from CSV on the trust&#x27;s behalf: Agreed at the LMNS board" in page


def test_board_members_cannot_import(world, as_board):
    response = _upload(as_board, world, SEED_000.encode())
    assert response.status_code == 403
    assert not QuarterlyReturn.objects.exists()


# -- the command --------------------------------------------------------------------------


def test_the_command_imports_a_file(world, tmp_path, capsys):
    path = tmp_path / "april-2022.csv"
    path.write_text(SEED_000)

    call_command(
        "import_compliance",
        str(path),
        "--lmns",
        "NottsLMNS",
        "--framework",
        "Ockenden interim",
        "--period",
        "2022/23-Q1",
        "--user",
        "notts-team",
    )

    assert "Imported 2 trusts" in capsys.readouterr().out
    assert _agreed(world.sibling_trust, world.period)["IEA7"] == Decimal("71")


def test_the_command_lists_problems_and_fails(world, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "RX1,150\n")

    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command(
            "import_compliance",
            str(path),
            "--lmns=NottsLMNS",
            "--framework=Ockenden interim",
            "--period=2022/23-Q1",
        )
    assert "150% is outside 0 to 100" in capsys.readouterr().err
    assert not QuarterlyReturn.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lmns=Nope", "--framework=Ockenden interim", "--period=2022/23-Q1"], "No LMNS"),
        (["--lmns=NottsLMNS", "--framework=Nope", "--period=2022/23-Q1"], "No active framework"),
        (["--lmns=NottsLMNS", "--framework=Ockenden interim", "--period=2022-Q9"], "not like"),
        (
            ["--lmns=NottsLMNS", "--framework=Ockenden interim", "--period=2030/31-Q1"],
            "no reporting period",
        ),
    ],
)
def test_the_command_explains_bad_arguments(world, tmp_path, args, message):
    path = tmp_path / "f.csv"
    path.write_text(SEED_000)
    with pytest.raises(CommandError, match=message):
        call_command("import_compliance", str(path), *args)


# -- query counts -------------------------------------------------------------------------

# Measured on SQLite: page 11, rejected 40-trust file 17, good 40-trust file 57. Writes are
# bulk statements; SQLite splits large bulk inserts (answers and their history) into batches of
# 999 parameters, which is the only part that grows (by one query per batch), not per trust.
IMPORT_PAGE_QUERIES = 11
IMPORT_REJECTED_QUERIES = 17
IMPORT_POST_QUERIES = 60


def _forty_trusts(world):
    from lmns.tests.factories import TrustFactory

    trusts = [TrustFactory(lmns=world.lmns) for _ in range(40)]
    for trust in trusts[:10]:  # some drafts to complete, the rest new returns
        rated_return(trust, world.period, {"IEA1": 10}, status=ReturnStatus.DRAFT)
    rows = "".join(f"{t.ods_code},{','.join(str(50 + i) for i in range(8))}\n" for t in trusts)
    return trusts, (HEADER + rows).encode()


def test_the_upload_page_query_count_is_fixed(world, as_team, django_assert_max_num_queries):
    _forty_trusts(world)
    with django_assert_max_num_queries(IMPORT_PAGE_QUERIES):
        response = as_team.get(reverse("assurance:import_compliance", args=[world.lmns.pk]))
    assert response.status_code == 200


def test_importing_forty_trusts_takes_a_fixed_number_of_queries(
    world, as_team, django_assert_max_num_queries
):
    trusts, content = _forty_trusts(world)

    with django_assert_max_num_queries(IMPORT_POST_QUERIES):
        response = _upload(as_team, world, content, reason="Agreed at the LMNS board")

    assert response.status_code == 302
    assert (
        QuarterlyReturn.objects.filter(
            trust__in=trusts, period=world.period, status=ReturnStatus.ASSURED
        ).count()
        == 40
    )
    assert _agreed(trusts[0], world.period)["WF"] == Decimal("57")
    assert _agreed(trusts[39], world.period)["IEA1"] == Decimal("50")
    assert Transition.objects.filter(quarterly_return__trust__in=trusts).count() == 40


def test_a_rejected_forty_trust_file_takes_a_fixed_number_of_queries(
    world, as_team, django_assert_max_num_queries
):
    trusts, content = _forty_trusts(world)
    content = content.replace(b",57\n", b",157\n")

    with django_assert_max_num_queries(IMPORT_REJECTED_QUERIES):
        response = _upload(as_team, world, content, reason="Agreed at the LMNS board")

    assert response.content.decode().count("WF: 157% is outside 0 to 100") == 40
