"""Strict input (issue 12): unknown fields, dates of birth, names, no existence oracle.

- Every write endpoint of /api/v1/ (found in the OpenAPI schema, so endpoints added later are
  swept too) answers an unknown field with 400 naming it, and changes nothing.
- A date of birth in the future, before 1900, or making the person under 10 at an offence is
  refused (pages and API share the rule), and so is an offence before their 10th birthday.
- Names refuse control characters and values with no letter.
- A related-record field answers another agency's id exactly as it answers a missing one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.test import APIClient

from core.input import UNKNOWN_FIELD_MESSAGE
from mappa.api import MANAGER_NOT_OFFERED
from mappa.models import PlanStatus, Referral, ReferralStatus, RiskManagementPlan
from notifications import services as notification_services
from notifications.models import NotificationPeriod, PauseKind, Task
from notifications.selectors import casework_due_items
from partners.models import DeliveryState, WebhookDelivery
from partners.services import subscription_create
from register import demo, services
from register import models as m
from register.models import ApiScope, ReviewKind, Role
from register.serializers import (
    CONVICTION_NOT_IN_SCOPE,
    OFFICER_NOT_IN_SCOPE,
    ORDER_NOT_IN_SCOPE,
    STAFF_NOT_IN_SCOPE,
)
from register.services import api_client_create
from register.services.nominals import SAFEGUARD_FIELD_MESSAGE
from register.services.transfers import transfer_request
from register.validators import (
    DATE_OF_BIRTH_AFTER_OFFENCE_MESSAGE,
    DATE_OF_BIRTH_FUTURE_MESSAGE,
    DATE_OF_BIRTH_TOO_EARLY_MESSAGE,
    NAME_CONTROL_MESSAGE,
    NAME_NO_LETTER_MESSAGE,
    OFFENCE_UNDER_AGE_MESSAGE,
    tenth_birthday,
    under_age_of_responsibility,
    validate_date_of_birth,
)
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase
from tests.core.test_schemathesis import CLIENT_ROLES, demo_ids, real_value
from victims import services as victim_services
from victims.models import Victim

WRITE_METHODS = ("post", "put", "patch", "delete")
# Reads are logged (AccessLog) even when the write that follows is refused: not a change.
NOT_CHANGES = {"register.accesslog"}


def api(user: m.StaffUser) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def database_state() -> tuple[Any, ...]:
    """Row counts of every table of the register's apps (history and outbox included). One query."""
    tables = sorted(
        {
            model._meta.db_table
            for app in ("core", "register", "notifications", "mappa", "victims")
            for model in apps.get_app_config(app).get_models()
            if model._meta.label_lower not in NOT_CHANGES and model._meta.managed
        }
        & set(connection.introspection.table_names())
    )
    counts = ", ".join(
        f"(SELECT count(*) FROM {connection.ops.quote_name(t)})"  # noqa: S608 - model tables
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(cursor.fetchone() or ())


def write_operations() -> list[tuple[str, str]]:
    """(method, path template) of every write operation the API documents taking a body.

    The schema shows no body for a DELETE, so a detail's removal (which takes its `reason`)
    is added by its path; DELETEs run last, so no other operation loses its record.
    """
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = [
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in WRITE_METHODS
        and (
            "requestBody" in operation
            or (method == "delete" and path.startswith("/api/v1/nominals/"))
        )
    ]
    return sorted(found, key=lambda operation: operation[0] == "delete")


def any_record_id(parameter: str) -> str | None:
    """The first row of the model a path parameter names ("transfer_id" -> a Transfer), for
    endpoints the demo gives no record of its own."""
    name = parameter.removesuffix("_id").replace("_", "")
    candidates = [
        model
        for model in apps.get_models()
        if str(model._meta.model_name) == name
        or (
            str(model._meta.model_name).endswith(name)
            and not str(model._meta.model_name).startswith("historical")
        )
    ]
    candidates.sort(key=lambda model: str(model._meta.model_name) != name)  # exact name first
    for model in candidates:
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            return str(pk)
    return None


class UnknownFieldsOnEveryWriteEndpoint(TestCase):
    """Sweeps the schema with the demo data: each path reaches a real record the caller may
    change, so the request gets as far as reading its body. An endpoint whose path names a
    record the demo lacks fails here saying which: give it one in `setUpTestData`."""

    user: m.StaffUser
    partner: Any
    ids: dict[str, str | None]

    @classmethod
    def setUpTestData(cls) -> None:
        demo.load()
        nmp = m.Agency.objects.get(code="NMP")
        # Northmoor's offender manager, holding every casework role too: the demo's tasks
        # are theirs, and MAPPA and victims endpoints open to them.
        cls.user = m.StaffUser.objects.get(username="om.nmp")
        cls.user.roles = [
            Role.OFFENDER_MANAGER,
            Role.VICTIM_LIAISON_OFFICER,
            Role.MAPPA_COORDINATOR,
            Role.SUPERVISOR,
            Role.ADMINISTRATOR,
        ]
        cls.user.save(update_fields=["roles"])
        cls.partner, _ = api_client_create(
            actor=None,
            agency=nmp,
            name="Strict input",
            roles=CLIENT_ROLES,
            scopes=list(ApiScope.values),
            reason="Test",
        )
        cls.ids = demo_ids()
        smith = m.Nominal.objects.get(pk=str(cls.ids["nominal_id"]))
        # Every kind of detail, so each item endpoint has one of SMITH's to address.
        for kind, detail in rf.one_of_each(cls.user, smith).items():
            cls.ids[f"{kind}:detail_id"] = str(detail.pk)
        cls.ids["item_id"] = str(casework_due_items().filter(nominal=smith).order_by("pk")[0].pk)
        cls.ids["task_id"] = str(Task.objects.filter(owner=cls.user).order_by("pk")[0].pk)
        registration = smith.registrations.order_by("-decided_on").first()
        cls.ids["registration_id"] = None if registration is None else str(registration.pk)
        # Indefinite notification requirements, so their review endpoint has one to review.
        NotificationPeriod.objects.filter(registration=registration).update(
            indefinite=True, ends_on=None
        )
        cls.ids["pause_id"] = str(
            notification_services.notification_pause_record(
                actor=cls.user,
                nominal=smith,
                kind=PauseKind.HOSPITAL,
                starts_on=dt.date(2026, 1, 5),
                ends_on=dt.date(2026, 1, 9),
                note="",
                reason="Strict input test",
            ).pk
        )
        cls.add_records_the_demo_lacks(nmp, smith)
        if cls.ids["grant_id"] is None:
            victim = Victim.objects.select_related("vlo").get(pk=str(cls.ids["victim_id"]))
            assert victim.vlo is not None  # the demo's victims have their VLO
            cls.ids["grant_id"] = str(
                victim_services.grant_add(
                    actor=victim.vlo,
                    victim=victim,
                    grantee=factories.staff(nmp, Role.OFFENDER_MANAGER),
                    reason="Strict input test",
                ).pk
            )

    @classmethod
    def add_records_the_demo_lacks(cls, nmp: m.Agency, smith: m.Nominal) -> None:
        """A referral, a review, transfers both ways and a webhook subscription to address."""
        referral = Referral.objects.filter(addressed_to=nmp, status=ReferralStatus.PENDING)
        cls.ids["referral_id"] = str(referral.order_by("pk")[0].pk)
        # A plan awaiting approval (demo ids are random: the first plan may be approved).
        draft = RiskManagementPlan.objects.filter(status=PlanStatus.DRAFT).order_by("pk")
        cls.ids["plan_id"] = str(draft[0].pk)
        registration = smith.registrations.order_by("-decided_on")[0]
        cls.ids["review_id"] = str(
            services.registration_review_request(
                actor=cls.user,
                registration=registration,
                kind=ReviewKind.REVIEW,
                requested_on=timezone.localdate(),
                requested_by="The person's solicitor",
                grounds="Strict input test",
            ).pk
        )
        southdale = m.StaffUser.objects.get(username="sup.sdp")
        theirs = m.Nominal.objects.filter(lead_agency=southdale.agency).order_by("pk")[0]
        cls.ids["transfer_id"] = str(
            transfer_request(
                actor=southdale, nominal=theirs, to_agency=nmp, new_area="Northmoor", reason="r"
            ).pk
        )
        ours = m.Nominal.objects.filter(lead_agency=nmp).exclude(pk=smith.pk).order_by("pk")[0]
        cls.ids["outgoing_transfer_id"] = str(
            transfer_request(
                actor=cls.user,
                nominal=ours,
                to_agency=southdale.agency,
                new_area="Southdale",
                reason="r",
            ).pk
        )
        subscription = subscription_create(
            actor=cls.partner.user,
            client=cls.partner,
            url="https://partner.example.org/hooks",
            event_types=["*"],
        ).subscription
        cls.ids["subscription_id"] = str(subscription.pk)
        cls.ids["delivery_id"] = str(
            WebhookDelivery.objects.create(
                subscription=subscription,
                event_type="nominal.changed",
                payload={},
                state=DeliveryState.DEAD,
            ).pk
        )

    def url(self, path: str) -> str:
        if path.endswith("/withdraw/"):  # the caller's own agency asked for this transfer
            path = path.replace("{transfer_id}", str(self.ids["outgoing_transfer_id"]))

        def value(match: re.Match[str]) -> str:
            found = real_value(path, match[1], self.ids) or any_record_id(match[1])
            self.assertIsNotNone(found, f"No record for {{{match[1]}}} in {path}")
            return str(found)

        return re.sub(r"\{(\w+)\}", value, path)

    def client_for(self, path: str) -> APIClient:
        client = APIClient()
        if path.startswith("/api/v1/webhooks/"):  # partner systems' own endpoints
            client.force_authenticate(self.partner.user, token=self.partner)
        else:
            client.force_authenticate(self.user)
        return client

    def test_every_write_endpoint_names_an_unknown_field_and_changes_nothing(self) -> None:
        operations = write_operations()
        self.assertGreater(len(operations), 60)
        for method, path in operations:
            with self.subTest(f"{method.upper()} {path}"):
                before = database_state()
                response = self.client_for(path).generic(
                    method.upper(),
                    self.url(path),
                    json.dumps({"favourite_colour": "blue"}),
                    content_type="application/json",
                    HTTP_IF_MATCH="*",
                )
                self.assertEqual(response.status_code, 400, response.content[:500])
                self.assertEqual(response.json().get("favourite_colour"), [UNKNOWN_FIELD_MESSAGE])
                self.assertEqual(database_state(), before)


class UnknownFieldsWithValidBodies(RegisterTestCase):
    """A body that would be accepted is refused whole when it carries one unknown field."""

    officer: m.StaffUser
    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.officer = cls.officer_a
        cls.nominal = factories.nominal(cls.officer, family_name="Strict")

    def test_creating_a_nominal(self) -> None:
        body = {
            "family_name": "Blue",
            "given_names": "Anna",
            "date_of_birth": "1980-01-01",
            "reason": "Referral",
            "favourite_colour": "blue",
        }
        response = api(self.officer).post("/api/v1/nominals/", body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"favourite_colour": [UNKNOWN_FIELD_MESSAGE]})
        self.assertFalse(m.Nominal.objects.filter(family_name="Blue").exists())
        del body["favourite_colour"]
        response = api(self.officer).post("/api/v1/nominals/", body, format="json")
        self.assertEqual(response.status_code, 201, response.content)

    def test_adding_a_detail_names_each_unknown_field_with_the_other_errors(self) -> None:
        body = {**rf.api_payload("convictions"), "reason": "Court", "colour": "x", "size": 2}
        del body["conviction_date"]
        response = api(self.officer).post(
            f"/api/v1/nominals/{self.nominal.pk}/convictions/", body, format="json"
        )
        self.assertEqual(response.status_code, 400)
        errors = response.json()
        self.assertEqual(errors["colour"], [UNKNOWN_FIELD_MESSAGE])
        self.assertEqual(errors["size"], [UNKNOWN_FIELD_MESSAGE])
        self.assertIn("conviction_date", errors)
        self.assertNotIn("reason", errors)  # the detail's reason is known, if not its field
        self.assertFalse(m.Conviction.objects.exists())

    def test_a_form_encoded_body_is_checked_too(self) -> None:
        response = api(self.officer).post(
            f"/api/v1/nominals/{self.nominal.pk}/names/",
            {**rf.api_payload("names"), "reason": "Alias", "nickname": "x"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json(), {"nickname": [UNKNOWN_FIELD_MESSAGE]})

    def test_a_safeguard_field_keeps_its_own_message(self) -> None:
        response = api(self.officer).post(
            "/api/v1/nominals/",
            {
                "family_name": "Blue",
                "given_names": "Anna",
                "reason": "Referral",
                "possible_misidentified_victim": "",
            },
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(), {"possible_misidentified_victim": [SAFEGUARD_FIELD_MESSAGE]}
        )


class UnknownFieldsInNestedSerializers(TestCase):
    def test_a_nested_unknown_field_is_reported_under_its_path(self) -> None:
        class Item(serializers.Serializer[Any]):
            code = serializers.CharField()

        class Outer(serializers.Serializer[Any]):
            items = Item(many=True)

        data = Outer(data={"items": [{"code": "a"}, {"code": "b", "extra": 1}]})
        self.assertFalse(data.is_valid())
        self.assertEqual(list(data.errors), ["items"])
        self.assertEqual(data.errors["items"][1], {"extra": [UNKNOWN_FIELD_MESSAGE]})

    def test_read_only_fields_are_known_and_ignored(self) -> None:
        class Shape(serializers.Serializer[Any]):
            id = serializers.UUIDField(read_only=True)
            name = serializers.CharField()

        data = Shape(data={"id": "x", "name": "a"})
        self.assertTrue(data.is_valid(), data.errors)
        self.assertEqual(dict(data.validated_data), {"name": "a"})


# Dates of birth and names ------------------------------------------------------------------


class DatesOfBirth(RegisterTestCase):
    """One rule for pages, API and services (register.validators, called by the models)."""

    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Dob", date_of_birth=None)

    def create(self, date_of_birth: str) -> Any:
        return api(self.officer_a).post(
            "/api/v1/nominals/",
            {
                "family_name": "Born",
                "given_names": "Anna",
                "date_of_birth": date_of_birth,
                "reason": "Referral",
            },
            format="json",
        )

    def test_future_early_and_far_dates_are_refused_by_the_api(self) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        for sent, message in (
            (tomorrow.isoformat(), DATE_OF_BIRTH_FUTURE_MESSAGE),
            ("9999-12-31", DATE_OF_BIRTH_FUTURE_MESSAGE),
            ("1850-06-01", DATE_OF_BIRTH_TOO_EARLY_MESSAGE),
            ("1899-12-31", DATE_OF_BIRTH_TOO_EARLY_MESSAGE),
        ):
            with self.subTest(sent):
                response = self.create(sent)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {"date_of_birth": [message]})
        self.assertFalse(m.Nominal.objects.filter(family_name="Born").exists())
        for sent in ("1900-01-01", timezone.localdate().isoformat()):
            with self.subTest(sent):
                self.assertEqual(self.create(sent).status_code, 201)

    def test_the_page_shows_the_message_next_to_the_field(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("nominal-create"),
            {
                "given_names": "Anna",
                "family_name": "Born",
                "date_of_birth": "1850-06-01",
                "reason": "MARAC",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, DATE_OF_BIRTH_TOO_EARLY_MESSAGE, count=2)
        self.assertFalse(m.Nominal.objects.filter(family_name="Born").exists())

    def test_a_date_of_birth_making_the_person_under_10_at_an_offence_is_refused(self) -> None:
        rf.add(self.officer_a, self.nominal, "convictions", rf.service_data("convictions"))
        offence_on = dt.date(2015, 1, 5)  # the factory's offence date
        url = f"/api/v1/nominals/{self.nominal.pk}/"
        etag = api(self.officer_a).get(url)["ETag"]
        born = offence_on - dt.timedelta(days=365 * 10 - 5)  # 9 when they offended
        response = api(self.officer_a).patch(
            url,
            {"date_of_birth": born.isoformat(), "reason": "Corrected"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {"date_of_birth": [DATE_OF_BIRTH_AFTER_OFFENCE_MESSAGE.format(offence=offence_on)]},
        )
        self.assertIn(
            "Children and Young Persons Act 1933 s.50", response.json()["date_of_birth"][0]
        )
        self.nominal.refresh_from_db()
        self.assertIsNone(self.nominal.date_of_birth)
        # Ten on the day of the offence is old enough.
        response = api(self.officer_a).patch(
            url,
            {"date_of_birth": "2005-01-05", "reason": "Corrected"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(response.status_code, 200, response.content)

    def test_a_conviction_for_an_offence_before_the_10th_birthday_is_refused(self) -> None:
        nominal = factories.nominal(
            self.officer_a, family_name="Young", date_of_birth=dt.date(2008, 2, 29)
        )
        url = f"/api/v1/nominals/{nominal.pk}/convictions/"
        body = {**rf.api_payload("convictions"), "reason": "Court"}
        # Born on 29 February 2008, they turn 10 on 1 March 2018.
        body["offence_date"], body["conviction_date"] = "2018-02-28", "2018-06-01"
        response = api(self.officer_a).post(url, body, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {"offence_date": [OFFENCE_UNDER_AGE_MESSAGE.format(born=dt.date(2008, 2, 29))]},
        )
        # Without an offence date, the conviction's date is held to the same rule.
        del body["offence_date"]
        body["conviction_date"] = "2017-12-01"
        response = api(self.officer_a).post(url, body, format="json")
        self.assertEqual(list(response.json()), ["conviction_date"])
        self.assertFalse(m.Conviction.objects.filter(nominal=nominal).exists())
        body["offence_date"], body["conviction_date"] = "2018-03-01", "2018-06-01"
        response = api(self.officer_a).post(url, body, format="json")
        self.assertEqual(response.status_code, 201, response.content)

    def test_the_rules_unit(self) -> None:
        self.assertEqual(tenth_birthday(dt.date(2008, 2, 29)), dt.date(2018, 3, 1))
        self.assertTrue(under_age_of_responsibility(dt.date(2000, 5, 2), dt.date(2010, 5, 1)))
        self.assertFalse(under_age_of_responsibility(dt.date(2000, 5, 2), dt.date(2010, 5, 2)))
        self.assertFalse(under_age_of_responsibility(None, dt.date(2010, 5, 2)))
        with self.assertRaises(ValidationError):
            validate_date_of_birth(dt.date(2026, 1, 2), today=dt.date(2026, 1, 1))
        validate_date_of_birth(dt.date(2026, 1, 1), today=dt.date(2026, 1, 1))


class Names(RegisterTestCase):
    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Named")

    def test_a_nominal_name_with_no_letter_or_a_control_character_is_refused(self) -> None:
        for family_name, message in (
            ("12345", NAME_NO_LETTER_MESSAGE),
            ("--", NAME_NO_LETTER_MESSAGE),
            ("Smith\tJones", NAME_CONTROL_MESSAGE),
        ):
            with self.subTest(family_name):
                response = api(self.officer_a).post(
                    "/api/v1/nominals/",
                    {"family_name": family_name, "given_names": "Anna", "reason": "Referral"},
                    format="json",
                )
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {"family_name": [message]})
        self.assertEqual(m.Nominal.objects.count(), 1)

    def test_names_in_any_script_with_marks_are_accepted(self) -> None:
        for family_name in ("O'Neill", "Bellamy-Hart", "Ó Súilleabháin", "Łukasz", "محمد", "Li 2"):
            with self.subTest(family_name):
                response = api(self.officer_a).post(
                    "/api/v1/nominals/",
                    {"family_name": family_name, "given_names": "A", "reason": "Referral"},
                    format="json",
                )
                self.assertEqual(response.status_code, 201, response.content)

    def test_aliases_follow_the_rule_but_online_names_are_handles(self) -> None:
        url = f"/api/v1/nominals/{self.nominal.pk}/names/"
        alias = {"kind": m.NameKind.ALIAS, "family_name": "007", "reason": "Alias"}
        response = api(self.officer_a).post(url, alias, format="json")
        self.assertEqual(response.json(), {"family_name": [NAME_NO_LETTER_MESSAGE]})
        handle = {"kind": m.NameKind.ONLINE, "given_names": "1984", "platform": "X", "reason": "r"}
        self.assertEqual(api(self.officer_a).post(url, handle, format="json").status_code, 201)
        handle["given_names"] = "a\nb"
        response = api(self.officer_a).post(url, handle, format="json")
        self.assertEqual(response.status_code, 400)

    def test_the_edit_page_shows_the_message_next_to_the_field(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("nominal-edit", args=[self.nominal.pk])
        data = {"family_name": "1234", "given_names": "John", "sex": "male", "reason": "Typo"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, NAME_NO_LETTER_MESSAGE, count=2)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.family_name, "Named")


# No existence oracle -----------------------------------------------------------------------


class NoExistenceOracle(RegisterTestCase):
    """Another agency's record, another person's record and a made-up id get one answer."""

    nominal: m.Nominal
    neighbour: m.Nominal
    theirs_nominal: m.Nominal
    ours: dict[str, Any]
    neighbours: dict[str, Any]
    theirs: dict[str, Any]
    manager_b: m.StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Ours")
        cls.ours = rf.one_of_each(cls.officer_a, cls.nominal)
        cls.neighbour = factories.nominal(cls.officer_a, family_name="Neighbour")
        cls.neighbours = rf.one_of_each(cls.officer_a, cls.neighbour)
        cls.theirs_nominal = factories.nominal(cls.officer_b, family_name="Theirs")
        cls.theirs = rf.one_of_each(cls.officer_b, cls.theirs_nominal)
        cls.manager_b = factories.staff(cls.agency_b, Role.OFFENDER_MANAGER, username="om.b")

    def post(self, kind: str, **fields: Any) -> Any:
        body = {**rf.api_payload(kind, order=self.ours["civil-orders"]), "reason": "r", **fields}
        return api(self.officer_a).post(
            f"/api/v1/nominals/{self.nominal.pk}/{kind}/", body, format="json"
        )

    def assert_same_answer(self, kind: str, field: str, values: dict[str, str]) -> None:
        answers = {}
        for label, value in values.items():
            before = database_state()
            response = self.post(kind, **{field: value})
            self.assertEqual(response.status_code, 400, (label, response.content))
            answers[label] = response.content
            self.assertEqual(database_state(), before)
        self.assertEqual(len(set(answers.values())), 1, answers)
        self.assertEqual(set(json.loads(next(iter(answers.values())))), {field})

    def records(self, kind: str) -> dict[str, str]:
        return {
            "missing": str(uuid.uuid4()),
            "not a uuid": "12",
            "another person's": str(self.neighbours[kind].pk),
            "another agency's": str(self.theirs[kind].pk),
        }

    def test_order_of_an_order_condition(self) -> None:
        self.assert_same_answer("order-conditions", "order", self.records("civil-orders"))
        response = self.post("order-conditions", order="12")
        self.assertEqual(response.json(), {"order": [ORDER_NOT_IN_SCOPE]})

    def test_conviction_of_an_order_breach(self) -> None:
        self.assert_same_answer("order-breaches", "conviction", self.records("convictions"))

    def test_consecutive_to_of_a_conviction(self) -> None:
        self.assert_same_answer("convictions", "consecutive_to", self.records("convictions"))
        response = self.post("convictions", consecutive_to=str(uuid.uuid4()))
        self.assertEqual(response.json(), {"consecutive_to": [CONVICTION_NOT_IN_SCOPE]})

    def staff(self) -> dict[str, str]:
        return {"missing": "nobody.here", "another agency's": self.manager_b.username}

    def test_staff_pickers_of_the_api(self) -> None:
        self.assert_same_answer("risk-assessments", "assessor", self.staff())
        self.assert_same_answer("order-conditions", "compliance_officer", self.staff())
        response = self.post("risk-assessments", assessor="nobody.here")
        self.assertEqual(response.json(), {"assessor": [STAFF_NOT_IN_SCOPE]})
        self.assertEqual(self.post("risk-assessments", assessor="supervisor.a").status_code, 201)

    def test_staff_of_an_agency_the_record_is_shared_with_can_be_named(self) -> None:
        services.nominal_share(
            actor=self.officer_a, nominal=self.nominal, agency=self.agency_b, reason="MARAC"
        )
        response = self.post("risk-assessments", assessor=self.manager_b.username)
        self.assertEqual(response.status_code, 201, response.content)
        # Not staff outside casework roles, whichever agency.
        response = self.post("risk-assessments", assessor=self.admin_b.username)
        self.assertEqual(response.json(), {"assessor": [STAFF_NOT_IN_SCOPE]})

    def test_responsible_officer_on_create_and_change(self) -> None:
        answers = set()
        for username in ("nobody.here", self.manager_b.username):
            response = api(self.officer_a).post(
                "/api/v1/nominals/",
                {
                    "family_name": "New",
                    "given_names": "Person",
                    "responsible_officer": username,
                    "reason": "r",
                },
                format="json",
            )
            answers.add(response.content)
            url = f"/api/v1/nominals/{self.nominal.pk}/"
            response = api(self.officer_a).patch(
                url,
                {"responsible_officer": username, "reason": "r"},
                format="json",
                HTTP_IF_MATCH=api(self.officer_a).get(url)["ETag"],
            )
            answers.add(response.content)
        self.assertEqual(
            [json.loads(a) for a in answers], [{"responsible_officer": [OFFICER_NOT_IN_SCOPE]}]
        )
        self.assertFalse(m.Nominal.objects.filter(family_name="New").exists())

    def test_the_assessor_picker_on_the_page_offers_staff_of_agencies_holding_the_record(
        self,
    ) -> None:
        self.as_user(self.officer_a)
        url = reverse("detail-add", args=[self.nominal.pk, "risk-assessments"])
        option = f'<option value="{self.manager_b.pk}">'
        self.assertNotContains(self.client.get(url), option)
        services.nominal_share(
            actor=self.officer_a, nominal=self.nominal, agency=self.agency_b, reason="MARAC"
        )
        self.assertContains(self.client.get(url), option)


class NoExistenceOracleInMappa(RegisterTestCase):
    """MAPPA's staff fields: a username nobody has and another agency's officer, one answer;
    and a person the caller may not see answers as one who does not exist."""

    coordinator: m.StaffUser
    nominal: m.Nominal
    theirs: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator = factories.staff(cls.agency_a, Role.MAPPA_COORDINATOR, username="mappa.a")
        cls.nominal = factories.nominal(cls.officer_a, family_name="Managed")
        cls.theirs = factories.nominal(cls.officer_b, family_name="Theirs")

    def open_case(self, **fields: Any) -> Any:
        body = {
            "nominal": str(self.nominal.pk),
            "category": 2,
            "level": 2,
            "responsible_manager": "officer.a",
            "start_date": timezone.localdate().isoformat(),
            "reason": "Referral accepted",
            **fields,
        }
        return api(self.coordinator).post("/api/v1/mappa/cases/", body, format="json")

    def test_responsible_manager(self) -> None:
        missing = self.open_case(responsible_manager="nobody.here")
        theirs = self.open_case(responsible_manager="officer.b")
        self.assertEqual(missing.status_code, 400)
        self.assertEqual(missing.json(), {"responsible_manager": [MANAGER_NOT_OFFERED]})
        self.assertEqual(theirs.content, missing.content)

    def test_nominal(self) -> None:
        missing = self.open_case(nominal=str(uuid.uuid4()))
        theirs = self.open_case(nominal=str(self.theirs.pk))
        self.assertEqual(missing.status_code, 400)
        self.assertEqual(theirs.content, missing.content)
