"""Each partner system may make so many requests (settings.API_CLIENT_RATE, or its own rate).

Counted per client in a shared cache (Redis when configured), so every web process sees
the same count; past the rate the API answers 429 with Retry-After. Staff using the pages'
session are not throttled here: they are people, and sign-in has its own lockout (axes).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from register.models import ApiClient

logger = logging.getLogger(__name__)


class ApiClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def __init__(self) -> None:
        # The rate depends on the client, known only in allow_request.
        self.cache = caches[settings.API_CLIENT_THROTTLE_CACHE]

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        client = request.auth
        if not isinstance(client, ApiClient):
            return None
        return f"api-client:{client.pk}"

    def allow_request(self, request: Any, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            return True
        self.rate = client.rate or settings.API_CLIENT_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception as error:
            # A cache outage must not take the API down with it: the request goes through
            # uncounted, and the outage is logged (Redis is also the broker: /health/ready
            # reports it).
            logger.warning("API throttle cache unavailable, request not counted: %s", error)
            return True
