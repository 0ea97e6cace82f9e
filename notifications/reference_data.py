"""The requirement items a registered person may have to notify, loaded by migration 0003
and again by the test suite after a transactional test has flushed the tables."""

from __future__ import annotations

from typing import Any

# What a registered person must notify (DOMAIN.md "Notification requirements"):
# the sex-offender model's items, then the optional items proposed for DA and
# stalking. (code, label, deadline rule, days, in the default set, description)
ITEMS: list[tuple[str, str, str, int, bool, str]] = [
    (
        "names",
        "Name and aliases, including online names",
        "within_3_days",
        3,
        True,
        "Any name used, including online usernames.",
    ),
    ("date_of_birth", "Date of birth", "within_3_days", 3, True, ""),
    ("ni_number", "National Insurance number", "within_3_days", 3, True, ""),
    (
        "main_address",
        "Main address",
        "within_3_days",
        3,
        True,
        "Home address, and any change to it.",
    ),
    (
        "other_address",
        "Other address stayed at 7 days or more in 12 months",
        "within_3_days",
        3,
        True,
        "Counts once the stays there add up to 7 days in any 12 months.",
    ),
    (
        "weekly_location",
        "Weekly location (no fixed abode)",
        "weekly",
        7,
        True,
        "Where they can be found, every week, when they have no main address.",
    ),
    (
        "foreign_travel",
        "Foreign travel",
        "travel",
        7,
        True,
        "7 days before departure; at least 24 hours where 7 days was not reasonably practicable.",
    ),
    (
        "bank_accounts",
        "Bank accounts and credit cards, including joint",
        "within_3_days",
        3,
        True,
        "",
    ),
    ("identity_documents", "Passports and identity documents", "within_3_days", 3, True, ""),
    (
        "household_child",
        "Staying 12 hours or more in a household with a child under 18",
        "within_3_days",
        3,
        True,
        "",
    ),
    ("annual", "Annual re-notification", "annual", 365, True, "Every year, all details confirmed."),
    ("new_relationship", "A new intimate relationship", "within_3_days", 3, False, ""),
    (
        "resumed_relationship",
        "Resuming a relationship with a previous partner",
        "within_3_days",
        3,
        False,
        "",
    ),
    (
        "joint_commitments",
        "Joint commitments (joint account, lease, property)",
        "within_3_days",
        3,
        False,
        "",
    ),
    ("phone_numbers", "Phone numbers", "within_3_days", 3, False, ""),
    ("email_addresses", "E-mail addresses", "within_3_days", 3, False, ""),
    (
        "dating_profiles",
        "Online dating profiles and dating-site bans",
        "within_3_days",
        3,
        False,
        "",
    ),
]


def load(apps: Any = None) -> None:
    """`apps` is the migration's app registry; None means the current models."""
    if apps is None:
        from django.apps import apps as current

        apps = current
    requirement_item = apps.get_model("notifications", "RequirementItem")
    for code, label, rule, days, default, description in ITEMS:
        requirement_item.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "deadline_rule": rule,
                "deadline_days": days,
                "in_default_set": default,
                "description": description,
            },
        )
