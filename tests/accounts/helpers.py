"""Reading the links the accounts app e-mails, as their owner would."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

_LINK = re.compile(r"https?://\S+/account/(?:invitation|reset)/\S+/\S+/")


def last_link(to: str) -> str:
    """The path of the last invitation or reset link e-mailed to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = _LINK.search(str(message.body))
            assert found, message.body
            return urlsplit(found.group(0)).path
    raise AssertionError(f"No e-mail to {to} in {[m.to for m in mail.outbox]}")


class UnreachableMailServer(BaseEmailBackend):
    """A mail server that cannot be reached, as smtplib reports it."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
