"""/api/v1/ routes of notifications (added to config/urls.py's api_v1 list)."""

from __future__ import annotations

from notifications import api
from register.api_urls import api_path

urlpatterns = [
    api_path(
        "nominals/<str:nominal_id>/requirement-set/",
        api.RequirementSetApi.as_view(),
        "api-requirement-set",
    ),
    api_path(
        "nominals/<str:nominal_id>/notifications/",
        api.NotificationListApi.as_view(),
        "api-notification-list",
    ),
    api_path(
        "nominals/<str:nominal_id>/notifications/<str:notification_id>/verify/",
        api.NotificationVerifyApi.as_view(),
        "api-notification-verify",
    ),
    api_path(
        "nominals/<str:nominal_id>/due-items/", api.DueItemListApi.as_view(), "api-due-item-list"
    ),
    api_path(
        "nominals/<str:nominal_id>/due-items/<str:item_id>/not-made/",
        api.AdvanceChangeNotMadeApi.as_view(),
        "api-advance-change-not-made",
    ),
    api_path(
        "nominals/<str:nominal_id>/notification-pauses/",
        api.NotificationPauseListApi.as_view(),
        "api-notification-pause-list",
    ),
    api_path(
        "nominals/<str:nominal_id>/notification-pauses/<str:pause_id>/remove/",
        api.NotificationPauseRemoveApi.as_view(),
        "api-notification-pause-remove",
    ),
    api_path(
        "nominals/<str:nominal_id>/indefinite-reviews/",
        api.IndefiniteReviewApi.as_view(),
        "api-indefinite-review",
    ),
    api_path("nominals/<str:nominal_id>/breaches/", api.BreachListApi.as_view(), "api-breach-list"),
    api_path("breaches/<str:breach_id>/", api.BreachItemApi.as_view(), "api-breach-detail"),
    api_path("tasks/", api.TaskListApi.as_view(), "api-task-list"),
    api_path("tasks/<str:task_id>/complete/", api.TaskCompleteApi.as_view(), "api-task-complete"),
]
