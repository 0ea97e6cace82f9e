"""Photographs of a nominal: uploaded, checked (type and size) and given a thumbnail."""

from __future__ import annotations

import datetime as dt
import io

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
# Larger than any custody or station camera; refuses decompression bombs early.
MAX_PIXELS = 40_000_000


def _read_image(upload: UploadedFile) -> Image.Image:
    if upload.size is None or upload.size > MAX_BYTES:
        raise DomainError("The photograph must be smaller than 10 MB", field="image")
    try:
        image = Image.open(upload)
        image.verify()  # checks the file is a whole image, not just its header
        upload.seek(0)
        image = Image.open(upload)
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise DomainError("The photograph must be a JPEG or PNG image", field="image") from exc
    if image.format not in ALLOWED_FORMATS:
        raise DomainError("The photograph must be a JPEG or PNG image", field="image")
    if image.width * image.height > MAX_PIXELS:
        raise DomainError("The photograph is too large: resize it and try again", field="image")
    return image


def _jpeg(image: Image.Image, size: tuple[int, int] | None = None) -> ContentFile[bytes]:
    """Re-encoded as JPEG: strips metadata (camera, location) and anything hidden in the file."""
    copy = image.convert("RGB")
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
