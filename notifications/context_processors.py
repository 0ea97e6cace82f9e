"""The header's unread-tasks badge: notifications counts tasks, the register draws the header."""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest

from notifications.selectors import task_unread_count


def task_badge(request: HttpRequest) -> dict[str, object]:
    """A callable, not a number: the template calls it only where it draws the Tasks item
    (one COUNT per page, none for users without a task inbox)."""
    user = request.user
    # DRF leaves no user on an anonymous API request (UNAUTHENTICATED_USER = None).
    if user is None or not user.is_authenticated:
        return {}
    return {"task_unread_badge": partial(task_unread_count, user=user)}
