"""The POST itself: 2xx delivers, anything else fails, and a redirect is never followed."""

from __future__ import annotations

from partners.delivery import post
from tests.partners.receiver import receiver


def test_a_2xx_answer_delivers_and_others_fail() -> None:
    with receiver(status=202) as ok, receiver(status=500) as broken:
        assert post(ok.url, b"{}", {}, 5).ok
        answer = post(broken.url, b"{}", {}, 5)
    assert not answer.ok
    assert answer.status_code == 500


def test_a_redirect_is_a_failed_attempt_and_is_not_followed() -> None:
    with receiver() as elsewhere, receiver(status=302, location="") as redirecting:
        redirecting.location = elsewhere.url
        answer = post(redirecting.url, b"{}", {}, 5)
    assert (answer.ok, answer.status_code) == (False, 302)
    assert len(redirecting.wire) == 1
    assert elsewhere.wire == []


def test_an_address_that_does_not_answer_is_a_failed_attempt() -> None:
    with receiver() as gone:
        url = gone.url
    answer = post(url, b"{}", {}, 2)
    assert answer.status_code is None
    assert "refused" in answer.error.lower()
    assert post("file:///etc/passwd", b"", {}, 2).error.startswith("Only http")
