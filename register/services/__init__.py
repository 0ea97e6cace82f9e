"""Every write to the register: keyword-only, atomic, each recording who acted and why."""

from register.services.api_clients import (
    api_client_create,
    api_client_revoke,
    api_client_rotate,
    api_client_update,
    hash_secret,
)
from register.services.common import full_clean, require_reason
from register.services.details import (
    DETAIL_KINDS,
    detail_kind,
    nominal_detail_add,
    nominal_detail_remove,
    nominal_detail_update,
)
from register.services.merge import nominal_merge, possible_duplicates
from register.services.nominals import (
    NOMINAL_FIELDS,
    nominal_create,
    nominal_flag_misidentified,
    nominal_refresh_risk_level,
    nominal_share,
    nominal_update,
    primary_aggressor_review_record,
)
from register.services.registration import (
    registration_decide,
    registration_end,
    registration_review_decide,
    registration_review_request,
    registration_serve_notice,
)
from register.services.staff import (
    agency_create,
    staff_deactivate_dormant,
    staff_user_create,
    staff_user_set_active,
    staff_user_update,
)

__all__ = [
    "DETAIL_KINDS",
    "NOMINAL_FIELDS",
    "agency_create",
    "api_client_create",
    "api_client_revoke",
    "api_client_rotate",
    "api_client_update",
    "detail_kind",
    "full_clean",
    "hash_secret",
    "nominal_create",
    "nominal_detail_add",
    "nominal_detail_remove",
    "nominal_detail_update",
    "nominal_flag_misidentified",
    "nominal_merge",
    "nominal_refresh_risk_level",
    "nominal_share",
    "nominal_update",
    "possible_duplicates",
    "primary_aggressor_review_record",
    "registration_decide",
    "registration_end",
    "registration_review_decide",
    "registration_review_request",
    "registration_serve_notice",
    "require_reason",
    "staff_deactivate_dormant",
    "staff_user_create",
    "staff_user_set_active",
    "staff_user_update",
]
