"""Input no field can hold is refused field by field, never with a 500 (issue 11, finding 5).

PostgreSQL cannot store a NUL byte in text; before core.input a NUL in a query filter or a
slug field reached it and answered 500 (DataError), JSON nested 100,000 deep answered 500
(RecursionError), and so did a decompression-bomb PNG and a truncated JPEG as photographs.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import tempfile
import uuid
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image
from rest_framework.test import APIClient

from core.input import CONTROL_MESSAGE, NOT_TEXT_MESSAGE
from register import models as m
from register.models import Photograph, Role
from register.services.photographs import DAMAGED, NOT_AN_IMAGE, TOO_LARGE
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase

MEDIA = tempfile.mkdtemp(prefix="register-media-")


def api(user: m.StaffUser) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class ApiInputTests(RegisterTestCase):
    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Input")

    def post_json(self, url: str, body: str) -> Any:
        # Bytes, so a lone surrogate escape can be sent as a hostile client would.
        data = body.encode("utf-8", "surrogatepass")
        return api(self.officer_a).generic(
            "POST",
            url,
            data,  # type: ignore[arg-type]  # the test client sends bytes as they are
            content_type="application/json",
        )

    def convictions(self) -> str:
        return reverse("api-convictions-list", args=[self.nominal.pk])

    def test_a_nul_in_a_query_filter_is_a_field_error(self) -> None:
        for url, name in (
            (reverse("api-nominal-list"), "risk_level"),
            (reverse("api-nominal-search"), "q"),
            (reverse("api-task-list"), "status"),
        ):
            with self.subTest(url=url):
                response = api(self.officer_a).get(url, {name: "high\x00"})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {name: [CONTROL_MESSAGE]})

    def test_other_control_characters_in_a_query_string_are_refused_too(self) -> None:
        response = api(self.officer_a).get(reverse("api-nominal-search"), {"q": "Smith\x1b"})
        self.assertEqual(response.json(), {"q": [CONTROL_MESSAGE]})
        # A control character in the parameter's name is reported for the whole request.
        response = api(self.officer_a).get(reverse("api-nominal-list") + "?risk%00level=high")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"non_field_errors": [CONTROL_MESSAGE]})

    def test_a_nul_in_a_path_is_not_found(self) -> None:
        response = api(self.officer_a).get(f"/api/v1/nominals/{self.nominal.pk}%00/names/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Not found."})

    def test_a_nul_in_a_slug_field_of_a_json_body_is_a_field_error_and_saves_nothing(self) -> None:
        payload = rf.api_payload("convictions")
        payload["offence"] = payload["offence"] + "\x00"
        response = self.post_json(self.convictions(), json.dumps({**payload, "reason": "Court"}))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"offence": [CONTROL_MESSAGE]})
        self.assertFalse(m.Conviction.objects.exists())

    def test_nested_fields_are_named_by_their_path(self) -> None:
        response = self.post_json(
            reverse("api-nominal-list"),
            json.dumps({"family_name": "Ok", "changes": [{"line_1": "1 Mill Lane\x07"}]}),
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"changes.0.line_1": [CONTROL_MESSAGE]})

    def test_a_lone_surrogate_is_not_text(self) -> None:
        response = self.post_json(
            reverse("api-nominal-list"), '{"family_name": "Sm\\ud800th", "reason": "x"}'
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"family_name": [NOT_TEXT_MESSAGE]})

    def test_tab_and_new_lines_are_free_text_and_accepted(self) -> None:
        payload = {**rf.api_payload("incidents"), "reason": "Police report"}
        payload["description"] = "Waited outside.\r\n\tFollowed her to work."
        response = self.post_json(
            reverse("api-incidents-list", args=[self.nominal.pk]), json.dumps(payload)
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["description"], payload["description"])

    def test_a_form_encoded_body_is_checked_the_same_way(self) -> None:
        response = api(self.officer_a).post(
            reverse("api-nominal-list"),
            "family_name=Sm%00ith&given_names=John&reason=x",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"family_name": [CONTROL_MESSAGE]})
        self.assertEqual(m.Nominal.objects.count(), 1)

    @override_settings(API_JSON_MAX_DEPTH=32)
    def test_json_deeper_than_the_limit_is_refused_with_400(self) -> None:
        for depth in (33, 1000, 100_000):
            with self.subTest(depth=depth):
                response = self.post_json(self.convictions(), "[" * depth + "]" * depth)
                self.assertEqual(response.status_code, 400)
                self.assertIn("nested more than 32 levels", response.json()["detail"])
        # At the limit the body is read, and refused only for what it says.
        response = self.post_json(
            self.convictions(), '{"notes": ' + "[" * 31 + "]" * 31 + ', "reason": "x"}'
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("detail", response.json())
        self.assertFalse(m.Conviction.objects.exists())


def _api_routes() -> list[tuple[str, str]]:
    """Every /api/v1/ route as (name, a concrete path with made-up ids)."""
    routes: list[tuple[str, str]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                path = "/" + route
                while "<" in path:
                    start, end = path.index("<"), path.index(">")
                    path = path[:start] + str(uuid.uuid4()) + path[end + 1 :]
                routes.append((pattern.name or route, path))

    walk(get_resolver().url_patterns, "")
    return routes


class OptionsTests(RegisterTestCase):
    def test_options_answers_200_on_every_endpoint(self) -> None:
        # A partner system's token, with every role a client can hold: some endpoints (the
        # webhook subscriptions) answer only a partner system, never a signed-in person.
        roles = [role for role in Role.values if role != Role.NATIONAL_AUDITOR]
        token = factories.api_token(self.agency_a, *roles)
        routes = _api_routes()
        self.assertGreater(len(routes), 60)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        for name, path in routes:
            with self.subTest(route=name):
                response = client.options(path)
                self.assertEqual(response.status_code, 200, response.content[:300])
                self.assertIn("name", response.json())


class PageInputTests(RegisterTestCase):
    def test_a_nul_in_a_page_query_string_gives_the_bad_request_page(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.get(reverse("nominal-search"), {"q": "Smith\x00"})
        self.assertContains(response, "There is a problem with what was sent", status_code=400)
        self.assertContains(response, CONTROL_MESSAGE, status_code=400)

    def test_a_nul_in_a_form_field_gives_the_bad_request_page_and_saves_nothing(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("nominal-create"),
            {"family_name": "Nul\x00", "given_names": "Byte", "reason": "New referral"},
        )
        self.assertContains(response, "family_name: " + CONTROL_MESSAGE, status_code=400)
        self.assertFalse(m.Nominal.objects.exists())

    def test_a_nul_in_a_page_address_is_not_found(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.get("/nominals/abc%00/")
        self.assertContains(response, "Page not found", status_code=404)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring width x height pixels in a few bytes: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def encoded(fmt: str, size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


@override_settings(MEDIA_ROOT=MEDIA)
class PhotographInputTests(RegisterTestCase):
    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Pictured")

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(MEDIA, ignore_errors=True)
        super().tearDownClass()

    def upload(self, content: bytes, name: str = "photo.png") -> Any:
        self.as_user(self.officer_a)
        return self.client.post(
            reverse("photograph-upload", args=[self.nominal.pk]),
            {
                "image": SimpleUploadedFile(name, content),
                "description": "Custody",
                "reason": "Custody photograph",
            },
        )

    def assert_refused(self, response: Any, message: str) -> None:
        # Beside the field and in the error summary.
        self.assertContains(response, message, count=2, status_code=200)
        self.assertFalse(Photograph.objects.exists())

    def test_a_decompression_bomb_is_refused_before_it_is_decoded(self) -> None:
        # 100,000 x 100,000 pixels: Pillow itself refuses to open it.
        self.assert_refused(self.upload(png_header_only(100_000, 100_000)), TOO_LARGE)
        # 10,000 x 10,000: past Pillow's warning size.
        self.assert_refused(self.upload(png_header_only(10_000, 10_000)), TOO_LARGE)
        # 7,000 x 7,000 (49 megapixels): past the register's own limit only.
        self.assert_refused(self.upload(png_header_only(7_000, 7_000)), TOO_LARGE)

    def test_the_pixel_limit_is_a_setting(self) -> None:
        with override_settings(PHOTOGRAPH_MAX_PIXELS=100_000):
            self.assert_refused(self.upload(encoded("PNG", (400, 300))), TOO_LARGE)
        response = self.upload(encoded("PNG", (400, 300)))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Photograph.objects.count(), 1)

    def test_a_truncated_jpeg_or_png_is_refused_as_damaged(self) -> None:
        jpeg, png = encoded("JPEG"), encoded("PNG")
        self.assert_refused(self.upload(jpeg[: len(jpeg) // 2], "photo.jpg"), DAMAGED)
        self.assert_refused(self.upload(png[: len(png) // 2]), DAMAGED)

    def test_a_file_that_is_not_an_image_is_refused(self) -> None:
        self.assert_refused(self.upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), NOT_AN_IMAGE)
