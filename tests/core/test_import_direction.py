"""The direction of imports between apps (issue 15: "The register app has no import of
`notifications` (a test or lint rule checks the direction of imports between apps)").

Every `.py` file of every app is parsed; every `import` and `from ... import` is checked,
including those inside functions (the old way to dodge a circular import). Apps higher up
hear of what the register does through domain events (core.events), never by being called.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Which apps each app may import (besides itself). core is the ground; the register stands on
# it; notifications, MAPPA and victims build on the register; the partner-facing and admin
# apps sit on top. An app not listed here fails test_every_app_has_a_direction: say where a
# new app sits before it imports anything.
DOMAIN = {"core", "register", "notifications", "mappa", "victims"}
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "register": {"core"},
    "notifications": {"core", "register"},
    "mappa": {"core", "register", "notifications"},
    "victims": {"core", "register", "notifications", "mfa"},
    # Sign-in: multi-factor authentication and the password lifecycle.
    "mfa": {"core", "register"},
    "accounts": {"core", "register", "mfa"},
    # On top: they may read every domain app; none may import them.
    "partners": DOMAIN,
    "imports": DOMAIN,
}
# Narrow exceptions, by folder: the register's pages ask for a recent second factor before
# the most sensitive actions (mfa.decorators.require_recent_authentication). Only its web
# layer may do so; its services, models and API never depend on the sign-in apps.
ALLOWED_UNDER: dict[str, set[str]] = {
    "register/views/": {"mfa"},
}
NEVER = {"tests", "config"}


def local_apps() -> list[str]:
    return sorted(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT.resolve()
    )


def imported_modules(source: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every absolute import anywhere in the source, functions included,
    and for import_module("...") / import_string("...") / __import__("...") with a literal."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            literal = first.value if isinstance(first, ast.Constant) else None
            if name in {"import_module", "import_string", "__import__"} and isinstance(
                literal, str
            ):
                yield node.lineno, literal


def violations(app: str, path: str, source: str, known: set[str]) -> list[str]:
    allowed = set(ALLOWED.get(app, set()))
    for folder, extra in ALLOWED_UNDER.items():
        if path.startswith(folder):
            allowed |= extra
    found = []
    for line, module in imported_modules(source):
        top = module.split(".")[0]
        if top == app:
            continue
        if top in NEVER or (top in known and top not in allowed):
            found.append(f"{path}:{line} imports {module}")
    return found


def test_every_app_has_a_direction() -> None:
    assert set(local_apps()) <= set(ALLOWED), (
        f"Say in ALLOWED which apps {sorted(set(local_apps()) - set(ALLOWED))} may import"
    )


def test_apps_import_only_downwards() -> None:
    known = set(local_apps()) | NEVER
    found: list[str] = []
    checked = 0
    for app in local_apps():
        for file in sorted((ROOT / app).rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            found += violations(app, path, file.read_text(encoding="utf-8"), known)
            checked += 1
    assert checked > 100  # the walk found the apps' code, not an empty folder
    assert found == [], "Imports against the direction between apps:\n" + "\n".join(found)


def test_the_check_catches_the_register_reaching_up_inside_a_function() -> None:
    # The shape this issue removed: an in-function import to dodge a circular import.
    source = (
        "def after_change(detail):\n"
        "    from notifications import feeds\n"
        "    feeds.detail_changed(detail=detail)\n"
        "def badge():\n"
        "    import victims.selectors\n"
        "    return import_module('mappa.services')\n"
    )
    known = {"core", "register", "notifications", "mappa", "victims", "tests"}
    assert violations("register", "register/services/details.py", source, known) == [
        "register/services/details.py:2 imports notifications",
        "register/services/details.py:5 imports victims.selectors",
        "register/services/details.py:6 imports mappa.services",
    ]
    # The web-layer exception is for the sign-in app only, and only under register/views/.
    step_up = "from mfa.decorators import require_recent_authentication\n"
    assert violations("register", "register/views/nominals.py", step_up, {"mfa"}) == []
    assert violations("register", "register/services/nominals.py", step_up, {"mfa"}) == [
        "register/services/nominals.py:1 imports mfa.decorators"
    ]
    assert violations("core", "core/outbox.py", "from tests import factories\n", set()) == [
        "core/outbox.py:1 imports tests"
    ]
