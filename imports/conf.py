"""Settings of the imports app that are policy, not law, with their defaults."""

from __future__ import annotations

from django.conf import settings

DEFAULT_ALL_OR_NOTHING = True
DEFAULT_BATCH_SIZE = 500
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
DEFAULT_ERRORS_SHOWN = 500


def all_or_nothing() -> bool:
    """A file with any bad row loads nothing (default True): a legacy migration is checked and
    corrected as a whole, so the register never holds half of a person's history. Policy chosen
    for the register, not law. Setting: IMPORTS_ALL_OR_NOTHING; off, the valid records load and
    the bad ones are reported."""
    return bool(getattr(settings, "IMPORTS_ALL_OR_NOTHING", DEFAULT_ALL_OR_NOTHING))


def batch_size() -> int:
    """Records committed per transaction when IMPORTS_ALL_OR_NOTHING is off (default 500). A
    killed job loses at most one batch, and a rerun skips what was committed. Setting:
    IMPORTS_BATCH_SIZE."""
    return int(getattr(settings, "IMPORTS_BATCH_SIZE", DEFAULT_BATCH_SIZE))


def max_file_bytes() -> int:
    """The largest file the upload page accepts (default 50 MB). Setting: IMPORTS_MAX_FILE_BYTES."""
    return int(getattr(settings, "IMPORTS_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES))


def errors_shown() -> int:
    """Errors listed on the run's page (default 500); all of them are in its CSV download and
    the command's output. Setting: IMPORTS_ERRORS_SHOWN."""
    return int(getattr(settings, "IMPORTS_ERRORS_SHOWN", DEFAULT_ERRORS_SHOWN))


def declare_figures() -> None:
    """The import policy on the register's reference page /reference/rules/."""
    from register import policy

    area = "Bulk import"
    policy.declare(
        policy.RuleFigure(
            key="IMPORTS_ALL_OR_NOTHING",
            label="A file with any bad row loads nothing",
            value=lambda: "yes" if all_or_nothing() else "no: valid records load",
            basis="policy",
            source="Register policy (setting IMPORTS_ALL_OR_NOTHING)",
            area=area,
        ),
        policy.RuleFigure(
            key="IMPORTS_BATCH_SIZE",
            label="Records committed together when not all-or-nothing",
            value=lambda: str(batch_size()),
            basis="policy",
            source="Register policy (setting IMPORTS_BATCH_SIZE)",
            area=area,
        ),
    )
