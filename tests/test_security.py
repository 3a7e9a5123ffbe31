"""Security posture that every page shares: throttled sign-in, CSP, headers, sessions."""

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_with_a_message(world, client):
    url = reverse("account_login")
    for _ in range(settings.SIGN_IN_LOCKOUT_PER_ACCOUNT_AND_ADDRESS):
        client.post(url, {"login": "nuh-lead", "password": "wrong"})
    response = client.post(url, {"login": "nuh-lead", "password": "test-password-123"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_correct_password_signs_in(world, client):
    response = client.post(
        reverse("account_login"), {"login": "nuh-lead", "password": "test-password-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["lead"].pk)


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(as_lead):
    response = as_lead.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_sessions_expire_after_an_hour_of_inactivity(world):
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = world.client_for("lead")
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=55) < remaining <= datetime.timedelta(hours=1)

    session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_logout_needs_a_post_with_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["lead"])
    response = client.post(reverse("account_logout"))
    assert response.status_code == 403
    assert "_auth_user_id" in client.session
