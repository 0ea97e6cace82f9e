"""Staff pages of notifications: the task inbox, the team view, a nominal's requirements.

Included in config/urls.py before register.urls: the register's
`nominals/<id>/<kind>/new/` pattern would otherwise catch
`nominals/<id>/notifications/new/` and `nominals/<id>/breaches/new/` and answer 404.
"""

from django.urls import path

from notifications import views

urlpatterns = [
    path("tasks/", views.task_inbox, name="task-inbox"),
    path("tasks/team/", views.team_view, name="task-team"),
    path("tasks/<str:task_id>/done/", views.task_done, name="task-done"),
    path(
        "nominals/<str:nominal_id>/notifications/",
        views.nominal_notifications,
        name="nominal-notifications",
    ),
    path(
        "nominals/<str:nominal_id>/notifications/new/",
        views.notification_create,
        name="notification-create",
    ),
    path(
        "nominals/<str:nominal_id>/notifications/<str:notification_id>/verify/",
        views.notification_verify,
        name="notification-verify",
    ),
    path(
        "nominals/<str:nominal_id>/requirements/start/",
        views.requirements_start,
        name="requirements-start",
    ),
    path(
        "nominals/<str:nominal_id>/requirements/tailor/",
        views.requirement_tailor,
        name="requirement-tailor",
    ),
    path(
        "nominals/<str:nominal_id>/notification-pauses/new/",
        views.pause_create,
        name="pause-create",
    ),
    path(
        "nominals/<str:nominal_id>/indefinite-review/",
        views.indefinite_review,
        name="indefinite-review",
    ),
    path("nominals/<str:nominal_id>/breaches/new/", views.breach_create, name="breach-create"),
    path(
        "nominals/<str:nominal_id>/breaches/<str:breach_id>/escalate/",
        views.breach_escalate,
        name="breach-escalate",
    ),
    path(
        "nominals/<str:nominal_id>/breaches/<str:breach_id>/close/",
        views.breach_close,
        name="breach-close",
    ),
    path(
        "nominals/<str:nominal_id>/due-items/<str:item_id>/waive/",
        views.due_item_waive,
        name="due-item-waive",
    ),
]
