"""Record pages: the list, search, profile, detail forms, create, merge, eligibility,
registration and priority.

Every page reads through a selector (404 for other agencies and wrong roles), runs a fixed
number of queries however many rows a record has, logs its reads, and writes only through
services, which keep history with who acted and why.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from django.urls import reverse
from django.utils import timezone

from register import services
from register.models import (
    AccessLog,
    Address,
    CivilOrder,
    Conviction,
    CriteriaSet,
    Nominal,
    NominalName,
    Offence,
    OrderBreach,
    OrderCondition,
    Registration,
    RegistrationReview,
    Vehicle,
)
from register.search import trigram_available
from tests import factories
from tests.base import RegisterTestCase

TODAY = timezone.localdate()


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def add(actor: Any, nominal: Nominal, slug: str, parent: Any = None, **data: Any) -> Any:
    return services.nominal_detail_add(
        actor=actor, nominal=nominal, kind=slug, data=data, reason="Test setup", parent=parent
    )


def offence(code: str = "PHA1997-s2A") -> Offence:
    return Offence.objects.get(code=code)


def populate(actor: Any, nominal: Nominal, count: int = 1, start: int = 0) -> None:
    """`count` rows in every section of the profile."""
    for i in range(start, start + count):
        add(actor, nominal, "names", kind="alias", given_names=f"Al{i}", family_name=f"Ias{i}")
        add(
            actor,
            nominal,
            "addresses",
            kind="other",
            line_1=f"{i} High Street",
            town="Northmoor",
            postcode="NM1 1AA",
            date_from=days_ago(1000 + i),
        )
        add(actor, nominal, "contact-details", kind="phone", value=f"07700 900{i:03d}")
        add(actor, nominal, "vehicles", registration=f"AB{i % 100:02d} CDE", description="Car")
        add(
            actor,
            nominal,
            "financial-accounts",
            kind="bank_account",
            provider=f"Bank {i}",
            last_four="1234",
        )
        add(actor, nominal, "identity-documents", kind="passport", number=f"P{i:06d}")
        add(
            actor,
            nominal,
            "household-members",
            relationship="child",
            name=f"Child {i}",
            date_of_birth=days_ago(3000),
        )
        conviction = add(
            actor,
            nominal,
            "convictions",
            offence=offence(),
            offence_date=days_ago(800 + i),
            conviction_date=days_ago(700 + i),
            sentence_type="community_order",
            is_domestic_abuse=True,
            da_flag_source="prosecutor",
        )
        add(
            actor,
            nominal,
            "incidents",
            occurred_on=days_ago(300 + i),
            victim_reference=f"VICTIM-{i}",
            victim_relationship="ex_partner",
        )
        order = add(
            actor,
            nominal,
            "civil-orders",
            kind="spo",
            made_on=days_ago(200),
            starts_on=days_ago(200),
        )
        add(actor, nominal, "order-conditions", parent=order, kind="prohibition", text="No contact")
        add(
            actor,
            nominal,
            "order-breaches",
            parent=order,
            occurred_on=days_ago(100),
            description="Sent messages",
            conviction=conviction,
        )
        add(
            actor,
            nominal,
            "risk-assessments",
            tool="oasys_rosh",
            assessed_on=days_ago(50 + i),
            level="high",
            risk_to=["ex_partner"],
            assessor=actor,
        )


def register_decision(actor: Any, nominal: Nominal) -> Registration:
    """Register `nominal` under the broad criteria (it needs two specified DA convictions)."""
    return services.registration_decide(
        actor=actor,
        nominal=nominal,
        criteria_set=CriteriaSet.objects.get(key="broad-convicted"),
        decision="register",
        rationale="Serial stalking of former partners",
        decided_on=TODAY,
        starts_on=TODAY,
        review_on=TODAY + dt.timedelta(days=365),
    )


def state(nominal: Nominal) -> dict[str, object]:
    """Everything a write could change, to show a refused request changed nothing."""
    from django.apps import apps

    counts: dict[str, object] = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("register").get_models()
        if model is not AccessLog
    }
    nominal.refresh_from_db()
    counts["nominal"] = (
        nominal.updated_at,
        nominal.merged_into_id,
        nominal.possible_misidentified_victim,
        nominal.registration_status,
    )
    counts["registrations"] = list(
        Registration.objects.values_list("notice_served_on", "ended_on").order_by("pk")
    )
    return counts


class RecordFixture(RegisterTestCase):
    """Agency A's nominal with a row in every section, a registration and a pending review."""

    nominal: Nominal
    registration: Registration
    review: RegistrationReview

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Record", given_names="Rita")
        populate(cls.officer_a, cls.nominal, 2)
        cls.registration = register_decision(cls.officer_a, cls.nominal)
        cls.review = services.registration_review_request(
            actor=cls.officer_a,
            registration=cls.registration,
            kind="review",
            requested_on=TODAY,
            requested_by="Their solicitor",
            grounds="Circumstances changed",
        )

    def detail(self, kind: str) -> Any:
        spec = services.DETAIL_KINDS[kind]
        return spec.model._default_manager.filter(**{spec.nominal_lookup: self.nominal}).first()

    def record_urls(self) -> dict[str, str]:
        """Every page about this record, by a name for the failure message."""
        pk = self.nominal.pk
        urls = {
            "profile": reverse("nominal-detail", args=[pk]),
            "edit": reverse("nominal-edit", args=[pk]),
            "merge": reverse("nominal-merge", args=[pk]),
            "eligibility": reverse("nominal-eligibility", args=[pk]),
            "misidentification": reverse("nominal-misidentification", args=[pk]),
            "aggressor-review": reverse("nominal-aggressor-review", args=[pk]),
            "decide": reverse("registration-decide", args=[pk]),
            "notice": reverse("registration-notice", args=[self.registration.pk]),
            "end": reverse("registration-end", args=[self.registration.pk]),
            "review-request": reverse("registration-review-request", args=[self.registration.pk]),
            "review-decide": reverse(
                "registration-review-decide", args=[self.registration.pk, self.review.pk]
            ),
        }
        for kind in services.DETAIL_KINDS:
            detail = self.detail(kind)
            urls[f"{kind} add"] = reverse("detail-add", args=[pk, kind])
            urls[f"{kind} edit"] = reverse("detail-edit", args=[pk, kind, detail.pk])
            urls[f"{kind} remove"] = reverse("detail-remove", args=[pk, kind, detail.pk])
        return urls

    def valid_posts(self) -> dict[str, dict[str, object]]:
        """A POST each write page would accept from someone allowed to make it."""
        reason = {"reason": "Trying my luck"}
        order = self.detail("civil-orders")
        posts: dict[str, dict[str, object]] = {
            "edit": {"family_name": "Changed", "given_names": "Rita", "sex": "female", **reason},
            "merge": {"duplicate": str(self.nominal.pk), **reason},
            "misidentification": {"misidentification": "dual_arrest", "reason": "x"},
            "aggressor-review": {
                "reviewed_on": TODAY.isoformat(),
                "outcome": "primary_aggressor",
                "rationale": "x",
            },
            "decide": {
                "criteria_set": CriteriaSet.objects.get(key="broad-convicted").pk,
                "decision": "do_not_register",
                "rationale": "x",
                "decided_on": TODAY.isoformat(),
            },
            "notice": {"served_on": TODAY.isoformat(), **reason},
            "end": {"ended_on": TODAY.isoformat(), "end_reason": "x"},
            "review-request": {
                "kind": "appeal",
                "requested_on": TODAY.isoformat(),
                "requested_by": "x",
                "grounds": "x",
            },
            "review-decide": {
                "outcome": "ended",
                "outcome_reason": "x",
                "decided_on": TODAY.isoformat(),
            },
            "vehicles add": {"registration": "ZZ99ZZZ", **reason},
            "vehicles edit": {"registration": "ZZ99ZZZ", **reason},
            "order-conditions add": {
                "order": order.pk,
                "kind": "prohibition",
                "text": "x",
                **reason,
            },
        }
        for kind in services.DETAIL_KINDS:
            posts.setdefault(f"{kind} remove", dict(reason))
        return posts


