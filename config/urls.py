from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import health
from core import security_headers
from core.schema_views import SchemaView, SwaggerView
from mappa.api_urls import urlpatterns as mappa_api
from notifications.api_urls import urlpatterns as notifications_api
from partners.api_urls import urlpatterns as partners_api
from register import views as register_views
from register.api_urls import api_path
from register.api_urls import urlpatterns as register_api
from victims.api_urls import urlpatterns as victims_api

api_v1 = [
    *register_api,
    *notifications_api,
    *mappa_api,
    *victims_api,
    *partners_api,
    api_path("schema/", SchemaView.as_view(), "api-schema"),
    api_path("docs/", SwaggerView.as_view(url_name="api-schema"), "api-docs"),
]

urlpatterns = [
    path("", register_views.home, name="home"),
    path("sign-in/", register_views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health.ready, name="health"),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("accessibility/", register_views.accessibility, name="accessibility"),
    path("csp-report/", security_headers.csp_report, name="csp-report"),
    path("account/", include("accounts.urls")),
    # Before register.urls: its nominals/<id>/<kind>/new/ would catch notifications' .../new/.
    path("", include("notifications.urls")),
    path("", include("mappa.urls")),
    path("", include("victims.urls")),
    path("", include("partners.urls")),
    path("", include("imports.urls")),
    path("", include("register.urls")),
    path("reference/", include("register.reference_urls")),
    path("api/v1/", include(api_v1)),
    path("mfa/", include("mfa.urls")),
]

# Outages answer 503 and the API answers JSON even for errors raised outside views.
handler404 = "core.middleware.page_not_found"
handler500 = "core.middleware.server_error"
