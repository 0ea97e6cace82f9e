from django.urls import path

from partners import views

urlpatterns = [
    path("partners/webhooks/", views.subscription_list, name="partners-subscription-list"),
    path(
        "partners/webhooks/<str:subscription_id>/",
        views.subscription_detail,
        name="partners-subscription-detail",
    ),
    path(
        "partners/webhooks/<str:subscription_id>/rotate/",
        views.secret_rotate,
        name="partners-secret-rotate",
    ),
    path(
        "partners/webhooks/<str:subscription_id>/deliveries/<str:delivery_id>/replay/",
        views.delivery_replay,
        name="partners-delivery-replay",
    ),
]