# Access: other agencies and wrong roles get 404 and change nothing ------------------------


class RecordPagesAccessTests(RecordFixture):
    def test_lead_agency_officer_opens_every_page(self) -> None:
        self.as_user(self.officer_a)
        for name, url in self.record_urls().items():
            with self.subTest(name):
                self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_other_agency_and_wrong_roles_get_404_on_every_record_page(self) -> None:
        for persona in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            self.as_user(persona)
            for name, url in self.record_urls().items():
                with self.subTest(f"{persona.username} GET {name}"):
                    self.assert_not_found(self.client.get(url))

    def test_other_agency_and_wrong_role_posts_get_404_and_change_nothing(self) -> None:
        urls = self.record_urls()
        posts = self.valid_posts()
        before = state(self.nominal)
        for persona in (self.officer_b, self.vlo_a):
            self.as_user(persona)
            for name, url in urls.items():
                if name in ("profile", "eligibility"):  # read-only pages
                    continue
                with self.subTest(f"{persona.username} POST {name}"):
                    self.assert_not_found(self.client.post(url, posts.get(name, {"x": "1"})))
        self.assertEqual(state(self.nominal), before)
        self.assertFalse(AccessLog.objects.exists(), "a refused request is not a read")

    def test_list_search_and_priority_hide_other_agencies_records(self) -> None:
        self.as_user(self.officer_b)
        for url in (
            reverse("nominal-list"),
            reverse("nominal-search") + "?q=Rita+Record",
            reverse("priority-list"),
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "RECORD")

    def test_wrong_roles_get_404_on_list_search_and_priority(self) -> None:
        for persona in (self.vlo_a, self.auditor, self.admin_b):
            self.as_user(persona)
            for name in ("nominal-list", "nominal-search", "priority-list", "nominal-create"):
                with self.subTest(f"{persona.username} {name}"):
                    self.assert_not_found(self.client.get(reverse(name)))
            before = Nominal.objects.count()
            self.assert_not_found(
                self.client.post(
                    reverse("nominal-create"),
                    {"given_names": "A", "family_name": "B", "reason": "x"},
                )
            )
            self.assertEqual(Nominal.objects.count(), before)

    def test_shared_agency_views_without_edit_links_and_cannot_change(self) -> None:
        services.nominal_share(
            actor=self.officer_a, nominal=self.nominal, agency=self.agency_b, reason="MAPPA"
        )
        self.as_user(self.officer_b)
        profile = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(profile, "RECORD, Rita")
        html = profile.content.decode()
        for marker in ("/edit/", "/remove/", "/new/", "/merge/", "/share/", ">Change<span"):
            self.assertNotIn(marker, html)
        self.assertContains(
            self.client.get(reverse("nominal-eligibility", args=[self.nominal.pk])), "Eligibility"
        )
        self.assertContains(
            self.client.get(reverse("registration-notice", args=[self.registration.pk])),
            "Notice of registration",
        )
        before = state(self.nominal)
        urls, posts = self.record_urls(), self.valid_posts()
        for name in ("edit", "merge", "decide", "end", "vehicles add", "vehicles remove"):
            with self.subTest(name):
                self.assert_not_found(self.client.get(urls[name]))
                self.assert_not_found(self.client.post(urls[name], posts[name]))
        for name in ("misidentification", "aggressor-review"):
            with self.subTest(name):
                self.assert_not_found(self.client.get(urls[name]))
        for name in ("misidentification", "aggressor-review", "notice"):
            with self.subTest(f"POST {name}"):
                self.assert_not_found(self.client.post(urls[name], posts[name]))
        self.assertEqual(state(self.nominal), before)

    def test_detail_of_another_nominal_is_not_reachable_through_this_one(self) -> None:
        other = factories.nominal(self.officer_a, family_name="Other")
        vehicle = self.detail("vehicles")
        self.as_user(self.officer_a)
        for name in ("detail-edit", "detail-remove"):
            with self.subTest(name):
                self.assert_not_found(
                    self.client.get(reverse(name, args=[other.pk, "vehicles", vehicle.pk]))
                )
        self.assert_not_found(
            self.client.get(reverse("detail-add", args=[self.nominal.pk, "no-such-kind"]))
        )


# Query counts: fixed, however many rows ----------------------------------------------------


