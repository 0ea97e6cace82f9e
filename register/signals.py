"""Sign-in bookkeeping that must not pollute the audit history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import user_logged_in
from django.contrib.auth.models import update_last_login
from django.dispatch import receiver
from django.utils import timezone

from register.models import StaffUser

# Django's own receiver saves the whole user, which would add a history row
# (with no reason) on every sign-in. An UPDATE of one column keeps history
# for real changes only.
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="register_update_last_login")
def record_last_login(sender: Any, user: StaffUser, **kwargs: Any) -> None:
    now = timezone.now()
    StaffUser.objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
