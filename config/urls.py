from collections.abc import Callable

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http.response import HttpResponseBase
from django.urls import URLPattern, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from register import api as register_api
from register import views as register_views


def api_path(route: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    """The API authenticates itself (token or session) and answers 401, never a sign-in redirect."""
    return path(route, login_not_required(view), name=name)


api_v1 = [
    api_path("me/", register_api.MeApi.as_view(), "api-me"),
    api_path("nominals/", register_api.NominalListApi.as_view(), "api-nominal-list"),
    api_path(
        "nominals/<str:nominal_id>/", register_api.NominalDetailApi.as_view(), "api-nominal-detail"
    ),
    api_path("schema/", SpectacularAPIView.as_view(), "api-schema"),
    api_path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), "api-docs"),
]

urlpatterns = [
    path("", register_views.home, name="home"),
    path("sign-in/", register_views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", register_views.health, name="health"),
    path("accessibility/", register_views.accessibility, name="accessibility"),
    path("", include("register.urls")),
    path("api/v1/", include(api_v1)),
]