class QueryCountTests(RegisterTestCase):
    """Each page is measured with one row per section, then with 30 more: the count is the same.

    Every count includes the session read, the user, the session save (a savepoint, an UPDATE
    and its release: sessions are saved on every request) and the access-log INSERT.
    """

    def setUp(self) -> None:
        trigram_available()  # cached once per process; keep it out of the counts
        self.nominal = factories.nominal(self.officer_a, family_name="Smith", given_names="John")
        populate(self.officer_a, self.nominal, 1)
        self.registration = register_decision(self.officer_a, self.nominal)
        services.registration_review_request(
            actor=self.officer_a,
            registration=self.registration,
            kind="review",
            requested_on=TODAY,
            requested_by="Them",
            grounds="x",
        )
        self.as_user(self.officer_a)

    def grow(self) -> None:
        populate(self.officer_a, self.nominal, 30, start=1)
        for i in range(30):
            other = factories.nominal(self.officer_a, family_name="Smith", given_names="John")
            add(
                self.officer_a, other, "names", kind="alias", given_names="Jon", family_name="Smyth"
            )
            add(
                self.officer_a,
                other,
                "incidents",
                occurred_on=days_ago(i + 1),
                victim_reference=f"V{i}",
                victim_relationship="intimate_partner",
            )

    def test_query_counts_do_not_grow_with_rows(self) -> None:
        pk = self.nominal.pk
        pinned = {
            # Every count includes the header's unread-task badge (one COUNT).
            # + officers and teams for the filters, the count and the page
            reverse("nominal-list") + "?sort=priority": 11,
            reverse("nominal-list") + "?risk_level=high&sort=risk": 11,
            # + names, dates of birth, the hits (with lead agency and officer)
            reverse("nominal-search") + "?q=John+Smith+01/01/1980": 10,
            # + the nominal, 16 prefetched sections, grants, sharing and history
            reverse("nominal-detail", args=[pk]): 27,
            # + the nominal, its convictions, risk assessments, incidents and primary-aggressor
            # reviews, grants, criteria
            reverse("nominal-eligibility", args=[pk]): 14,
            # + teams for the filter, the count and the page
            reverse("priority-list"): 10,
            reverse("priority-list") + "?page=2": 10,
        }
        for rows in ("few rows", "30 more rows"):
            if rows != "few rows":
                self.grow()
            for url, queries in pinned.items():
                with self.subTest(f"{url} with {rows}"), self.assertNumQueries(queries):
                    self.assertEqual(self.client.get(url).status_code, 200)


# Forms: messages next to fields, nothing saved ---------------------------------------------


class FormErrorTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Errors")

    def setUp(self) -> None:
        self.as_user(self.officer_a)

    def assert_error_next_to(self, response: Any, field: str, message: str) -> None:
        """The message is in the error summary (linking to the field) and next to the field."""
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        message = escape(message)
        self.assertIn("There is a problem", html)
        self.assertIn(field, response.context["form"].errors, response.context["form"].errors)
        self.assertIn(f'<a href="#id_{field}">{message}</a>', html, response.context["form"].errors)
        self.assertIn(
            f'<p id="id_{field}_error" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {message}</p>',
            html,
        )

    def post_detail(self, kind: str, data: dict[str, object]) -> Any:
        return self.client.post(
            reverse("detail-add", args=[self.nominal.pk, kind]), {"reason": "PNC update", **data}
        )

    def test_address_ending_before_it_starts(self) -> None:
        response = self.post_detail(
            "addresses",
            {
                "kind": "main",
                "line_1": "1 Moor Lane",
                "date_from": "2024-05-01",
                "date_to": "2024-01-01",
            },
        )
        self.assert_error_next_to(
            response, "date_to", "The end date must be the same as or after the start date"
        )
        self.assertFalse(Address.objects.exists())

    def test_invalid_vehicle_registration(self) -> None:
        response = self.post_detail("vehicles", {"registration": "A!"})
        self.assert_error_next_to(
            response,
            "registration",
            "Enter a vehicle registration of 2 to 8 letters and numbers, like AB51 ABC",
        )
        self.assertFalse(Vehicle.objects.exists())

    def test_conviction_without_an_offence(self) -> None:
        response = self.post_detail(
            "convictions",
            {"conviction_date": "2024-05-01", "sentence_type": "fine", "disposal": "conviction"},
        )
        self.assert_error_next_to(response, "offence", "Select the offence")
        self.assertFalse(Conviction.objects.exists())

    def test_da_flag_without_its_source(self) -> None:
        response = self.post_detail(
            "convictions",
            {
                "offence": offence().pk,
                "conviction_date": "2024-05-01",
                "sentence_type": "fine",
                "disposal": "conviction",
                "is_domestic_abuse": "on",
            },
        )
        self.assertContains(response, 'id="id_da_flag_source_error"')
        self.assertFalse(Conviction.objects.exists())

    def test_invalid_phone_number(self) -> None:
        response = self.post_detail("contact-details", {"kind": "phone", "value": "call me"})
        self.assertContains(response, 'id="id_value_error"')
        self.assertFalse(self.nominal.contact_details.exists())

    def test_missing_reason_and_malformed_date(self) -> None:
        response = self.post_detail(
            "identity-documents",
            {"kind": "passport", "number": "123", "expires_on": "31/02/2030", "reason": " "},
        )
        self.assert_error_next_to(response, "reason", "Enter the reason for this change")
        self.assert_error_next_to(response, "expires_on", "Expiry date must be a real date")
        self.assertFalse(self.nominal.identity_documents.exists())

    def test_order_condition_needs_one_of_this_persons_orders(self) -> None:
        other = factories.nominal(self.officer_a, family_name="Other")
        order = add(
            self.officer_a, other, "civil-orders", kind="spo", made_on=TODAY, starts_on=TODAY
        )
        response = self.post_detail(
            "order-conditions", {"order": order.pk, "kind": "prohibition", "text": "No contact"}
        )
        self.assert_error_next_to(response, "order", "Select one of this person's civil orders")
        self.assertFalse(OrderCondition.objects.exists())

    def test_invalid_ni_number_on_edit(self) -> None:
        response = self.client.post(
            reverse("nominal-edit", args=[self.nominal.pk]),
            {
                "family_name": "Errors",
                "given_names": "John",
                "sex": "male",
                "ni_number": "XX 12 34 56 Z",
                "reason": "Correction",
            },
        )
        self.assert_error_next_to(
            response,
            "ni_number",
            "Enter a National Insurance number in the correct format, like QQ 12 34 56 C",
        )
        self.nominal.refresh_from_db()
        self.assertEqual((self.nominal.ni_number, self.nominal.sex), ("", "not_known"))
        self.assertEqual(self.nominal.history.count(), 1)

    def test_edit_saves_with_history(self) -> None:
        officer = factories.staff(self.agency_a, "offender_manager")
        response = self.client.post(
            reverse("nominal-edit", args=[self.nominal.pk]),
            {
                "family_name": "Errors",
                "given_names": "John",
                "date_of_birth": "1980-01-01",
                "other_dates_of_birth": "13/01/1980, 1981-01-01",
                "sex": "male",
                "ni_number": "ab 12 34 56 c",
                "typologies": ["intimate_partner", "stalking_ex_intimate"],
                "responsible_officer": officer.pk,
                # Not a field of the form any more: sent anyway, it is ignored (the flag is
                # raised and cleared only by its own services; tests/register/test_safeguard.py).
                "possible_misidentified_victim": "",
                "reason": "Details from probation",
            },
        )
        self.assertRedirects(response, reverse("nominal-detail", args=[self.nominal.pk]))
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.ni_number, "AB123456C")
        self.assertEqual(
            self.nominal.other_dates_of_birth, [dt.date(1980, 1, 13), dt.date(1981, 1, 1)]
        )
        self.assertEqual(self.nominal.responsible_officer, officer)
        latest = self.nominal.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.officer_a, "Details from probation"),
        )
        # The form shows the stored values back, dates of birth included.
        page = self.client.get(reverse("nominal-edit", args=[self.nominal.pk]))
        self.assertContains(page, 'value="13/01/1980, 01/01/1981"')
        self.assertContains(page, 'value="1980-01-01"')

    def test_responsible_officer_must_be_of_the_lead_agency(self) -> None:
        response = self.client.post(
            reverse("nominal-edit", args=[self.nominal.pk]),
            {
                "family_name": "Errors",
                "given_names": "John",
                "sex": "male",
                "responsible_officer": self.officer_b.pk,
                "reason": "x",
            },
        )
        self.assertContains(response, 'id="id_responsible_officer_error"')

    def test_create_form_requires_names(self) -> None:
        response = self.client.post(reverse("nominal-create"), {"reason": "x"})
        self.assert_error_next_to(response, "given_names", "Enter the given names")
        self.assertEqual(Nominal.objects.count(), 1)


