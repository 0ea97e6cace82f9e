"""/reference/rules/: every deadline, period and guide, each marked law or policy.

Issue 10: "Settings that are policy, not law (the 7-day travel notice, VCS 20 working days,
DVDS timings, meeting cadence, caseload guides), say so on the reference pages."
"""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.urls import reverse

from notifications.rules import travel_notice
from register.policy import figures
from tests.base import RegisterTestCase

DEPARTS = dt.datetime(2026, 6, 20, 9, 0, tzinfo=dt.UTC)


class RuleFiguresPageTests(RegisterTestCase):
    url = reverse("reference-rule-figures")

    def test_every_area_declares_law_and_policy(self) -> None:
        by_area: dict[str, set[str]] = {}
        for figure in figures():
            by_area.setdefault(figure.area, set()).add(figure.basis)
        self.assertEqual(by_area["Notification requirements"], {"law", "policy"})
        self.assertEqual(by_area["MAPPA"], {"law", "policy"})
        self.assertEqual(by_area["Victims"], {"policy"})

    def test_the_policy_figures_the_issue_names_say_they_are_policy(self) -> None:
        self.as_user(self.officer_a)
        page = self.client.get(self.url).content.decode()
        for setting in (
            "NOTIFICATIONS_TRAVEL_NOTICE_DAYS",
            "VICTIMS_VCS_REFERRAL_WORKING_DAYS",
            "VICTIMS_DISCLOSURE_TARGET_DAYS",
            "VICTIMS_DISCLOSURE_CHECKS_HOURS",
            "VICTIMS_DISCLOSURE_MEETING_WORKING_DAYS",
            "MAPPA_REVIEW_WEEKS",
            "MAPPA_CASELOAD_GUIDE_MAX",
        ):
            self.assertIn(f"<code>{setting}</code>", page)
        # and the statute deadlines carry their section, quoted
        self.assertIn("SOA 2003 s.84(1)", page)
        self.assertIn("within the period of 3 days beginning with ... any change", page)
        self.assertIn("Stalking Protection Act 2019 s.9(1)", page)

    @override_settings(NOTIFICATIONS_TRAVEL_NOTICE_DAYS=5)
    def test_a_changed_setting_shows_and_applies_at_once(self) -> None:
        self.as_user(self.vlo_a)
        page = self.client.get(self.url).content.decode()
        self.assertIn("5 days (24 hours where that was not practicable)", page)

    def test_it_reads_no_record_and_costs_the_same_for_everyone(self) -> None:
        self.as_user(self.admin_b)
        # The session and the user, and the idle-timeout refresh of the session (a savepoint
        # around one UPDATE): no figure reads the database.
        with self.assertNumQueries(5):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])


def test_the_full_travel_notice_is_the_figure_passed_in() -> None:
    # "7 days, or 24 hours where 7 days was not reasonably practicable (the 7-day rule is a
    # setting)" (DOMAIN.md "Notification requirements").
    six_days = DEPARTS - dt.timedelta(days=6)
    assert travel_notice(six_days, DEPARTS).needs_reason
    on_five = travel_notice(six_days, DEPARTS, full_notice_days=5)
    assert on_five.on_time and not on_five.needs_reason
    assert "5 days or more: on time" in on_five.explanation
