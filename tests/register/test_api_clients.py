"""Partner systems' credentials: scopes on every endpoint, expiring and rotating keys, last
used, revoking, throttling, the management commands and the administrators' page."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import uuid
from typing import Any

from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from register import services
from register.models import ApiClient, ApiClientKey, ApiScope, Role, StaffUser
from register.permissions import required_scope
from tests import factories
from tests.base import PersonasMixin, RegisterTestCase

# Every role a partner system's operations could need, so only the scope is in question.
ROLES = [
    Role.OFFENDER_MANAGER,
    Role.PROBATION_PRACTITIONER,
    Role.VICTIM_LIAISON_OFFICER,
    Role.MAPPA_COORDINATOR,
    Role.SUPERVISOR,
]


def api(token: str) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def api_operations() -> list[tuple[str, str, Any]]:
    """(path, method, view class) for every operation of every /api/ route, parameters filled
    with ids that exist nowhere: the scope is refused before any record is looked up."""
    found: list[tuple[str, str, Any]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
                continue
            assert isinstance(entry, URLPattern)
            full = "/" + prefix + route
            view_class = getattr(entry.callback, "cls", None)
            if not full.startswith("/api/") or view_class is None:
                continue
            path = re.sub(
                r"<(?:(\w+):)?\w+>",
                lambda m: "1" if m.group(1) == "int" else str(uuid.uuid4()),
                full,
            )
            for method in ("get", "post", "put", "patch", "delete"):
                if hasattr(view_class, method):
                    found.append((path, method, view_class))

    walk(get_resolver().url_patterns, "")
    return found


def clear_throttle() -> None:
    from django.conf import settings

    caches[settings.API_CLIENT_THROTTLE_CACHE].clear()


class ScopeTests(RegisterTestCase):
    def setUp(self) -> None:
        clear_throttle()

    def test_every_api_operation_is_refused_without_its_scope(self) -> None:
        """Iterates the URLconf: an endpoint added later is covered without changing this."""
        _, no_scopes = factories.api_client(self.agency_a, *ROLES, scopes=[])
        operations = api_operations()
        self.assertGreater(len(operations), 40)
        refused = 0
        for path, method, view_class in operations:
            scope = required_scope(view_class(), method.upper())
            label = f"{method.upper()} {path} needs {scope}"
            response = getattr(api(no_scopes), method)(path, {}, format="json")
            if scope is None:
                self.assertNotEqual(response.status_code, 403, label)
                continue
            self.assertEqual(response.status_code, 403, label)
            self.assertIn(scope, response.json()["detail"], label)
            refused += 1
        self.assertGreater(refused, 40)

    def test_the_scope_an_operation_needs_is_enough_for_it(self) -> None:
        """Each operation, called with exactly the scope it needs, is not refused for scope."""
        clients: dict[str, str] = {}
        for path, method, view_class in api_operations():
            scope = required_scope(view_class(), method.upper())
            if scope is None:
                continue
            if scope not in clients:
                clients[scope] = factories.api_client(
                    self.agency_a, *ROLES, scopes=[scope], name=scope
                )[1]
            response = getattr(api(clients[scope]), method)(path, {}, format="json")
            body = (
                response.json()
                if response.get("Content-Type", "").startswith("application/json")
                else {}
            )
            self.assertFalse(
                response.status_code == 403 and "scope" in str(body),
                f"{method.upper()} {path} refused with {scope}: {body}",
            )

    def test_read_scope_reads_and_write_needs_write(self) -> None:
        _, token = factories.api_client(self.agency_a, scopes=[ApiScope.REGISTER_READ])
        self.assertEqual(api(token).get(reverse("api-nominal-list")).status_code, 200)
        response = api(token).post(
            reverse("api-nominal-list"), {"family_name": "Scoped"}, format="json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(
            response.json()["detail"],
            "This API client does not have the register:write scope, which POST on this "
            "endpoint needs. An administrator of your agency can add it.",
        )
        # Another app's area is its own scope.
        self.assertEqual(api(token).get(reverse("api-task-list")).status_code, 403)

    def test_who_am_i_needs_no_scope(self) -> None:
        _, token = factories.api_client(self.agency_a, scopes=[])
        self.assertEqual(api(token).get(reverse("api-me")).status_code, 200)

    def test_staff_signed_in_to_the_pages_are_not_limited_by_scopes(self) -> None:
        self.as_user(self.officer_a)
        self.assertEqual(self.client.get(reverse("api-nominal-list")).status_code, 200)

    def test_a_view_of_an_unknown_app_is_closed_to_clients(self) -> None:
        class Elsewhere:
            pass

        Elsewhere.__module__ = "somewhere_new.api"
        with self.assertRaisesMessage(Exception, "not open to partner systems"):
            required_scope(Elsewhere(), "GET")


class KeyTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def setUp(self) -> None:
        clear_throttle()
        self.client_obj, self.token = factories.api_client(self.agency_a)
        self.key = self.client_obj.keys.get()

    def me(self, token: str | None = None) -> Any:
        return api(token or self.token).get(reverse("api-me"))

    def test_a_new_key_expires_after_the_setting(self) -> None:
        expected = timezone.now() + dt.timedelta(days=90)
        self.assertLess(abs((self.key.expires_at - expected).total_seconds()), 60)
        with override_settings(API_CLIENT_KEY_DAYS=7):
            client, _ = factories.api_client(self.agency_a, name="Short")
        week = timezone.now() + dt.timedelta(days=7)
        self.assertLess(abs((client.keys.get().expires_at - week).total_seconds()), 60)

    def test_expired_revoked_and_unknown_keys_get_the_same_401(self) -> None:
        unknown = self.me("0000000000000000.nothing").json()
        self.assertEqual(self.me().status_code, 200)
        ApiClientKey.objects.filter(pk=self.key.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        expired = self.me()
        self.assertEqual(expired.status_code, 401)
        self.assertEqual(expired.json(), unknown)
        ApiClientKey.objects.filter(pk=self.key.pk).update(
            expires_at=timezone.now() + dt.timedelta(days=1), revoked_at=timezone.now()
        )
        revoked = self.me()
        self.assertEqual(revoked.status_code, 401)
        self.assertEqual(revoked.json(), unknown)

    def test_last_used_is_written_at_most_once_a_minute(self) -> None:
        def updates() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.me().status_code, 200)
            return sum(
                1
                for q in queries.captured_queries
                if q["sql"].startswith("UPDATE") and "apiclientkey" in q["sql"]
            )

        self.assertEqual(updates(), 1)
        self.key.refresh_from_db()
        first = self.key.last_used_at
        self.assertIsNotNone(first)
        self.assertEqual(updates(), 0)  # same minute: no write
        self.key.refresh_from_db()
        self.assertEqual(self.key.last_used_at, first)
        ApiClientKey.objects.filter(pk=self.key.pk).update(
            last_used_at=timezone.now() - dt.timedelta(minutes=2)
        )
        self.assertEqual(updates(), 1)

    def test_rotation_overlaps_then_the_old_key_stops(self) -> None:
        _, new_token = services.api_client_rotate(
            actor=self.admin_a, client=self.client_obj, reason="Yearly rotation"
        )
        self.assertEqual(self.me(new_token).status_code, 200)
        self.assertEqual(self.me().status_code, 200)  # the old one, within the overlap
        self.key.refresh_from_db()
        overlap_end = timezone.now() + dt.timedelta(hours=24)
        self.assertLess(abs((self.key.expires_at - overlap_end).total_seconds()), 60)
        self.assertEqual(
            self.key.history.latest().history_change_reason, "Rotated: Yearly rotation"
        )
        ApiClientKey.objects.filter(pk=self.key.pk).update(expires_at=timezone.now())
        self.assertEqual(self.me().status_code, 401)
        self.assertEqual(self.me(new_token).status_code, 200)

    def test_rotation_without_overlap_stops_the_old_key_at_once(self) -> None:
        _, new_token = services.api_client_rotate(
            actor=None, client=self.client_obj, reason="Key leaked", overlap_hours=0
        )
        self.assertEqual(self.me().status_code, 401)
        self.assertEqual(self.me(new_token).status_code, 200)

    def test_revoke_stops_every_key(self) -> None:
        _, second = services.api_client_rotate(actor=None, client=self.client_obj, reason="r")
        services.api_client_revoke(
            actor=self.admin_a, client=self.client_obj, reason="Contract ended"
        )
        self.assertEqual(self.me().status_code, 401)
        self.assertEqual(self.me(second).status_code, 401)
        self.client_obj.refresh_from_db()
        self.assertFalse(self.client_obj.is_active)
        latest = self.client_obj.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason), (self.admin_a, "Contract ended")
        )

    def test_an_administrator_of_another_agency_cannot_change_a_client(self) -> None:
        from register.errors import DomainError

        for change in (
            lambda: services.api_client_revoke(
                actor=self.admin_b, client=self.client_obj, reason="x"
            ),
            lambda: services.api_client_rotate(
                actor=self.admin_b, client=self.client_obj, reason="x"
            ),
            lambda: services.api_client_update(
                actor=self.admin_b, client=self.client_obj, scopes=[], reason="x"
            ),
        ):
            with self.assertRaises(DomainError):
                change()
        self.assertEqual(self.me().status_code, 200)

    def test_bad_scopes_and_rates_are_refused(self) -> None:
        from register.errors import DomainError

        with self.assertRaisesMessage(DomainError, "Unknown scope: everything"):
            services.api_client_update(
                actor=None, client=self.client_obj, scopes=["everything"], reason="x"
            )
        with self.assertRaisesMessage(DomainError, "Enter a rate like 600/min"):
            services.api_client_update(
                actor=None, client=self.client_obj, scopes=[], rate="lots", reason="x"
            )
        self.client_obj.refresh_from_db()
        self.assertEqual(self.client_obj.scopes, ApiScope.values)


@override_settings(API_CLIENT_RATE="3/min")
class ThrottleTests(RegisterTestCase):
    def setUp(self) -> None:
        clear_throttle()

    def test_past_its_rate_a_client_gets_429_with_retry_after(self) -> None:
        _, token = factories.api_client(self.agency_a)
        _, other = factories.api_client(self.agency_a, name="Other")
        statuses = [api(token).get(reverse("api-me")).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 200])
        refused = api(token).get(reverse("api-me"))
        self.assertEqual(refused.status_code, 429)
        self.assertGreater(int(refused["Retry-After"]), 0)
        self.assertLessEqual(int(refused["Retry-After"]), 60)
        # Counted per client: another system of the same agency is not slowed down.
        self.assertEqual(api(other).get(reverse("api-me")).status_code, 200)

    def test_a_clients_own_rate_overrides_the_setting(self) -> None:
        _, token = factories.api_client(self.agency_a, rate="5/min")
        statuses = [api(token).get(reverse("api-me")).status_code for _ in range(6)]
        self.assertEqual(statuses, [200] * 5 + [429])

    def test_staff_on_the_pages_session_are_not_throttled(self) -> None:
        self.as_user(self.officer_a)
        statuses = {self.client.get(reverse("api-me")).status_code for _ in range(5)}
        self.assertEqual(statuses, {200})


class CommandTests(RegisterTestCase):
    def call(self, *args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command(*args, stdout=out, stderr=err)
        return out.getvalue().strip(), err.getvalue()

    def test_create_with_scopes_and_days_then_list_rotate_and_revoke(self) -> None:
        token, said = self.call(
            "api_client_create", "--agency", "A", "--name", "Probation case system",
            "--scopes", "register:read,mappa:read", "--days", "30",
        )  # fmt: skip
        self.assertIn("shown once", said)
        client = ApiClient.objects.get()
        self.assertEqual(client.scopes, ["register:read", "mappa:read"])
        key = client.keys.get()
        self.assertLess(
            abs((key.expires_at - timezone.now() - dt.timedelta(days=30)).total_seconds()), 60
        )
        self.assertEqual(api(token).get(reverse("api-me")).status_code, 200)

        listing, _ = self.call("api_client_list")
        self.assertIn("Probation case system", listing)
        self.assertIn("register:read, mappa:read", listing)
        self.assertIn(key.key_id, listing)
        self.assertIn("last used 20", listing)
        self.assertNotIn(token.split(".", 1)[1], listing)
        self.assertNotIn(key.secret_hash, listing)

        new_token, _ = self.call(
            "api_client_rotate", key.key_id, "--reason", "Rotation", "--overlap-hours", "0"
        )
        self.assertEqual(api(token).get(reverse("api-me")).status_code, 401)
        self.assertEqual(api(new_token).get(reverse("api-me")).status_code, 200)

        self.call("api_client_revoke", str(client.pk), "--reason", "Contract ended")
        self.assertEqual(api(new_token).get(reverse("api-me")).status_code, 401)
        listing, _ = self.call("api_client_list")
        self.assertIn("revoked", listing)

    def test_unknown_scope_and_client_are_refused_clearly(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "Unknown scope: register:everything"):
            self.call(
                "api_client_create", "--agency", "A", "--name", "X",
                "--scopes", "register:everything",
            )  # fmt: skip
        self.assertFalse(ApiClient.objects.exists())
        with self.assertRaisesMessage(CommandError, "No API client '999999'"):
            self.call("api_client_revoke", "999999", "--reason", "x")


class PageTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def setUp(self) -> None:
        clear_throttle()
        self.partner, self.token = factories.api_client(self.agency_a, name="Case system")
        self.theirs, _ = factories.api_client(self.agency_b, name="Their system")

    def test_list_shows_own_agency_clients_in_fixed_queries(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("api-client-list")
        self.client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as one:
            response = self.client.get(url)
        self.assertContains(response, "Case system")
        self.assertNotContains(response, "Their system")
        for n in range(4):
            client, _ = factories.api_client(self.agency_a, name=f"System {n}")
            services.api_client_rotate(actor=None, client=client, reason="r")
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(url)
        self.assertContains(response, "System 3")

    def test_detail_shows_keys_and_history_in_fixed_queries(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("api-client-detail", args=[self.partner.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for n in range(3):
            services.api_client_rotate(actor=self.admin_a, client=self.partner, reason=f"r{n}")
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(url)
        self.assertContains(response, "History")

    def test_other_agency_and_other_roles_get_404(self) -> None:
        urls = [
            reverse("api-client-detail", args=[self.partner.pk]),
            reverse("api-client-rotate", args=[self.partner.pk]),
            reverse("api-client-revoke", args=[self.partner.pk]),
        ]
        self.as_user(self.admin_b)
        for url in urls:
            self.assert_not_found(self.client.get(url))
            self.assert_not_found(self.client.post(url, {"reason": "x", "scopes": []}))
        for user in (self.officer_a, self.auditor, self.supervisor_a):
            self.as_user(user)
            for url in [reverse("api-client-list"), reverse("api-client-create"), *urls]:
                self.assert_not_found(self.client.get(url))
            self.assert_not_found(
                self.client.post(
                    reverse("api-client-revoke", args=[self.partner.pk]), {"reason": "x"}
                )
            )
        self.partner.refresh_from_db()
        self.assertTrue(self.partner.is_active)
        self.assertEqual(api(self.token).get(reverse("api-me")).status_code, 200)

    def test_create_shows_the_token_once_and_it_works(self) -> None:
        self.as_user(self.admin_a)
        response = self.client.post(
            reverse("api-client-create"),
            {
                "name": "Prison system",
                "roles": [Role.OFFENDER_MANAGER],
                "scopes": [ApiScope.REGISTER_READ],
                "days": "",
                "rate": "",
                "reason": "Data sharing agreement 2026/14",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        token = re.search(r'id="api-token" type="text" value="([^"]+)"', response.content.decode())
        assert token is not None
        client = ApiClient.objects.get(name="Prison system")
        self.assertEqual(client.scopes, [ApiScope.REGISTER_READ])
        self.assertEqual(client.history.latest().history_user, self.admin_a)
        self.assertEqual(api(token.group(1)).get(reverse("api-nominal-list")).status_code, 200)
        # Shown once: no later page carries it.
        for url in (reverse("api-client-list"), reverse("api-client-detail", args=[client.pk])):
            self.assertNotContains(self.client.get(url), token.group(1))

    def test_bad_input_is_shown_next_to_the_field_and_creates_nothing(self) -> None:
        self.as_user(self.admin_a)
        before = ApiClient.objects.count()
        response = self.client.post(
            reverse("api-client-create"),
            {
                "name": "",
                "roles": [],
                "scopes": ["nonsense"],
                "days": "0",
                "rate": "fast",
                "reason": "",
            },
        )
        self.assertEqual(response.status_code, 200)
        for message in (
            "There is a problem",
            "Enter the name of the partner system",
            "Select at least one role",
            "Enter a number of days from 1 to 366",
            "Enter the reason for this change",
        ):
            self.assertContains(response, message)
        self.assertEqual(ApiClient.objects.count(), before)
        response = self.client.post(
            reverse("api-client-create"),
            {"name": "X", "roles": [Role.OFFENDER_MANAGER], "rate": "fast", "reason": "r"},
        )
        self.assertContains(response, "Enter a rate like 600/min")
        self.assertEqual(ApiClient.objects.count(), before)

    def test_edit_scopes_with_a_reason(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("api-client-detail", args=[self.partner.pk])
        response = self.client.post(url, {"scopes": [ApiScope.MAPPA_READ], "reason": ""})
        self.assertContains(response, "Enter the reason for this change")
        self.partner.refresh_from_db()
        self.assertEqual(self.partner.scopes, ApiScope.values)
        response = self.client.post(
            url, {"scopes": [ApiScope.MAPPA_READ], "rate": "100/min", "reason": "Narrowed"}
        )
        self.assertRedirects(response, reverse("api-client-list"), fetch_redirect_response=False)
        self.partner.refresh_from_db()
        self.assertEqual(
            (self.partner.scopes, self.partner.rate), ([ApiScope.MAPPA_READ], "100/min")
        )
        self.assertEqual(api(self.token).get(reverse("api-nominal-list")).status_code, 403)
        self.assertContains(self.client.get(url), "Narrowed")

    def test_rotate_shows_a_new_token_and_the_old_overlaps(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("api-client-rotate", args=[self.partner.pk])
        self.assertContains(self.client.get(url), "24 hours")
        self.assertContains(self.client.post(url, {"reason": ""}), "Enter the reason")
        self.assertEqual(self.partner.keys.count(), 1)
        response = self.client.post(url, {"reason": "Scheduled rotation"})
        token = re.search(r'id="api-token" type="text" value="([^"]+)"', response.content.decode())
        assert token is not None
        self.assertEqual(api(token.group(1)).get(reverse("api-me")).status_code, 200)
        self.assertEqual(api(self.token).get(reverse("api-me")).status_code, 200)
        self.assertEqual(self.partner.keys.count(), 2)

    def test_revoke_needs_confirmation_and_a_reason(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("api-client-revoke", args=[self.partner.pk])
        self.assertContains(self.client.get(url), "cannot be undone")
        self.assertContains(self.client.post(url, {"reason": ""}), "Enter the reason")
        self.assertEqual(api(self.token).get(reverse("api-me")).status_code, 200)
        response = self.client.post(url, {"reason": "Contract ended"})
        self.assertRedirects(response, reverse("api-client-list"), fetch_redirect_response=False)
        self.assertEqual(api(self.token).get(reverse("api-me")).status_code, 401)
        self.assertContains(
            self.client.get(reverse("api-client-detail", args=[self.partner.pk])), "Contract ended"
        )


class ConcurrentRotationTests(PersonasMixin, TransactionTestCase):
    """Two administrators rotating one client at the same moment: the row lock makes them
    take turns, so exactly one key outlives the overlap (without it, both would read the
    same old key and leave two long-lived keys)."""

    def test_concurrent_rotations_leave_one_long_lived_key(self) -> None:
        self.make_personas()
        admin_a = factories.staff(self.agency_a, Role.ADMINISTRATOR, username="admin.a")
        second = factories.staff(self.agency_a, Role.ADMINISTRATOR, username="admin.a2")
        partner, _ = factories.api_client(self.agency_a)
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def rotate(actor: Any) -> None:
            from django.db import connection as thread_connection

            try:
                start.wait(timeout=30)
                services.api_client_rotate(actor=actor, client=partner, reason="Rotation")
            except BaseException as error:
                errors.append(error)
            finally:
                thread_connection.close()

        threads = [threading.Thread(target=rotate, args=(a,)) for a in (admin_a, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertEqual(errors, [])
        keys = list(ApiClientKey.objects.filter(client=partner))
        self.assertEqual(len(keys), 3)
        beyond_overlap = timezone.now() + dt.timedelta(hours=25)
        self.assertEqual(len([k for k in keys if k.expires_at > beyond_overlap]), 1)