# Adding, changing and removing details: history with who and why --------------------------


class DetailWriteTests(RecordFixture):
    def setUp(self) -> None:
        self.as_user(self.officer_a)

    def test_every_kind_can_be_added_from_its_form(self) -> None:
        order = self.detail("civil-orders")
        conviction = self.detail("convictions")
        posts: dict[str, dict[str, object]] = {
            "names": {"kind": "online", "family_name": "rita_r", "platform": "Instagram"},
            "addresses": {"kind": "main", "line_1": "2 Moor Lane", "date_from": "2025-01-01"},
            "contact-details": {"kind": "email", "value": "RITA@example.com"},
            "vehicles": {"registration": "nm19 kxp", "description": "Blue Ford Focus"},
            "financial-accounts": {"kind": "credit_card", "provider": "Bank", "last_four": "4821"},
            "identity-documents": {
                "kind": "passport",
                "number": "123456789",
                "issuing_country": "Ireland",
            },
            "household-members": {"relationship": "stepchild", "name": "Sam", "lives_with": "on"},
            "convictions": {
                "offence": offence("SCA2015-s76").pk,
                "conviction_date": "2023-02-01",
                "disposal": "conviction",
                "sentence_type": "immediate_custody",
                "sentence_amount": "20",
                "sentence_unit": "months",
                "is_domestic_abuse": "on",
                "da_flag_source": "court",
            },
            "incidents": {
                "occurred_on": "2025-06-01",
                "victim_reference": "VICTIM-9",
                "victim_relationship": "family_member",
                "gravity": "10",
            },
            "civil-orders": {"kind": "dapo", "made_on": "2025-01-01", "starts_on": "2025-01-02"},
            "order-conditions": {"order": order.pk, "kind": "prohibition", "text": "No contact"},
            "order-breaches": {
                "order": order.pk,
                "occurred_on": "2025-03-01",
                "description": "Called her",
                "outcome": "charge",
                "conviction": conviction.pk,
            },
            "risk-assessments": {
                "tool": "dash",
                "assessed_on": TODAY.isoformat(),
                "level": "very_high",
                "risk_to": ["partner", "children"],
                "assessor": self.supervisor_a.pk,
            },
        }
        self.assertEqual(set(posts), set(services.DETAIL_KINDS))
        for kind, data in posts.items():
            with self.subTest(kind):
                spec = services.DETAIL_KINDS[kind]
                manager = spec.model._default_manager
                before = manager.count()
                response = self.client.post(
                    reverse("detail-add", args=[self.nominal.pk, kind]),
                    {**data, "reason": f"Adding {kind}"},
                )
                self.assertEqual(
                    response.status_code, 302, response.context and response.context["form"].errors
                )
                self.assertEqual(manager.count(), before + 1)
                added: Any = manager.order_by("-created_at").first()
                self.assertEqual(spec.nominal_of(added), self.nominal)
                record = added.history.latest()
                self.assertEqual(record.history_user, self.officer_a)
                self.assertEqual(record.history_change_reason, f"Adding {kind}")
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.current_risk_level, "very_high")

    def test_change_keeps_history_with_who_and_why(self) -> None:
        address = self.detail("addresses")
        url = reverse("detail-edit", args=[self.nominal.pk, "addresses", address.pk])
        page = self.client.get(url)
        self.assertContains(page, f'value="{address.line_1}"')
        response = self.client.post(
            url,
            {
                "kind": "main",
                "line_1": "9 New Road",
                "date_from": address.date_from.isoformat(),
                "reason": "Moved, confirmed at home visit",
            },
        )
        self.assertRedirects(
            response, reverse("nominal-detail", args=[self.nominal.pk]) + "#addresses"
        )
        address.refresh_from_db()
        self.assertEqual(address.line_1, "9 New Road")
        latest = address.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.officer_a, "Moved, confirmed at home visit"),
        )

    def test_order_condition_add_link_preselects_the_order(self) -> None:
        order = self.detail("civil-orders")
        url = reverse("detail-add", args=[self.nominal.pk, "order-conditions"])
        page = self.client.get(url, {"order": order.pk})
        self.assertContains(page, f'<option value="{order.pk}" selected>')
        other = factories.nominal(self.officer_a, family_name="Other")
        foreign = add(
            self.officer_a, other, "civil-orders", kind="spo", made_on=TODAY, starts_on=TODAY
        )
        self.assertNotContains(self.client.get(url), str(foreign.pk))

    def test_breach_conviction_choices_are_this_persons(self) -> None:
        other = factories.nominal(self.officer_a, family_name="Other")
        theirs = add(
            self.officer_a,
            other,
            "convictions",
            offence=offence(),
            conviction_date=TODAY,
            sentence_type="fine",
        )
        page = self.client.get(reverse("detail-add", args=[self.nominal.pk, "order-breaches"]))
        self.assertContains(page, str(self.detail("convictions").pk))
        self.assertNotContains(page, str(theirs.pk))

    def test_assessor_choices_are_staff_of_the_users_agency(self) -> None:
        page = self.client.get(reverse("detail-add", args=[self.nominal.pk, "risk-assessments"]))
        self.assertContains(page, f'<option value="{self.supervisor_a.pk}">')
        self.assertNotContains(page, f'<option value="{self.officer_b.pk}">')

    def test_removal_needs_confirmation_and_a_reason(self) -> None:
        vehicle = self.detail("vehicles")
        url = reverse("detail-remove", args=[self.nominal.pk, "vehicles", vehicle.pk])
        page = self.client.get(url)
        self.assertContains(page, "Are you sure you want to remove this vehicle?")
        self.assertContains(page, vehicle.registration)
        self.assertTrue(Vehicle.objects.filter(pk=vehicle.pk).exists(), "a GET removes nothing")
        response = self.client.post(url, {"reason": ""})
        self.assertContains(response, "Enter the reason for removing this")
        self.assertTrue(Vehicle.objects.filter(pk=vehicle.pk).exists())
        response = self.client.post(url, {"reason": "Sold, DVLA confirmed"})
        self.assertRedirects(
            response, reverse("nominal-detail", args=[self.nominal.pk]) + "#vehicles"
        )
        self.assertFalse(Vehicle.objects.filter(pk=vehicle.pk).exists())
        removal = Vehicle.history.filter(id=vehicle.pk).latest()
        self.assertEqual(removal.history_type, "-")
        self.assertEqual(
            (removal.history_user, removal.history_change_reason),
            (self.officer_a, "Sold, DVLA confirmed"),
        )

    def test_removing_an_order_warns_about_its_conditions_and_breaches(self) -> None:
        order = self.detail("civil-orders")
        url = reverse("detail-remove", args=[self.nominal.pk, "civil-orders", order.pk])
        self.assertContains(
            self.client.get(url), "Its 1 condition and 1 breach will be removed too."
        )
        self.client.post(url, {"reason": "Order quashed on appeal"})
        self.assertFalse(CivilOrder.objects.filter(pk=order.pk).exists())
        self.assertFalse(OrderBreach.objects.filter(order_id=order.pk).exists())

    def test_the_current_name_cannot_be_removed(self) -> None:
        current = self.nominal.names.get(kind="current")
        url = reverse("detail-remove", args=[self.nominal.pk, "names", current.pk])
        response = self.client.post(url, {"reason": "x"})
        self.assertContains(response, "Change the current name instead of removing it")
        self.assertTrue(NominalName.objects.filter(pk=current.pk).exists())
        profile = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertNotContains(profile, url)


