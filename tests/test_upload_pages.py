"""Every importer reads through the upload reader (``lmns/uploads.py``), so each hostile file is
sent to every upload page: each must be refused with a message on the page, never a server
error."""

import pytest
from django.urls import reverse

from lmns.tests.test_uploads import HEADER, _csv, _sheet, _with_sheet

HOSTILE = [
    ("big.csv", HEADER + '1,Title,"' + "A" * 200_000 + '",On track,\n', "131,072 characters"),
    ("bad.csv", "title\nCarbon monoxide – testing\n".encode("cp1252"), "not UTF-8"),
    ("nul.csv", "number,title,text,status,narrative\n1,Ti\x00tle,,On track,\n", "U+0000"),
    ("header.csv", HEADER, "there was nothing to import"),
]


def _post_compliance(world, name, content):
    from assurance.tests.factories import ockenden_interim

    return world.client_for("team").post(
        reverse("assurance:import_compliance", args=[world.lmns.pk]),
        {
            "framework": ockenden_interim().pk,
            "period": world.period.pk,
            "file": _csv(content, name),
        },
    )


def _post_deliverables(world, name, content):
    from deliverables.tests.factories import PlanFactory

    plan = PlanFactory(lmns=world.lmns)
    return world.client_for("team").post(
        reverse("deliverables:import_upload", args=[plan.pk]),
        {"file": _csv(content, name), "period": world.period.pk},
    )


def _post_quality(world, name, content):
    return world.client_for("team").post(
        reverse("quality:import", args=[world.lmns.pk]),
        {"kind": "template", "status": "final", "file": _csv(content, name)},
    )


@pytest.mark.parametrize("post", [_post_compliance, _post_deliverables, _post_quality])
@pytest.mark.parametrize(("name", "content", "message"), HOSTILE)
def test_every_importer_refuses_a_hostile_file_on_the_page(world, post, name, content, message):
    response = post(world, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_deliverables_import_refuses_a_zip_bomb_on_the_page(world):
    bomb = _with_sheet(_sheet(2, padding=51_000_000))
    response = _post_deliverables(world, "plan.xlsx", bomb)
    assert response.status_code == 200
    assert "more than the 50.0 MB" in response.content.decode()
