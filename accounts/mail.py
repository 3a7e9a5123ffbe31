"""Account mail: password reset links, invitations and second-factor notices.

Every account email goes through :func:`send`, one place to route them (today Django's mail
backend: the SMTP relay named by ``EMAIL_HOST`` in production, the console in development).
A failure to send is raised to the caller: the page then says the mail did not go.
"""

from __future__ import annotations

from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from lmns.people import can_sign_in


def render(template_prefix: str, email: str, context: dict) -> EmailMultiAlternatives:
    from allauth.account.adapter import get_adapter

    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).splitlines())
    body = render_to_string(f"{template_prefix}_message.txt", context).strip()
    return EmailMultiAlternatives(
        get_adapter().format_email_subject(subject.strip()),
        body,
        get_adapter().get_from_email(),
        [email],
    )


def send(template_prefix: str, email: str, context: dict, *, request=None) -> None:
    user = context.get("user")
    if user is not None and not can_sign_in(user):
        return  # nothing is sent to people who have left
    full = {"email": email, "request": request, **context}
    if request is not None:
        full.setdefault("current_site", get_current_site(request))
    render(template_prefix, email, full).send()