# Adding a person: duplicates first ---------------------------------------------------------


class CreateWithDuplicateCheckTests(RegisterTestCase):
    existing: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.existing = services.nominal_create(
            actor=cls.officer_a,
            family_name="Smith",
            given_names="John",
            date_of_birth=dt.date(1980, 1, 1),
            ni_number="AB123456C",
            reason="Test setup",
        )

    def setUp(self) -> None:
        self.as_user(self.officer_a)

    def form(self, **overrides: object) -> dict[str, object]:
        return {
            "given_names": "Jon",
            "family_name": "Smyth",
            "date_of_birth": "1980-01-01",
            "reason": "Referred by MARAC",
            **overrides,
        }

    def test_likely_duplicate_is_shown_and_nothing_is_saved_until_confirmed(self) -> None:
        url = reverse("nominal-create")
        first = self.client.post(url, self.form())
        self.assertEqual(first.status_code, 200)
        self.assertContains(first, "This person may already be on the register")
        self.assertContains(first, reverse("nominal-detail", args=[self.existing.pk]))
        self.assertContains(first, "Full name sounds alike")
        self.assertContains(first, "Date of birth matches")
        self.assertContains(first, "This is a different person")
        self.assertEqual(Nominal.objects.count(), 1)
        shown = first.context["form"]["duplicates_shown"].value()
        self.assertEqual(shown, str(self.existing.pk))

        # Going on without ticking the box: still nothing saved, and a message says why.
        again = self.client.post(url, self.form(duplicates_shown=shown))
        self.assertContains(
            again, "Confirm this is a different person, or open the existing record"
        )
        self.assertEqual(Nominal.objects.count(), 1)

        confirmed = self.client.post(url, self.form(duplicates_shown=shown, confirm_different="on"))
        created = Nominal.objects.exclude(pk=self.existing.pk).get()
        self.assertRedirects(confirmed, reverse("nominal-detail", args=[created.pk]))
        self.assertEqual(created.family_name, "Smyth")

    def test_a_confirmation_covers_only_the_records_shown(self) -> None:
        # Ticked, but the records shown were for other details: show the matches again.
        response = self.client.post(
            reverse("nominal-create"), self.form(confirm_different="on", duplicates_shown="")
        )
        self.assertContains(response, "This person may already be on the register")
        self.assertEqual(Nominal.objects.count(), 1)

    def test_same_ni_number_is_a_likely_duplicate(self) -> None:
        response = self.client.post(
            reverse("nominal-create"),
            self.form(
                given_names="Other", family_name="Name", date_of_birth="", ni_number="ab 12 34 56 c"
            ),
        )
        self.assertContains(response, "National Insurance number")
        self.assertContains(response, reverse("nominal-detail", args=[self.existing.pk]))
        self.assertEqual(Nominal.objects.count(), 1)

    def test_no_likely_duplicate_saves_at_once(self) -> None:
        response = self.client.post(
            reverse("nominal-create"),
            self.form(given_names="Quite", family_name="Different", date_of_birth="1990-05-05"),
        )
        created = Nominal.objects.get(family_name="Different")
        self.assertRedirects(response, reverse("nominal-detail", args=[created.pk]))
        record = created.history.get()
        self.assertEqual(
            (record.history_user, record.history_change_reason),
            (self.officer_a, "Referred by MARAC"),
        )

    def test_records_of_other_agencies_are_never_hinted_at(self) -> None:
        self.as_user(self.officer_b)
        response = self.client.post(reverse("nominal-create"), self.form())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Nominal.objects.filter(lead_agency=self.agency_b).count(), 1)


# Merging ---------------------------------------------------------------------------------


