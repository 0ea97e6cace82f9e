"""Photographs of a nominal: uploaded, checked (type and size) and given a thumbnail."""

from __future__ import annotations

import datetime as dt
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from register.audit import save_with_history, stamp
from register.errors import DomainError
from register.models import Nominal, Photograph, StaffUser
from register.services.common import require_reason

MAX_BYTES = 10 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG"}
THUMBNAIL_SIZE = (240, 240)

NOT_AN_IMAGE = "The photograph must be a JPEG or PNG image"
DAMAGED = "The photograph file is damaged or incomplete: export it again and upload it"
TOO_LARGE = "The photograph is too large: resize it and try again"


def _read_image(upload: UploadedFile) -> Image.Image:
    """The whole image decoded, or a DomainError on "image": never an exception from Pillow.

    The pixel count is checked from the header before any pixel is decoded, so a
    decompression bomb (a small file declaring a huge image) costs nothing; the limit is the
    PHOTOGRAPH_MAX_PIXELS setting. A truncated file fails when it is fully decoded here, not
    later while the copies are made.
    """
    if upload.size is None or upload.size > MAX_BYTES:
        raise DomainError("The photograph must be smaller than 10 MB", field="image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                image = Image.open(upload)
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
                raise DomainError(NOT_AN_IMAGE, field="image") from exc
            if image.format not in ALLOWED_FORMATS:
                raise DomainError(NOT_AN_IMAGE, field="image")
            if image.width * image.height > settings.PHOTOGRAPH_MAX_PIXELS:
                raise DomainError(TOO_LARGE, field="image")
            try:
                image.verify()  # checks the file's structure (PNG chunk checksums)
                upload.seek(0)
                image = Image.open(upload)
                image.load()
                return image.convert("RGB")
            except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
                raise DomainError(DAMAGED, field="image") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(TOO_LARGE, field="image") from exc


def _jpeg(image: Image.Image, size: tuple[int, int] | None = None) -> ContentFile[bytes]:
    """Re-encoded as JPEG: strips metadata (camera, location) and anything hidden in the file."""
    copy = image.copy()
    if size:
        copy.thumbnail(size)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue())


@transaction.atomic
def photograph_add(
    *,
    actor: StaffUser,
    nominal: Nominal,
    upload: UploadedFile,
    taken_on: dt.date | None,
    description: str,
    reason: str,
) -> Photograph:
    reason = require_reason(reason)
    image = _read_image(upload)
    photo = Photograph(nominal=nominal, taken_on=taken_on, description=description.strip())
    photo.image.save("photo.jpg", _jpeg(image), save=False)
    photo.thumbnail.save("thumb.jpg", _jpeg(image, THUMBNAIL_SIZE), save=False)
    return save_with_history(photo, actor=actor, reason=reason)


@transaction.atomic
def photograph_remove(*, actor: StaffUser, photograph: Photograph, reason: str) -> None:
    stamp(photograph, actor=actor, reason=require_reason(reason))
    photograph.delete()
    # The files go only once the deletion is committed, so a rollback loses nothing.
    image, thumbnail = photograph.image, photograph.thumbnail
    transaction.on_commit(lambda: (image.delete(save=False), thumbnail.delete(save=False)))
