"""Photographs: uploaded through the gate, checked for type and size, re-encoded with a thumbnail."""

from __future__ import annotations

import io
import shutil
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from register.models import AccessLog, Nominal, Photograph
from tests import factories
from tests.base import RegisterTestCase

MEDIA = tempfile.mkdtemp(prefix="register-media-")


def image_file(
    fmt: str = "PNG", size: tuple[int, int] = (800, 600), name: str = "photo.png"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 80, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@override_settings(MEDIA_ROOT=MEDIA)
class PhotographTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Pictured")

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(MEDIA, ignore_errors=True)
        super().tearDownClass()

    def upload(self, file: SimpleUploadedFile, reason: str = "Custody photograph") -> Any:
        return self.client.post(
            reverse("photograph-upload", args=[self.nominal.pk]),
            {"image": file, "taken_on": "2026-10-01", "description": "Custody", "reason": reason},
        )

    def test_upload_makes_a_thumbnail_and_keeps_history(self) -> None:
        self.as_user(self.officer_a)
        response = self.upload(image_file())
        self.assertRedirects(response, reverse("nominal-detail", args=[self.nominal.pk]))
        photo = Photograph.objects.get()
        with Image.open(photo.thumbnail.path) as thumb:
            self.assertLessEqual(max(thumb.size), 240)
            self.assertEqual(thumb.format, "JPEG")
        self.assertEqual(photo.history.get().history_user, self.officer_a)
        thumbnail = self.client.get(
            reverse("photograph-file", args=[self.nominal.pk, photo.pk, "thumbnail"])
        )
        self.assertEqual(thumbnail["Content-Type"], "image/jpeg")
        self.client.get(reverse("photograph-file", args=[self.nominal.pk, photo.pk, "full"]))
        self.assertTrue(AccessLog.objects.filter(purpose="Photograph viewed").exists())

    def test_wrong_type_and_size_are_refused_next_to_the_field(self) -> None:
        self.as_user(self.officer_a)
        text = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
        self.assertContains(
            self.upload(text), "The photograph must be a JPEG or PNG image", count=2
        )
        gif = image_file("GIF", name="photo.gif")
        self.assertContains(self.upload(gif), "The photograph must be a JPEG or PNG image", count=2)
        big = SimpleUploadedFile("big.png", b"0" * (10 * 1024 * 1024 + 1), content_type="image/png")
        self.assertContains(self.upload(big), "The photograph must be smaller than 10 MB", count=2)
        self.assertContains(
            self.upload(image_file(), reason=""), "Enter the reason for this change"
        )
        self.assertFalse(Photograph.objects.exists())

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        self.as_user(self.officer_a)
        self.upload(image_file())
        photo = Photograph.objects.get()
        urls = [
            reverse("photograph-upload", args=[self.nominal.pk]),
            reverse("photograph-file", args=[self.nominal.pk, photo.pk, "full"]),
            reverse("photograph-file", args=[self.nominal.pk, photo.pk, "thumbnail"]),
            reverse("photograph-remove", args=[self.nominal.pk, photo.pk]),
        ]
        for persona in (self.officer_b, self.vlo_a, self.admin_b, self.auditor):
            self.as_user(persona)
            for url in urls:
                with self.subTest(persona=persona.username, url=url):
                    self.assert_not_found(self.client.get(url))
            self.assert_not_found(self.client.post(urls[3], {"reason": "Not mine"}))
            self.assert_not_found(self.upload(image_file()))
        self.assertEqual(Photograph.objects.count(), 1)

    def test_removal_needs_confirmation_and_a_reason(self) -> None:
        self.as_user(self.officer_a)
        self.upload(image_file())
        photo = Photograph.objects.get()
        url = reverse("photograph-remove", args=[self.nominal.pk, photo.pk])
        self.assertContains(
            self.client.get(url), "Are you sure you want to remove this photograph?"
        )
        self.assertContains(
            self.client.post(url, {"reason": ""}), "Enter the reason for this change"
        )
        self.assertTrue(Photograph.objects.exists())
        self.client.post(url, {"reason": "Wrong person"})
        self.assertFalse(Photograph.objects.exists())
        self.assertEqual(photo.history.first().history_change_reason, "Wrong person")

    def test_profile_shows_thumbnails_with_a_fixed_number_of_queries(self) -> None:
        self.as_user(self.officer_a)
        self.upload(image_file())
        url = reverse("nominal-detail", args=[self.nominal.pk])
        with self.assertNumQueries(24):
            response = self.client.get(url)
        self.assertContains(response, 'alt="Photograph of PICTURED')
        for _ in range(3):
            self.upload(image_file())
        with self.assertNumQueries(24):
            self.client.get(url)