class MergeTests(RegisterTestCase):
    def setUp(self) -> None:
        self.keep = factories.nominal(self.officer_a, family_name="Smith", given_names="John")
        self.duplicate = factories.nominal(self.officer_a, family_name="Smyth", given_names="Jon")
        add(
            self.officer_a,
            self.duplicate,
            "addresses",
            kind="main",
            line_1="7 Dup Street",
            date_from=days_ago(100),
        )
        add(
            self.officer_a,
            self.duplicate,
            "convictions",
            offence=offence(),
            conviction_date=days_ago(300),
            sentence_type="fine",
        )
        self.url = reverse("nominal-merge", args=[self.keep.pk])
        self.as_user(self.officer_a)

    def test_choose_suggests_likely_duplicates_and_confirm_shows_both(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, str(self.duplicate.pk))
        confirm = self.client.get(self.url, {"duplicate": str(self.duplicate.pk)})
        self.assertContains(confirm, "Are these the same person?")
        self.assertContains(confirm, "SMITH, John")
        self.assertContains(confirm, "SMYTH, Jon")
        self.assertIsNone(Nominal.objects.get(pk=self.duplicate.pk).merged_into_id)

    def test_unknown_other_agency_and_own_ids_are_refused_without_revealing(self) -> None:
        theirs = factories.nominal(self.officer_b, family_name="Theirs")
        for bad in (str(theirs.pk), str(self.keep.pk), "3f2b8c1e-5a43-4d1b-9d7e-2b8f3b7a9c10"):
            with self.subTest(bad):
                response = self.client.get(self.url, {"duplicate": bad})
                self.assertContains(
                    response, "There is no other record with that register ID that you can change"
                )
                self.assertNotContains(response, "THEIRS")
        self.assertContains(
            self.client.get(self.url, {"duplicate": "not-an-id"}),
            "Enter a register ID in the correct format",
        )
        self.assert_not_found(
            self.client.post(self.url, {"duplicate": str(theirs.pk), "reason": "x"})
        )

    def test_merge_needs_a_reason_then_moves_details_and_keeps_both_histories(self) -> None:
        refused = self.client.post(self.url, {"duplicate": str(self.duplicate.pk), "reason": ""})
        self.assertContains(refused, "Enter the reason for this change")
        self.assertIsNone(Nominal.objects.get(pk=self.duplicate.pk).merged_into_id)

        response = self.client.post(
            self.url, {"duplicate": str(self.duplicate.pk), "reason": "Same PNC record"}
        )
        self.assertRedirects(response, reverse("nominal-detail", args=[self.keep.pk]))
        self.duplicate.refresh_from_db()
        self.assertEqual(self.duplicate.merged_into_id, self.keep.pk)
        self.assertEqual(
            list(self.keep.addresses.values_list("line_1", flat=True)), ["7 Dup Street"]
        )
        self.assertEqual(self.keep.convictions.count(), 1)
        self.assertTrue(self.keep.names.filter(family_name="Smyth").exists())
        # Both histories are kept, each with who merged and why.
        self.assertEqual(self.duplicate.history.count(), 2)
        merged = self.duplicate.history.latest()
        self.assertEqual(merged.history_user, self.officer_a)
        self.assertIn("Same PNC record", merged.history_change_reason)
        self.assertIn("Same PNC record", self.keep.history.latest().history_change_reason)
        moved = Address.history.filter(line_1="7 Dup Street").latest()
        self.assertIn("Merged from", moved.history_change_reason)
        # The duplicate's page says where it went, and offers no changes.
        page = self.client.get(reverse("nominal-detail", args=[self.duplicate.pk]))
        self.assertContains(page, "This record was merged into")
        self.assertContains(page, reverse("nominal-detail", args=[self.keep.pk]))
        self.assertNotContains(page, "/edit/")
        self.assert_not_found(self.client.get(reverse("nominal-merge", args=[self.duplicate.pk])))


# Reads are logged ------------------------------------------------------------------------


class ReadsAreLoggedTests(RecordFixture):
    def setUp(self) -> None:
        self.as_user(self.officer_a)

    def logged(self) -> list[tuple[str, str]]:
        return list(AccessLog.objects.order_by("id").values_list("record_id", "purpose"))

    def test_each_page_logs_the_records_it_shows(self) -> None:
        other = factories.nominal(self.officer_a, family_name="Second", given_names="Sid")
        me, them = str(self.nominal.pk), str(other.pk)
        cases: list[tuple[str, set[str], str]] = [
            (reverse("nominal-detail", args=[me]), {me}, "Nominal profile viewed"),
            (reverse("nominal-list"), {me, them}, "Nominal list viewed"),
            (reverse("nominal-search") + "?q=Rita+Record", {me}, "Search: Rita Record"),
            (reverse("nominal-eligibility", args=[me]), {me}, "Eligibility viewed"),
            (reverse("priority-list"), {me, them}, "Priority list viewed"),
            (
                reverse("registration-notice", args=[self.registration.pk]),
                {me},
                "Registration notice viewed",
            ),
        ]
        for url, records, purpose in cases:
            with self.subTest(url):
                before = AccessLog.objects.count()
                self.client.get(url)
                rows = AccessLog.objects.order_by("id")[before:]
                self.assertEqual({r.record_id for r in rows}, records)
                self.assertEqual({r.purpose for r in rows}, {purpose})
                self.assertEqual(
                    {(r.user_id, r.channel) for r in rows}, {(self.officer_a.pk, "page")}
                )

    def test_search_with_no_query_reads_nothing(self) -> None:
        self.client.get(reverse("nominal-search"))
        self.client.get(reverse("nominal-search"), {"q": "Nobody Atall"})
        self.assertFalse(AccessLog.objects.exists())


# Profile ---------------------------------------------------------------------------------


class ProfileTests(RecordFixture):
    def setUp(self) -> None:
        self.as_user(self.officer_a)

    def test_every_section_with_add_change_and_remove_links(self) -> None:
        response = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        html = response.content.decode()
        for section in (
            "Identity",
            "Addresses",
            "Phone numbers and email addresses",
            "Vehicles",
            "Bank accounts and cards",
            "Passports and identity documents",
            "Household and children",
            "Offences: convictions, cautions and findings",
            "Reported incidents",
            "Civil orders",
            "Risk assessments",
            "Registration",
            "History",
        ):
            self.assertIn(f">{section}</h2>", html)
        for kind in services.DETAIL_KINDS:
            detail = self.detail(kind)
            with self.subTest(kind):
                if kind not in ("order-conditions", "order-breaches"):
                    self.assertIn(reverse("detail-add", args=[self.nominal.pk, kind]), html)
                self.assertIn(reverse("detail-edit", args=[self.nominal.pk, kind, detail.pk]), html)
                self.assertIn(
                    reverse("detail-remove", args=[self.nominal.pk, kind, detail.pk]), html
                )
        order = self.detail("civil-orders")
        self.assertIn(
            reverse("detail-add", args=[self.nominal.pk, "order-conditions"])
            + f"?order={order.pk}",
            html,
        )
        for text in (
            "Al0 Ias0",
            "0 High Street",
            "07700 900000",
            "AB00CDE",
            "Bank 0",
            "P000000",
            "Child 0",
            "Stalking (PHA 1997 s.2A)",
            "Prosecutor&#x27;s DA flag",
            "VICTIM-0",
            "Stalking Protection Order",
            "No contact",
            "Sent messages",
            "OASys risk of serious harm",
            "Broad convicted",
            "Their solicitor",
        ):
            self.assertIn(text, html)

    def test_incidents_show_a_victim_reference_and_nothing_about_the_victim(self) -> None:
        add(
            self.officer_a,
            self.nominal,
            "incidents",
            occurred_on=days_ago(5),
            victim_reference="VREF-77",
            victim_relationship="intimate_partner",
            description="Victim lives at 12 Secret Road, phone 07700 900555",
        )
        response = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(response, "VREF-77")
        self.assertNotContains(response, "Secret Road")
        self.assertNotContains(response, "07700 900555")

    def test_pending_misidentification_review_is_a_warning(self) -> None:
        services.nominal_flag_misidentified(
            actor=self.officer_a,
            nominal=self.nominal,
            misidentification="counter_allegation",
            reason="Counter-allegation at arrest",
        )
        response = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(response, "govuk-warning-text")
        self.assertContains(response, "Possible misidentified victim (counter-allegation)")

    def test_history_shows_who_and_why(self) -> None:
        services.nominal_update(
            actor=self.supervisor_a, nominal=self.nominal, build="Slim", reason="Seen at visit"
        )
        response = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(response, "Seen at visit")
        self.assertContains(response, str(self.supervisor_a))


