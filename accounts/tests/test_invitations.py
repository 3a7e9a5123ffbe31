"""Invitations: mailed through a real SMTP server, stored hashed, accepted only by POST, once."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invite
from lmns.models import Membership, Role

from .factories import invitation_with_token

NEW_PASSWORD = "Maternity-safety-2026!"
ACCEPT = {
    "how": "password",
    "first_name": "Ada",
    "last_name": "Okafor",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


def _invite_by_mail(world, smtp_server, django_capture_on_commit_callbacks) -> str:
    admin = world.users["team"]
    with django_capture_on_commit_callbacks(execute=True):
        invite(
            user=admin,
            email="ada.okafor@nhs.example",
            role=Role.BOARD_MEMBER,
            lmns=world.lmns,
            request=RequestFactory().get("/"),
        )
    (message,) = smtp_server.to("ada.okafor@nhs.example")
    assert message["Subject"] == "LMNS Assurance: You are invited to LMNS Assurance"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Board member of Nottingham and Nottinghamshire LMNS" in body
    assert "expires in 7 days" in body
    return smtp_server.link_in(message)


def test_an_invitation_arrives_by_mail_and_only_a_post_accepts_it(
    world, smtp_server, django_capture_on_commit_callbacks
):
    link = _invite_by_mail(world, smtp_server, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64

    client = Client()
    for _ in range(2):  # a mail gateway opening the link, then the person
        page = client.get(link)
        assert page.status_code == 200
        assert "ada.okafor@nhs.example" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not get_user_model().objects.filter(email="ada.okafor@nhs.example").exists()

    response = client.post(link, ACCEPT)

    assert response.status_code == 302 and response.url == reverse("home")
    person = get_user_model().objects.get(email="ada.okafor@nhs.example")
    assert person.get_full_name() == "Ada Okafor" and person.check_password(NEW_PASSWORD)
    assert list(Membership.objects.filter(user=person).values_list("role", "lmns")) == [
        (Role.BOARD_MEMBER, world.lmns.pk)
    ]
    assert EmailAddress.objects.get(user=person).verified
    assert "Signed in as" in client.get(reverse("home")).content.decode()

    # The link works once.
    again = Client().post(link, {**ACCEPT, "first_name": "Someone", "last_name": "Else"})
    assert again.status_code == 410
    assert "expired or has already been used" in again.content.decode()
    assert get_user_model().objects.filter(email="ada.okafor@nhs.example").count() == 1


def test_an_expired_invitation_cannot_be_accepted(world):
    invitation, token = invitation_with_token(lmns=world.lmns, expired=True)
    url = reverse("invitation", args=[token])

    assert Client().get(url).status_code == 410
    assert Client().post(url, ACCEPT).status_code == 410
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not get_user_model().objects.filter(email=invitation.email).exists()


def test_invitations_expire_after_seven_days(world, django_capture_on_commit_callbacks):
    invitation = invite(
        user=world.users["team"], email="x@nhs.example", role=Role.TRUST_LEAD, trust=world.trust
    )
    days = (invitation.expires_at - timezone.now()) / datetime.timedelta(days=1)
    assert 6.99 < days <= 7


def test_an_invitation_names_an_organisation_of_its_role(world):
    with pytest.raises(ValidationError):
        invite(
            user=world.users["team"], email="x@nhs.example", role=Role.TRUST_LEAD, lmns=world.lmns
        )
    assert not Invitation.objects.exists()


def test_a_person_with_an_account_is_given_a_role_not_an_invitation(world):
    lead = world.users["lead"]
    lead.email = "nuh.lead@nhs.example"
    lead.save()
    with pytest.raises(ValidationError, match="already has an account"):
        invite(
            user=world.users["team"],
            email="NUH.Lead@nhs.example",
            role=Role.BOARD_MEMBER,
            lmns=world.lmns,
        )


def test_a_wrong_or_mismatched_password_accepts_nothing(world):
    invitation, token = invitation_with_token(lmns=world.lmns)
    url = reverse("invitation", args=[token])

    response = Client().post(url, {**ACCEPT, "password2": "Something-else-2026"})

    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
