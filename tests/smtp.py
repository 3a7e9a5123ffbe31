"""A real SMTP server on loopback (aiosmtpd): mail is sent in tests as in production.

Used by the account mail tests and the notification mail tests (import ``smtp_server`` into a
``conftest.py``). :func:`closed_port` gives an address where no server listens (a mail server
that is down)."""

import email
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def link_in(self, message) -> str:
        return self.links_in(message)[0]

    def links_in(self, message) -> list[str]:
        body = message.get_body(preferencelist=("plain",)).get_content()
        return re.findall(r"https?://\S+", body)


def closed_port() -> int:
    """A loopback port where nothing listens."""
    return _free_port()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.controller = controller
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop(no_assert=True)
