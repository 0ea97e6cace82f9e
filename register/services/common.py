"""What every service shares: validation into DomainError, and the reason every change needs."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from register.errors import DomainError

# Database check constraints say only "Constraint “x” is violated.", against no field. These
# put the message a user can act on next to the field to correct (API clients and forms alike).
CONSTRAINT_ERRORS: dict[str, tuple[str, str]] = {
    "address_dates_in_order": (
        "date_to",
        "The end date must be the same as or after the start date",
    ),
    "order_dates_in_order": ("ends_on", "The end date must be the same as or after the start date"),
    "conviction_licence_dates_in_order": (
        "licence_end",
        "The licence end date must be the same as or after the licence start date",
    ),
    "conviction_da_flag_has_source": (
        "da_flag_source",
        "Select the source of the domestic abuse flag",
    ),
    "financial_last_four_digits": (
        "last_four",
        "Enter the last 4 digits of the account or card number, like 4821",
    ),
    "name_not_empty": ("family_name", "Enter a given name or a family name"),
    "registration_has_start_and_review": (
        "review_on",
        "Enter the start date and a review date: nothing is kept without one",
    ),
    "registration_end_has_reason": ("end_reason", "Enter why the registration ends"),
}


def _constraint_messages(instance: object) -> dict[str, tuple[str, str]]:
    """The raw violation message of each mapped constraint on the model -> (field, message)."""
    constraints = getattr(getattr(instance, "_meta", None), "constraints", ())
    return {
        c.get_violation_error_message(): CONSTRAINT_ERRORS[c.name]
        for c in constraints
        if c.name in CONSTRAINT_ERRORS
    }


def full_clean(instance: object, exclude: Sequence[str] = ()) -> None:
    """Model validation, re-raised as one DomainError carrying every field's messages."""
    try:
        instance.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as exc:
        mapped = _constraint_messages(instance)
        errors: dict[str | None, list[str]] = {}
        for field, messages in exc.message_dict.items():
            for message in messages:
                if field == NON_FIELD_ERRORS and message in mapped:
                    to_field, message = mapped[message]
                    errors.setdefault(to_field, []).append(message)
                else:
                    errors.setdefault(None if field == NON_FIELD_ERRORS else field, []).append(
                        message
                    )
        first_field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=first_field, errors=errors) from exc


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for this change", field="reason")
    return reason
