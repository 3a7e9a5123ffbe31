"""Issuing a board pack tells the LMNS's board members, once the issue has committed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from boardpack.services import issue_pack
from lmns.models import Notification


def test_issuing_tells_the_board_members_of_the_lmns(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pack = issue_pack(
            lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=0
        )
    note = Notification.objects.get()
    assert note.recipient == world.users["board"]
    assert note.text == "The NottsLMNS board pack for 2022/23 Q1 was issued (version 1)"
    assert note.url == reverse("boardpack:pack", args=[world.lmns.pk, world.period.pk])
    assert world.client_for("board").get(note.url).status_code == 200
    assert note.key == f"boardpack.issued:{pack.pk}"


def test_a_refused_issue_tells_nobody(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        issue_pack(
            lmns=world.lmns, period=world.period, user=world.users["team"], expected_version=3
        )
    assert not Notification.objects.exists()
