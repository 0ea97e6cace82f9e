"""What the accounts app does when the register creates a member of staff."""

from __future__ import annotations

from typing import Any

from accounts.services import invite_on_create
from register.models import StaffUser


def invite_new_account(
    sender: type[StaffUser], instance: StaffUser, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """post_save of StaffUser: a new account without a password is sent its invitation.
    Fixtures (`raw`) load accounts as they were and send nothing."""
    if created and not raw:
        invite_on_create(instance)
