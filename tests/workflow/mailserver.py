"""Mail fixtures shared by the reminder and subscription tests (issue 16): a backend that fails
on cue, and a real SMTP server (aiosmtpd on 127.0.0.1) for Django's SMTP backend.

Registered as fixtures by ``tests/workflow/conftest.py``.
"""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """The locmem backend that fails with ``error`` once ``fail_after`` messages went out."""

    fail_after: int | None = None
    error: BaseException = ConnectionRefusedError("Der Mailserver antwortet nicht.")

    def send_messages(self, messages):
        if FlakyBackend.fail_after is not None and len(mail.outbox) >= FlakyBackend.fail_after:
            FlakyBackend.fail_after = None  # the server is back on the next run
            raise FlakyBackend.error
        return super().send_messages(messages)


class Crash(BaseException):
    """The process dies (no ``except Exception`` catches it)."""


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.workflow.mailserver.FlakyBackend"
    yield FlakyBackend
    FlakyBackend.fail_after = None


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "om-records <noreply@om.example.org>"
    yield inbox
    controller.stop()