# Eligibility and registration --------------------------------------------------------------


class EligibilityAndRegistrationTests(RegisterTestCase):
    def setUp(self) -> None:
        self.nominal = factories.nominal(self.officer_a, family_name="Eligible")
        for months in (30, 18):
            add(
                self.officer_a,
                self.nominal,
                "convictions",
                offence=offence(),
                offence_date=days_ago(months * 30 + 60),
                conviction_date=days_ago(months * 30),
                sentence_type="community_order",
                is_domestic_abuse=True,
                da_flag_source="prosecutor",
            )
        self.broad = CriteriaSet.objects.get(key="broad-convicted")
        self.as_user(self.officer_a)

    def decide(self, **overrides: object) -> Any:
        return self.client.post(
            reverse("registration-decide", args=[self.nominal.pk]),
            {
                "criteria_set": self.broad.pk,
                "decision": "register",
                "rationale": "Serial stalker",
                "decided_on": TODAY.isoformat(),
                "starts_on": TODAY.isoformat(),
                "review_on": (TODAY + dt.timedelta(days=365)).isoformat(),
                **overrides,
            },
        )

    def test_eligibility_shows_each_criteria_set_with_every_check(self) -> None:
        response = self.client.get(reverse("nominal-eligibility", args=[self.nominal.pk]))
        outcomes = response.context["outcomes"]
        self.assertEqual(len(outcomes), CriteriaSet.objects.filter(is_active=True).count())
        statuses = {o["criteria_set"].key: o["status"] for o in outcomes}
        self.assertEqual(statuses["broad-convicted"], "Met")
        self.assertEqual(statuses["lords-2024"], "Not met")
        for result in outcomes:
            for check in result["outcome"].checks:
                self.assertContains(response, escape(check.detail))
        self.assertContains(response, "Passed")
        self.assertContains(response, "Failed")

    def test_safeguard_blocks_until_the_primary_aggressor_review_is_recorded(self) -> None:
        services.nominal_flag_misidentified(
            actor=self.officer_a,
            nominal=self.nominal,
            misidentification="dual_arrest",
            raised_on=TODAY,
            reason="Dual arrest",
        )
        url = reverse("nominal-eligibility", args=[self.nominal.pk])
        review_url = reverse("nominal-aggressor-review", args=[self.nominal.pk])
        page = self.client.get(url)
        statuses = {o["criteria_set"].key: o["status"] for o in page.context["outcomes"]}
        self.assertEqual(statuses["broad-convicted"], "Blocked")
        self.assertEqual(statuses["lords-2024"], "Not met")
        self.assertContains(page, "a supervisor records it")
        refused = self.decide()
        self.assertContains(refused, 'id="id_decision_error"')
        self.assertIn(
            "no review is recorded yet", " ".join(refused.context["form"].errors["decision"])
        )
        self.assertFalse(Registration.objects.exists())

        # The review is a supervisor's (tests/register/test_safeguard.py has the rest).
        self.as_user(self.supervisor_a)
        missing = self.client.post(review_url, {"reviewed_on": TODAY.isoformat(), "rationale": "x"})
        self.assert_error(missing, "outcome", "Choose what the review found")
        future = self.client.post(
            review_url,
            {
                "reviewed_on": (TODAY + dt.timedelta(days=3)).isoformat(),
                "outcome": "primary_aggressor",
                "rationale": "MARAC review",
            },
        )
        self.assert_error(
            future, "reviewed_on", "The date of the review must be today or in the past"
        )
        recorded = self.client.post(
            review_url,
            {
                "reviewed_on": TODAY.isoformat(),
                "outcome": "primary_aggressor",
                "rationale": "MARAC review",
            },
        )
        self.assertRedirects(recorded, url + "#primary-aggressor-review")
        self.nominal.refresh_from_db()
        review = self.nominal.primary_aggressor_reviews.get()
        self.assertEqual(review.reviewed_by, self.supervisor_a)
        self.assertEqual(review.history.latest().history_change_reason, "MARAC review")
        self.assertEqual(
            {o["criteria_set"].key: o["status"] for o in self.client.get(url).context["outcomes"]}[
                "broad-convicted"
            ],
            "Met",
        )

    def assert_error(self, response: Any, field: str, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, response.context["form"].errors.get(field, []))
        self.assertContains(response, f'id="id_{field}_error"')

    def test_register_needs_a_review_date(self) -> None:
        response = self.decide(review_on="")
        self.assert_error(response, "review_on", "Enter a review date: nothing is kept without one")
        self.assertFalse(Registration.objects.exists())

    def test_registration_notice_review_appeal_and_end(self) -> None:
        response = self.decide()
        registration = Registration.objects.get()
        notice_url = reverse("registration-notice", args=[registration.pk])
        self.assertRedirects(response, notice_url)
        self.assertEqual(registration.decided_by, self.officer_a)
        self.assertEqual(registration.history.get().history_change_reason, "Serial stalker")

        notice = self.client.get(notice_url)
        for text in (
            "You are registered",
            "Broad convicted",
            "notification requirements are set out separately by your offender manager",
            "How to ask for a review or appeal",
            "Record notice served",
        ):
            self.assertContains(notice, text)
        served = self.client.post(
            notice_url, {"served_on": TODAY.isoformat(), "reason": "Handed over at home visit"}
        )
        self.assertRedirects(served, notice_url)
        registration.refresh_from_db()
        self.assertEqual(registration.notice_served_on, TODAY)
        self.assertNotContains(self.client.get(notice_url), "Record notice served")

        request_url = reverse("registration-review-request", args=[registration.pk])
        self.assert_error(
            self.client.post(request_url, {"requested_on": TODAY.isoformat()}),
            "kind",
            "Select review or appeal",
        )
        self.client.post(
            request_url,
            {
                "kind": "appeal",
                "requested_on": TODAY.isoformat(),
                "requested_by": "Their solicitor",
                "grounds": "Convictions were quashed",
            },
        )
        review = RegistrationReview.objects.get()
        self.assertEqual(review.kind, "appeal")
        profile = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        decide_url = reverse("registration-review-decide", args=[registration.pk, review.pk])
        self.assertContains(profile, decide_url)

        self.assert_error(
            self.client.post(decide_url, {"outcome": "upheld", "decided_on": TODAY.isoformat()}),
            "outcome_reason",
            "Enter the reason for the outcome",
        )
        self.client.post(
            decide_url,
            {
                "outcome": "upheld",
                "outcome_reason": "Grounds not made out",
                "decided_on": TODAY.isoformat(),
            },
        )
        review.refresh_from_db()
        self.assertEqual((review.outcome, review.decided_by), ("upheld", self.officer_a))

        end_url = reverse("registration-end", args=[registration.pk])
        self.assertContains(
            self.client.get(end_url), "Are you sure you want to end this registration?"
        )
        self.assert_error(
            self.client.post(end_url, {"ended_on": TODAY.isoformat()}),
            "end_reason",
            "Enter why the registration ends",
        )
        registration.refresh_from_db()
        self.assertIsNone(registration.ended_on)
        self.client.post(
            end_url, {"ended_on": TODAY.isoformat(), "end_reason": "Review date reached"}
        )
        registration.refresh_from_db()
        self.assertEqual(registration.ended_on, TODAY)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.registration_status, "ended")
        self.assert_not_found(self.client.get(end_url))

    def test_deciding_not_to_register(self) -> None:
        response = self.decide(decision="do_not_register", starts_on="", review_on="")
        self.assertRedirects(
            response, reverse("nominal-detail", args=[self.nominal.pk]) + "#registration"
        )
        registration = Registration.objects.get()
        self.assertEqual(registration.decision, "do_not_register")
        self.assert_not_found(
            self.client.get(reverse("registration-notice", args=[registration.pk]))
        )


