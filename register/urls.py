from django.urls import path

from register import views
from register.views import api_clients, photographs, registration, transfers

urlpatterns = [
    path("nominals/", views.nominal_list, name="nominal-list"),
    path("nominals/new/", views.nominal_create, name="nominal-create"),
    path("nominals/search/", views.nominal_search_page, name="nominal-search"),
    path("nominals/<str:nominal_id>/", views.nominal_detail, name="nominal-detail"),
    path("nominals/<str:nominal_id>/edit/", views.nominal_edit, name="nominal-edit"),
    path("nominals/<str:nominal_id>/share/", views.nominal_share, name="nominal-share"),
    path("nominals/<str:nominal_id>/merge/", views.nominal_merge, name="nominal-merge"),
    path(
        "nominals/<str:nominal_id>/transfer/",
        transfers.transfer_request,
        name="transfer-request",
    ),
    path("nominals/<str:nominal_id>/eligibility/", views.eligibility, name="nominal-eligibility"),
    path(
        "nominals/<str:nominal_id>/misidentification/",
        registration.misidentification_flag,
        name="nominal-misidentification",
    ),
    path(
        "nominals/<str:nominal_id>/primary-aggressor-review/",
        registration.primary_aggressor_review,
        name="nominal-aggressor-review",
    ),
    path(
        "nominals/<str:nominal_id>/registration/new/",
        views.registration_decide,
        name="registration-decide",
    ),
    # Every kind of detail (services.DETAIL_KINDS): names, addresses, convictions, orders...
    path(
        "nominals/<str:nominal_id>/photographs/new/",
        photographs.photograph_upload,
        name="photograph-upload",
    ),
    path(
        "nominals/<str:nominal_id>/photographs/<str:photograph_id>/remove/",
        photographs.photograph_delete,
        name="photograph-remove",
    ),
    path(
        "nominals/<str:nominal_id>/photographs/<str:photograph_id>/<str:size>/",
        photographs.photograph_file,
        name="photograph-file",
    ),
    path("nominals/<str:nominal_id>/<slug:kind>/new/", views.detail_add, name="detail-add"),
    path(
        "nominals/<str:nominal_id>/<slug:kind>/<str:detail_id>/edit/",
        views.detail_edit,
        name="detail-edit",
    ),
    path(
        "nominals/<str:nominal_id>/<slug:kind>/<str:detail_id>/remove/",
        views.detail_remove,
        name="detail-remove",
    ),
    path(
        "registrations/<str:registration_id>/notice/",
        views.registration_notice,
        name="registration-notice",
    ),
    path(
        "registrations/<str:registration_id>/end/", views.registration_end, name="registration-end"
    ),
    path(
        "registrations/<str:registration_id>/reviews/new/",
        views.registration_review_request,
        name="registration-review-request",
    ),
    path(
        "registrations/<str:registration_id>/reviews/<str:review_id>/decide/",
        views.registration_review_decide,
        name="registration-review-decide",
    ),
    path("transfers/", transfers.transfer_list, name="transfer-list"),
    path("transfers/<str:transfer_id>/", transfers.transfer_detail, name="transfer-detail"),
    path("transfers/<str:transfer_id>/accept/", transfers.transfer_accept, name="transfer-accept"),
    path("transfers/<str:transfer_id>/reject/", transfers.transfer_reject, name="transfer-reject"),
    path(
        "transfers/<str:transfer_id>/withdraw/",
        transfers.transfer_withdraw,
        name="transfer-withdraw",
    ),
    path("priority/", views.priority_list, name="priority-list"),
    path("staff/", views.staff_list, name="staff-list"),
    path("staff/new/", views.staff_create, name="staff-create"),
    path("staff/<int:staff_id>/", views.staff_edit, name="staff-edit"),
    path("staff/<int:staff_id>/active/", views.staff_set_active, name="staff-set-active"),
    path("audit/", views.audit_log, name="audit-log"),
    path("api-clients/", api_clients.api_client_list, name="api-client-list"),
    path("api-clients/new/", api_clients.api_client_create, name="api-client-create"),
    path("api-clients/<int:client_id>/", api_clients.api_client_detail, name="api-client-detail"),
    path(
        "api-clients/<int:client_id>/rotate/",
        api_clients.api_client_rotate,
        name="api-client-rotate",
    ),
    path(
        "api-clients/<int:client_id>/revoke/",
        api_clients.api_client_revoke,
        name="api-client-revoke",
    ),
]
