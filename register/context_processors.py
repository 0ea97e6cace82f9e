from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from register import access
from register.models import Nominal, Role


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.SERVICE_NAME,
        "primary_navigation": primary_navigation(request),
    }


def primary_navigation(request: HttpRequest) -> list[dict[str, object]]:
    """The sections this user's roles open. Each later app adds its section here."""
    user = request.user
    # DRF leaves no user on an anonymous API request (UNAUTHENTICATED_USER = None).
    if user is None or not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = [("Home", "home")]
    casework = access.roles_allow(user, Nominal, "view")  # type: ignore[arg-type]
    victim_work = user.has_role(Role.VICTIM_LIAISON_OFFICER)  # type: ignore[union-attr]
    if casework:
        items.append(("Nominals", "nominal-list"))
        items.append(("MAPPA", "mappa-home"))
    if victim_work:
        items.append(("Victims", "victims-home"))
    if casework or victim_work:
        items.append(("Disclosures", "disclosure-list"))
        items.append(("Tasks", "task-inbox"))
    if user.has_role(Role.SUPERVISOR):  # type: ignore[union-attr]
        # Supervisors decide the transfers other agencies ask of theirs (register.views.transfers).
        items.append(("Transfers", "transfer-list"))
    if user.has_role(Role.AUDITOR, Role.NATIONAL_AUDITOR):  # type: ignore[union-attr]
        items.append(("Audit", "audit-log"))
    if user.has_role(Role.ADMINISTRATOR):  # type: ignore[union-attr]
        items.append(("Staff", "staff-list"))
        items.append(("API clients", "api-client-list"))
        items.append(("Webhooks", "partners-subscription-list"))
        items.append(("Imports", "import-list"))
        items.append(("Reference data", "reference-offences"))
    # Pages that belong to a section without living under its URL.
    also_under = {
        "nominal-list": ("/priority/", "/registrations/"),
        "reference-offences": ("/reference/",),
    }
    navigation = []
    for label, name in items:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a section whose pages are not built yet
        current = (
            request.path == url
            if name == "home"
            else request.path.startswith((url, *also_under.get(name, ())))
        )
        # The tasks badge is notifications' own (notifications.context_processors), drawn
        # beside the item named "task-inbox": the register does not count tasks.
        navigation.append({"name": name, "label": label, "url": url, "current": current})
    return navigation
