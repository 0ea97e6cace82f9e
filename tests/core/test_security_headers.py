"""Every response of a view carries the CSP and Permissions-Policy; signed-in ones no-store.

The pages and endpoints are taken from the URLconf itself (every route without a
parameter, in every app), so a page added later is covered without touching this file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from core.security_headers import SecurityHeadersMiddleware
from register.models import Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase


def parameterless_paths() -> list[str]:
    """Every route of the URLconf that takes no parameter, with its include prefixes."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for entry in patterns:
            if entry.pattern.regex.groups or entry.pattern.converters:
                continue
            route = str(entry.pattern)
            if route.startswith("^"):
                continue  # a regex route (none take no parameter today)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                yield "/" + prefix + route

    return sorted(set(walk(get_resolver().url_patterns, "")))


def assert_protected(test: Any, response: Any, label: str) -> None:
    test.assertIn("no-store", response.get("Cache-Control", ""), label)
    test.assertEqual(response.get("Pragma"), "no-cache", label)
    csp = response.get("Content-Security-Policy", "")
    test.assertIn("default-src 'self'", csp, label)
    test.assertIn("script-src 'self'", csp, label)
    test.assertIn("object-src 'none'", csp, label)
    test.assertIn("frame-ancestors 'none'", csp, label)
    test.assertNotIn("unsafe-inline", csp, label)
    test.assertNotIn("unsafe-eval", csp, label)
    policy = response.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        test.assertIn(feature, policy, label)


class HeaderTests(RegisterTestCase):
    everyone: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.everyone = factories.staff(
            cls.agency_a,
            Role.OFFENDER_MANAGER,
            Role.VICTIM_LIAISON_OFFICER,
            Role.MAPPA_COORDINATOR,
            Role.SUPERVISOR,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
            username="every.role",
        )

    def setUp(self) -> None:
        # A page that fails for reasons of its own still answers through the middleware.
        self.client.raise_request_exception = False

    def test_the_urlconf_walk_finds_every_app(self) -> None:
        paths = parameterless_paths()
        for expected in ("/nominals/", "/tasks/", "/mappa/", "/victims/", "/api/v1/nominals/"):
            self.assertIn(expected, paths)
        self.assertGreater(len([p for p in paths if p.startswith("/api/")]), 5)

    def test_every_page_and_endpoint_for_a_signed_in_user(self) -> None:
        self.as_user(self.everyone)
        checked = 0
        for path in parameterless_paths():
            response = self.client.get(path)
            assert_protected(self, response, f"GET {path} -> {response.status_code}")
            checked += 1
        self.assertGreater(checked, 20)

    def test_api_endpoints_for_a_token(self) -> None:
        token = factories.api_token(
            self.agency_a,
            Role.OFFENDER_MANAGER,
            Role.VICTIM_LIAISON_OFFICER,
            Role.MAPPA_COORDINATOR,
        )
        api = APIClient(raise_request_exception=False)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        api_paths = [p for p in parameterless_paths() if p.startswith("/api/")]
        for path in api_paths:
            response = api.get(path)
            assert_protected(self, response, f"GET {path} (token) -> {response.status_code}")
        # At least the list endpoints really answered the token (not just refusals).
        self.assertEqual(api.get(reverse("api-nominal-list")).status_code, 200)

    def test_a_record_page_a_form_post_and_an_error(self) -> None:
        self.as_user(self.officer_a)
        nominal = factories.nominal(self.officer_a, family_name="Header")
        assert_protected(self, self.client.get(f"/nominals/{nominal.pk}/"), "profile")
        assert_protected(self, self.client.post("/nominals/new/", {}), "form with errors")
        assert_protected(self, self.client.get("/no-such-page/"), "404")

    def test_sign_in_page_and_anonymous_responses(self) -> None:
        response = self.client.get(reverse("login"))
        self.assertEqual(response.status_code, 200)
        assert_protected(self, response, "sign-in")
        assert_protected(self, APIClient().get(reverse("api-nominal-list")), "API 401")

    def test_a_views_own_caching_never_survives_for_a_signed_in_user(self) -> None:
        def view(request: Any) -> HttpResponse:
            response = HttpResponse("record")
            response["Cache-Control"] = "private, max-age=3600"
            return response

        middleware = SecurityHeadersMiddleware(view)
        request = RequestFactory().get("/")
        request.user = self.officer_a
        self.assertEqual(middleware(request)["Cache-Control"], "no-store")
        # Anonymous: a view that chose its caching keeps it (nothing public is a record).
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        self.assertEqual(middleware(request)["Cache-Control"], "private, max-age=3600")


class CspReportTests(RegisterTestCase):
    url = "/csp-report/"

    def post(self, body: bytes | str, content_type: str = "application/csp-report") -> Any:
        # Browsers send no CSRF token: the endpoint must not need one.
        client = self.client_class(enforce_csrf_checks=True)
        return client.post(self.url, data=body, content_type=content_type)

    def test_a_report_is_logged_and_answered_204(self) -> None:
        report = {
            "csp-report": {
                "document-uri": "https://register.example/nominals/",
                "violated-directive": "script-src-elem",
                "blocked-uri": "inline",
                "line-number": 12,
            }
        }
        with self.assertLogs("csp", logging.WARNING) as logs:
            response = self.post(json.dumps(report))
        self.assertEqual(response.status_code, 204)
        self.assertIn("script-src-elem", logs.output[0])
        self.assertIn("https://register.example/nominals/", logs.output[0])

    def test_reporting_api_format_is_understood(self) -> None:
        reports = [{"type": "csp-violation", "body": {"effectiveDirective": "style-src-attr"}}]
        with self.assertLogs("csp", logging.WARNING) as logs:
            response = self.post(json.dumps(reports), "application/reports+json")
        self.assertEqual(response.status_code, 204)
        self.assertIn("style-src-attr", logs.output[0])

    @override_settings(CSP_REPORT_MAX_BYTES=100)
    def test_an_oversized_body_is_not_read(self) -> None:
        body = json.dumps({"csp-report": {"blocked-uri": "x" * 500}})
        with self.assertLogs("csp", logging.WARNING) as logs:
            response = self.post(body)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(len(logs.output), 1)
        self.assertIn("over the 100-byte limit", logs.output[0])
        self.assertNotIn("xxxx", logs.output[0])

    def test_nonsense_is_answered_204_and_get_is_refused(self) -> None:
        with self.assertLogs("csp", logging.WARNING) as logs:
            self.assertEqual(self.post(b"not json").status_code, 204)
        self.assertIn("not JSON", logs.output[0])
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_each_value_is_cut_short(self) -> None:
        report = {"csp-report": {"blocked-uri": "y" * 1000}}
        with self.assertLogs("csp", logging.WARNING) as logs:
            self.post(json.dumps(report))
        self.assertIn("y" * 200, logs.output[0])
        self.assertNotIn("y" * 201, logs.output[0])
