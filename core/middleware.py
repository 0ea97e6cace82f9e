"""Outages answer 503 at once, and the API answers JSON whatever went wrong.

A database that is down or too slow (OperationalError, InterfaceError: refused,
connect_timeout, statement_timeout) or a broker that is down is not a fault in the
request: the client should come back later, so it gets 503 with Retry-After instead
of a 500 (or a hang). Under /api/ every error is JSON, so partners' clients never have
to parse an HTML page. The service-unavailable page renders without the database (no
request context: the context processors would read the session and the user).

The middleware catches what views raise; `server_error` (handler500) catches what
other middleware raises, e.g. the session lookup when the database is down.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

OUTAGES: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    BrokerOperationalError,
)
try:  # a Redis broker raises its own connection errors when kombu does not wrap them
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    OUTAGES = (*OUTAGES, RedisConnectionError, RedisTimeoutError)
except ImportError:  # pragma: no cover - redis is installed wherever the broker is Redis
    pass


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def service_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.error(
        "Service unavailable (%s) for %s %s: %s",
        type(exc).__name__,
        request.method,
        request.path,
        exc,
    )
    session = getattr(request, "session", None)
    if session is not None and not hasattr(session, "_session_cache"):
        # The session could not be read. Mark it read (and empty): otherwise the session
        # middleware tries the database again on the way out, and waits connect_timeout
        # again. Its key is kept, so the cookie is not deleted, and a 5xx never saves it.
        session._session_cache = {}
    retry_after = settings.SERVICE_UNAVAILABLE_RETRY_AFTER
    response: HttpResponse
    if is_api(request):
        response = JsonResponse(
            {
                "detail": (
                    f"The service is unavailable for a moment. Try again in {retry_after} seconds."
                )
            },
            status=503,
        )
    else:
        html = loader.get_template("503.html").render(
            {"service_name": settings.SERVICE_NAME, "retry_after": retry_after}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def api_server_error(request: HttpRequest, exc: BaseException | None) -> JsonResponse:
    logger.error("Server error on %s %s", request.method, request.path, exc_info=exc)
    return JsonResponse(
        {"detail": "Something went wrong on our side. It has been logged; try again later."},
        status=500,
    )


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OUTAGES):
            return service_unavailable(request, exception)
        if is_api(request) and not settings.DEBUG:
            return api_server_error(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the exception, so sys.exc_info has it."""
    exc = sys.exc_info()[1]
    if exc is not None and isinstance(exc, OUTAGES):
        return service_unavailable(request, exc)
    if is_api(request):
        return api_server_error(request, exc)
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an unknown address under /api/ answers JSON like every API error."""
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
