"""Step-up re-authentication for serious actions."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from mfa import session

REPLAY_PARAM = "mfa_replay"


def require_recent_authentication(
    minutes: float | None = None,
    *,
    when: Callable[..., bool] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The view needs a second factor given within `minutes` (MFA_STEP_UP_MINUTES by default).

    `when(request, **view_kwargs)`, if given, says which of the view's pages need it (one
    view may serve a routine step and a serious one).

    Without one the user is sent to confirm it is them and then back. A form they had posted
    is kept in the session and submitted for them on their return (only by the redirect
    that carries its one-time token), so what they entered is not lost.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            needed = when is None or when(request, *args, **kwargs)
            if not needed or session.recently_verified(request, minutes):
                token = request.GET.get(REPLAY_PARAM, "")
                if request.method == "GET" and token:
                    data = session.take_pending_post(request, token)
                    if data is not None:
                        request.method = "POST"
                        request.POST = data  # type: ignore[assignment]
                return view(request, *args, **kwargs)
            back = request.path
            if request.method == "POST":
                back = f"{back}?{urlencode({REPLAY_PARAM: session.keep_pending_post(request)})}"
            elif request.GET:
                back = request.get_full_path()
            return redirect(f"{reverse('mfa-step-up')}?{urlencode({'next': back})}")

        return wrapped

    return decorator
