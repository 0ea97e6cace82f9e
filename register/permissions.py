"""What a partner system's scopes let it call.

Every API view needs a scope, worked out from the view unless it names its own:

- `required_scope = "<area>"` or the app the view belongs to (register, notifications,
  mappa, victims) names an area; a safe method (GET, HEAD, OPTIONS) needs `<area>:read`,
  any other `<area>:write`;
- `required_scope = "webhooks:manage"` (anything with a colon) is needed as it stands;
- `required_scope = None` opens the view to every client (who am I, the schema);
- a view of an app not listed in APP_AREAS, naming none, is refused to every client:
  a new endpoint is closed to partner systems until someone decides its scope.

Staff signed in to the pages (session) are not limited by scopes: their roles and the
access gate apply as they do everywhere.

The check runs in the token authentication itself (register.authentication), not in a
permission class in DEFAULT_PERMISSION_CLASSES: every API view sets its own
permission_classes (RoleGate, partners' PartnerSystemOnly, drf-spectacular's), which
replace the default list, so such a class would guard none of them; every view
authenticates. tests/register/test_api_clients.py walks the URLconf to prove each
operation is refused without its scope.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions

from register.models import ApiClient, ApiScope

# The app a view's module belongs to -> the area (or whole scope) it needs.
APP_AREAS: dict[str, str | None] = {
    "register": "register",
    "notifications": "notifications",
    "mappa": "mappa",
    "victims": "victims",
    "partners": ApiScope.WEBHOOKS_MANAGE.value,
    # Loading a legacy register writes nominals: the register's own scopes.
    "imports": "register",
    "reports": "reports",
    # The schema and its docs: every client may read how to call the API.
    "core": None,
}
_UNSET = object()


class ScopeMissing(exceptions.PermissionDenied):
    default_code = "scope_missing"


def required_scope(view: Any, method: str) -> str | None:
    """The scope a client needs to call `view` with `method`; None if any client may."""
    declared = getattr(view, "required_scope", _UNSET)
    if declared is _UNSET:
        app = type(view).__module__.split(".")[0]
        if app not in APP_AREAS:
            raise ScopeMissing(
                "This endpoint is not open to partner systems (it has no scope yet)."
            )
        declared = APP_AREAS[app]
    if declared is None:
        return None
    declared = str(declared)
    if ":" in declared:
        return declared
    suffix = "read" if method in permissions.SAFE_METHODS else "write"
    return f"{declared}:{suffix}"


def check_scope(client: ApiClient, view: Any, method: str) -> None:
    """Raise 403 with a clear message unless the client holds the scope the call needs."""
    scope = required_scope(view, method)
    if scope is not None and scope not in client.scopes:
        raise ScopeMissing(
            f"This API client does not have the {scope} scope, which {method} on this "
            "endpoint needs. An administrator of your agency can add it."
        )
