"""What every service shares: validation into DomainError, and the reason every change needs."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from register.errors import DomainError


def full_clean(instance: object, exclude: Sequence[str] = ()) -> None:
    """Model validation, re-raised as one DomainError carrying every field's messages."""
    try:
        instance.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as exc:
        errors = {
            (None if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, errors=errors) from exc


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for this change", field="reason")
    return reason
