"""Request types for code that runs only for a signed-in member of staff.

Django's LoginRequiredMiddleware (pages) and DRF's IsAuthenticated (API)
guarantee `request.user` is a StaffUser by the time a view runs.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from register.models import StaffUser


class StaffRequest(HttpRequest):
    user: StaffUser  # type: ignore[assignment]


class StaffApiRequest(Request):
    user: StaffUser  # type: ignore[assignment]
