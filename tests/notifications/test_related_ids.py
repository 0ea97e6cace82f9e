"""Another agency's record, named by id in a notifications body, answers exactly as an id
that exists nowhere (issue 12, "Strict input": "every related-record field answers the same
message for another agency's id as for a missing id"), so no body can probe the register."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils import timezone

from notifications.models import DueItem
from register.models import Conviction
from tests.notifications.factories import register
from tests.notifications.test_api import ApiTestCase


class RelatedIdsAnswerAlikeTests(ApiTestCase):
    def test_the_due_item_a_breach_names(self) -> None:
        theirs = register(self.officer_b, "Theirs")
        foreign = DueItem.objects.filter(nominal=theirs.nominal).first()
        assert foreign is not None
        url = reverse("api-breach-list", args=[self.nominal.pk])
        body = {
            "requirement": "bank_accounts",
            "found_on": timezone.localdate().isoformat(),
            "evidence": "Joint account found",
        }
        missing = self.api.post(url, {**body, "due_item": str(uuid.uuid4())}, format="json")
        other = self.api.post(url, {**body, "due_item": str(foreign.pk)}, format="json")
        self.assertEqual(missing.status_code, 400, missing.content)
        self.assertEqual(list(missing.json()), ["due_item"])
        self.assertEqual(other.content, missing.content)

    def test_the_conviction_a_closed_breach_names(self) -> None:
        theirs = register(self.officer_b, "Theirs")
        foreign = Conviction.objects.filter(nominal=theirs.nominal).first()
        assert foreign is not None
        url = reverse("api-breach-detail", args=[self.breach.pk])
        answers = []
        for conviction_id in (uuid.uuid4(), foreign.pk):
            etag = self.api.get(url)["ETag"]
            answers.append(
                self.api.patch(
                    url,
                    {
                        "action": "close",
                        "outcome": "conviction",
                        "outcome_on": timezone.localdate().isoformat(),
                        "conviction": str(conviction_id),
                        "reason": "Convicted",
                    },
                    format="json",
                    HTTP_IF_MATCH=etag,
                )
            )
        missing, other = answers
        self.assertEqual(missing.status_code, 400, missing.content)
        self.assertEqual(list(missing.json()), ["conviction"])
        self.assertEqual(other.content, missing.content)