# The list, search and priority -------------------------------------------------------------


class ListSearchAndPriorityTests(RegisterTestCase):
    def setUp(self) -> None:
        self.team = make_team(self.agency_a, "Public protection unit")
        self.officer_a.team = self.team
        self.officer_a.save()
        self.high = factories.nominal(self.officer_a, family_name="Highrisk")
        services.nominal_update(
            actor=self.officer_a,
            nominal=self.high,
            responsible_officer=self.officer_a,
            reason="Allocated",
        )
        add(
            self.officer_a,
            self.high,
            "risk-assessments",
            tool="oasys_rosh",
            assessed_on=days_ago(1),
            level="high",
        )
        for i in range(3):
            add(
                self.officer_a,
                self.high,
                "incidents",
                occurred_on=days_ago(10 + i),
                victim_reference=f"V{i}",
                victim_relationship="intimate_partner",
            )
        self.low = factories.nominal(self.officer_a, family_name="Lowrisk", given_names="Lena")
        self.as_user(self.officer_a)

    def test_filters_and_sort_links(self) -> None:
        url = reverse("nominal-list")
        high_only = self.client.get(url, {"risk_level": "high"})
        self.assertEqual(list(high_only.context["page"].object_list), [self.high])
        by_officer = self.client.get(url, {"officer": self.officer_a.pk})
        self.assertEqual(list(by_officer.context["page"].object_list), [self.high])
        by_team = self.client.get(url, {"team": self.team.pk})
        self.assertEqual(list(by_team.context["page"].object_list), [self.high])
        self.assertContains(by_team, f"team={self.team.pk}&amp;sort=priority")
        nobody = self.client.get(url, {"registration_status": "registered"})
        self.assertContains(nobody, "No people match these filters.")
        by_name = self.client.get(url)
        self.assertEqual(list(by_name.context["page"].object_list), [self.high, self.low])
        self.assertContains(by_name, 'aria-sort="ascending"')
        reversed_names = self.client.get(url, {"sort": "-name"})
        self.assertEqual(list(reversed_names.context["page"].object_list), [self.low, self.high])
        by_priority = self.client.get(url, {"sort": "priority"})
        self.assertEqual(by_priority.context["page"].object_list[0], self.high)
        self.assertContains(by_priority, 'aria-sort="descending"')
        bad = self.client.get(url, {"officer": "999999"})
        self.assertContains(bad, "Select one of the options for the responsible officer")

    def test_search_explains_itself_and_ranks_with_reasons(self) -> None:
        page = self.client.get(reverse("nominal-search"))
        self.assertContains(page, "a date of birth like 31/01/1980")
        results = self.client.get(reverse("nominal-search"), {"q": "Lena Lowrisc"})
        hits = results.context["hits"]
        self.assertEqual(hits[0].nominal, self.low)
        self.assertContains(results, "Full name sounds alike")
        none = self.client.get(reverse("nominal-search"), {"q": "Zebedee Quorn"})
        self.assertContains(none, "Nobody your agency can see matches.")

    def test_priority_ranks_with_the_parts_of_the_score(self) -> None:
        response = self.client.get(reverse("priority-list"))
        rows = response.context["rows"]
        self.assertEqual([r["nominal"] for r in rows], [self.high, self.low])
        self.assertEqual(rows[0]["rank"], 1)
        parts = dict(rows[0]["parts"])
        self.assertEqual(set(parts), {"Recency", "Frequency", "Gravity", "Victims"})
        self.assertGreater(parts["Victims"], 0)
        self.assertContains(response, "How this was scored")
        team_only = self.client.get(reverse("priority-list"), {"team": self.team.pk})
        self.assertEqual([r["nominal"] for r in team_only.context["rows"]], [self.high])

    def test_priority_is_paginated(self) -> None:
        for i in range(26):
            factories.nominal(self.officer_a, family_name=f"Bulk{i:02d}")
        first = self.client.get(reverse("priority-list"))
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(reverse("priority-list"), {"page": 2})
        self.assertEqual(second.context["rows"][0]["rank"], 26)


def make_team(agency: Any, name: str) -> Any:
    from register.models import Team

    return Team.objects.create(agency=agency, name=name)
