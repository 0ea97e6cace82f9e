"""The one access gate.

Every page and endpoint gets protected records through `scoped()` (usually
via an app's selector) or `get_for_user()`. A record the user may not see
is indistinguishable from one that does not exist: both raise Http404, so
the register never reveals who is on it.

Two tests decide access, both in the database query:
1. role: does the user hold a role that may read (or change) this kind of
   record at all (`POLICY`);
2. agency: has the record been granted to the user's agency — the lead
   agency always is; sharing adds a grant — through django-guardian's
   direct foreign-key permission table for the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from guardian.utils import get_group_obj_perms_model as _guardian_perm_model

from register.models import Role

if TYPE_CHECKING:
    from register.models import StaffUser

Action = Literal["view", "change", "share"]
M = TypeVar("M", bound=models.Model)

CASEWORK_ROLES = frozenset(
    {
        Role.OFFENDER_MANAGER,
        Role.PROBATION_PRACTITIONER,
        Role.MAPPA_COORDINATOR,
        Role.SUPERVISOR,
    }
)

# Which roles may do what to each kind of protected record. Roles are
# necessary, never sufficient: the record must also be granted to the agency.
POLICY: dict[str, dict[Action, frozenset[str]]] = {
    "register.nominal": {
        "view": CASEWORK_ROLES,
        "change": CASEWORK_ROLES,
        "share": frozenset({Role.OFFENDER_MANAGER, Role.SUPERVISOR, Role.MAPPA_COORDINATOR}),
    },
}

# The kinds of record granted to agencies one by one (guardian's direct foreign-key table).
# Other kinds in POLICY are reached through one of these (a MAPPA case through its
# nominal) or are their owner's own (tasks): for them POLICY decides the roles only.
GRANTED_PER_RECORD: set[str] = {"register.nominal"}


def register_policy(
    label: str, actions: dict[Action, frozenset[str]], *, granted_per_record: bool = False
) -> None:
    """Each app declares the roles for its own record kinds (from its AppConfig.ready)."""
    if label in POLICY and POLICY[label] != actions:
        raise ValueError(f"Access policy for {label} is declared twice, differently")
    POLICY[label] = actions
    if granted_per_record:
        GRANTED_PER_RECORD.add(label)


GRANTS_FOR_LEAD: tuple[Action, ...] = ("view", "change", "share")
GRANTS_FOR_SHARED: tuple[Action, ...] = ("view",)


def grant_model(model: type[models.Model] | models.Model) -> Any:
    """guardian's direct foreign-key permission table for a model (typed loosely: it is dynamic)."""
    return _guardian_perm_model(model)  # type: ignore[arg-type]


def model_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def permission_codename(model: type[models.Model], action: Action) -> str:
    return f"{action}_{model._meta.model_name}"


def roles_allow(user: StaffUser, model: type[models.Model], action: Action) -> bool:
    allowed = POLICY.get(model_label(model), {}).get(action, frozenset())
    return user.is_authenticated and user.is_active and any(r in allowed for r in user.roles)


def scoped(
    queryset: models.QuerySet[M], user: StaffUser, action: Action = "view"
) -> models.QuerySet[M]:
    """The part of `queryset` that `user` may `action`. One query, no matter the size."""
    model = queryset.model
    if not roles_allow(user, model, action):
        return queryset.none()
    from django.contrib.auth.models import Permission

    # The grant is matched on (group id, permission id) alone, the leading columns of
    # guardian's unique index. Joining through group, agency, permission and content
    # type instead made PostgreSQL misjudge how many records an agency sees (1 row
    # estimated, 40,000 found at 100,000 nominals) and start every search from them.
    # The group id comes with the user (their agency is always loaded); the
    # permission id is an uncorrelated subquery PostgreSQL runs once per query.
    permission_id = Permission.objects.filter(
        codename=permission_codename(model, action),
        content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name,
    ).values("pk")[:1]
    grant = grant_model(model).objects.filter(
        content_object=OuterRef("pk"),
        group_id=user.agency.group_id,
        permission_id=Subquery(permission_id),
    )
    return queryset.filter(Exists(grant))


def get_for_user(
    queryset: models.QuerySet[M], user: StaffUser, pk: object, action: Action = "view"
) -> M:
    """The record, or Http404 whether it is missing or forbidden (they must look the same)."""
    try:
        return scoped(queryset, user, action).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        # ValidationError / ValueError: a malformed UUID is just another unknown record.
        raise Http404 from exc


def agency_actions(record: models.Model, agency_id: int) -> set[str]:
    """Which actions an agency holds on a record (for showing sharing on a page)."""
    codenames = (
        grant_model(record)
        .objects.filter(content_object=record, group__agency__id=agency_id)
        .values_list("permission__codename", flat=True)
    )
    return {c.split("_", 1)[0] for c in codenames}


def missing_grant_rows(
    record: models.Model, group_id: int, actions: Iterable[Action]
) -> list[models.Model]:
    """Unsaved guardian rows for the `actions` a group does not yet hold on `record`.

    Services save them (with history); rows are written directly rather than
    through guardian's assign_perm so each grant records who made it and why.
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    model = type(record)
    perm_model = grant_model(record)
    held = perm_model.objects.filter(content_object=record, group_id=group_id).values(
        "permission_id"
    )
    permissions = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        codename__in=[permission_codename(model, a) for a in actions],
    ).exclude(pk__in=held)
    return [perm_model(content_object=record, group_id=group_id, permission=p) for p in permissions]
