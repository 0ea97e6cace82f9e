"""Reading the links the accounts app e-mails, as their owner would."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail

_LINK = re.compile(r"https?://\S+/account/(?:invitation|reset)/\S+/\S+/")


def last_link(to: str) -> str:
    """The path of the last invitation or reset link e-mailed to `to`."""
    for message in reversed(mail.outbox):
        if to in message.to:
            found = _LINK.search(str(message.body))
            assert found, message.body
            return urlsplit(found.group(0)).path
    raise AssertionError(f"No e-mail to {to} in {[m.to for m in mail.outbox]}")
