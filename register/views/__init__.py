"""Staff pages. Thin: parse, call a selector or service, render.

One module per subject; `from register import views` finds every page here.
"""

from register.views.common import (
    PAGE_SIZE,
    _apply_domain_error,
    _page,
    _require_role,
    _require_roles_for,
)
from register.views.core import (
    SignInView,
    accessibility,
    audit_log,
    home,
    staff_create,
    staff_edit,
    staff_list,
    staff_set_active,
)
from register.views.details import detail_add, detail_edit, detail_remove
from register.views.nominals import (
    nominal_create,
    nominal_detail,
    nominal_edit,
    nominal_list,
    nominal_merge,
    nominal_search_page,
    nominal_share,
)
from register.views.priority import priority_list
from register.views.registration import (
    eligibility,
    registration_decide,
    registration_end,
    registration_notice,
    registration_review_decide,
    registration_review_request,
)

__all__ = [
    "PAGE_SIZE",
    "SignInView",
    "_apply_domain_error",
    "_page",
    "_require_role",
    "_require_roles_for",
    "accessibility",
    "audit_log",
    "detail_add",
    "detail_edit",
    "detail_remove",
    "eligibility",
    "home",
    "nominal_create",
    "nominal_detail",
    "nominal_edit",
    "nominal_list",
    "nominal_merge",
    "nominal_search_page",
    "nominal_share",
    "priority_list",
    "registration_decide",
    "registration_end",
    "registration_notice",
    "registration_review_decide",
    "registration_review_request",
    "staff_create",
    "staff_edit",
    "staff_list",
    "staff_set_active",
]
