"""/api/v1/webhooks/ routes."""

from __future__ import annotations

from partners import api
from register.api_urls import api_path

urlpatterns = [
    api_path("webhooks/asyncapi.yaml", api.EventCatalogueApi.as_view(), "api-webhook-catalogue"),
    api_path(
        "webhooks/subscriptions/",
        api.SubscriptionListApi.as_view(),
        "api-webhook-subscription-list",
    ),
    api_path(
        "webhooks/subscriptions/<str:subscription_id>/",
        api.SubscriptionDetailApi.as_view(),
        "api-webhook-subscription-detail",
    ),
    api_path(
        "webhooks/subscriptions/<str:subscription_id>/rotate-secret/",
        api.SubscriptionRotateApi.as_view(),
        "api-webhook-subscription-rotate",
    ),
    api_path(
        "webhooks/subscriptions/<str:subscription_id>/deliveries/",
        api.DeliveryListApi.as_view(),
        "api-webhook-delivery-list",
    ),
    api_path(
        "webhooks/subscriptions/<str:subscription_id>/deliveries/<str:delivery_id>/replay/",
        api.DeliveryReplayApi.as_view(),
        "api-webhook-delivery-replay",
    ),
]
