"""generate_register: synthetic people in bulk, valid, reproducible and behind the access gate."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase

from register import demo, models, priority, search, selectors, synthetic
from register.models import Agency, AgencyKind, NameKind, Nominal, NominalName, Role
from register.validators import validate_ni_number, validate_pnc_id
from tests import factories

AS_OF = dt.date(2026, 6, 1)
N = 200


def _people() -> list[tuple[object, ...]]:
    return list(
        Nominal.objects.order_by("pk").values_list(
            "pk", "given_names", "family_name", "date_of_birth", "pnc_id", "ni_number"
        )
    )


class GenerateRegisterTests(TestCase):
    agency_a: Agency
    agency_b: Agency
    agency_c: Agency
    officer_a: models.StaffUser
    officer_b: models.StaffUser
    officer_c: models.StaffUser
    result: synthetic.Result

    @classmethod
    def setUpTestData(cls) -> None:
        cls.agency_a = factories.agency("GA", AgencyKind.POLICE_FORCE)
        cls.agency_b = factories.agency("GB", AgencyKind.PROBATION_REGION)
        cls.agency_c = factories.agency("GC", AgencyKind.POLICE_FORCE)
        cls.officer_a = factories.staff(cls.agency_a, Role.OFFENDER_MANAGER)
        cls.officer_b = factories.staff(cls.agency_b, Role.OFFENDER_MANAGER)
        cls.officer_c = factories.staff(cls.agency_c, Role.OFFENDER_MANAGER)
        cls.result = synthetic.generate(
            nominals=N, seed=7, agencies=[cls.agency_a, cls.agency_b], as_of=AS_OF, batch_size=64
        )

    def test_counts_are_as_asked(self) -> None:
        self.assertEqual(Nominal.objects.count(), N)
        self.assertEqual(self.result.counts["register_nominal"], N)
        for model, table in [
            (NominalName, "register_nominalname"),
            (models.Address, "register_address"),
            (models.ContactDetail, "register_contactdetail"),
            (models.Vehicle, "register_vehicle"),
            (models.Conviction, "register_conviction"),
            (models.ReportedIncident, "register_reportedincident"),
            (models.CivilOrder, "register_civilorder"),
            (models.OrderCondition, "register_ordercondition"),
            (models.RiskAssessment, "register_riskassessment"),
            (models.NominalAgencyPermission, "register_nominalagencypermission"),
        ]:
            self.assertEqual(model._default_manager.count(), self.result.counts[table], table)
        # Every person has 1-3 addresses (one main or weekly location) and 1-4 convictions.
        per_nominal = Counter(models.Address.objects.values_list("nominal_id", flat=True))
        self.assertEqual(len(per_nominal), N)
        self.assertLessEqual(max(per_nominal.values()), 3)
        mains = models.Address.objects.exclude(kind="other").values_list("nominal_id", flat=True)
        self.assertEqual(sorted(Counter(mains).values()), [1] * N)
        convictions = Counter(models.Conviction.objects.values_list("nominal_id", flat=True))
        self.assertEqual(len(convictions), N)
        self.assertLessEqual(max(convictions.values()), 4)
        # Proportions, loosely: PNC IDs ~80%, NI numbers ~70%, vehicles ~30%, orders ~25%.
        self.assertTrue(0.65 * N < Nominal.objects.exclude(pnc_id="").count() < 0.93 * N)
        self.assertTrue(0.55 * N < Nominal.objects.exclude(ni_number="").count() < 0.85 * N)
        with_vehicle = models.Vehicle.objects.values("nominal_id").distinct().count()
        self.assertTrue(0.15 * N < with_vehicle < 0.45 * N)
        with_order = models.CivilOrder.objects.values("nominal_id").distinct().count()
        self.assertTrue(0.1 * N < with_order < 0.4 * N)

    def test_every_nominal_has_a_current_name_with_its_search_keys(self) -> None:
        current = {n.nominal_id: n for n in NominalName.objects.filter(kind=NameKind.CURRENT)}
        self.assertEqual(len(current), N)
        self.assertEqual(NominalName.objects.filter(kind=NameKind.CURRENT).count(), N)
        for nominal in Nominal.objects.all():
            name = current[nominal.pk]
            self.assertEqual(
                (name.given_names, name.family_name), (nominal.given_names, nominal.family_name)
            )
        for name in NominalName.objects.all():
            keys = search.name_keys(name.given_names, name.family_name)
            self.assertEqual({k: getattr(name, k) for k in keys}, keys, f"{name.kind} {name}")
        self.assertTrue(NominalName.objects.exclude(kind=NameKind.CURRENT).exists())

    def test_records_pass_model_validation(self) -> None:
        for value in Nominal.objects.exclude(pnc_id="").values_list("pnc_id", flat=True):
            validate_pnc_id(value)
        for value in Nominal.objects.exclude(ni_number="").values_list("ni_number", flat=True):
            validate_ni_number(value)
        sample = list(Nominal.objects.order_by("pk")[:25])
        for nominal in sample:
            nominal.full_clean()
        for model in [
            NominalName,
            models.Address,
            models.ContactDetail,
            models.Vehicle,
            models.Conviction,
            models.ReportedIncident,
            models.CivilOrder,
            models.RiskAssessment,
        ]:
            for row in model._default_manager.filter(**{"nominal__in": sample}):
                row.full_clean()
        for condition in models.OrderCondition.objects.all()[:25]:
            condition.full_clean()
        for contact in models.ContactDetail.objects.filter(kind="phone"):
            self.assertEqual(contact.search_value, search.normalise_phone(contact.value))

    def test_risk_level_is_the_latest_assessment_and_priority_as_the_nightly_refresh(self) -> None:
        for nominal in Nominal.objects.all():
            latest = (
                nominal.risk_assessments.order_by("-assessed_on")
                .values_list("level", flat=True)
                .first()
            )
            self.assertEqual(nominal.current_risk_level, latest or "")
        before = dict(Nominal.objects.values_list("pk", "priority_score"))
        self.assertTrue(any(before.values()))
        priority.refresh_all_priorities(as_of=AS_OF)
        after = dict(Nominal.objects.values_list("pk", "priority_score"))
        for pk, score in before.items():
            self.assertAlmostEqual(score, after[pk], places=9)

    def test_lead_agency_sees_its_records_and_an_outsider_does_not(self) -> None:
        led_by_a = set(
            Nominal.objects.filter(lead_agency=self.agency_a).values_list("pk", flat=True)
        )
        self.assertTrue(40 < len(led_by_a) < 160)
        seen_by_a = set(selectors.nominal_list(user=self.officer_a).values_list("pk", flat=True))
        self.assertLessEqual(led_by_a, seen_by_a)
        shared_with_b = set(
            Nominal.objects.filter(
                lead_agency=self.agency_a,
                nominalagencypermission__group=self.agency_b.group,
            ).values_list("pk", flat=True)
        )
        self.assertTrue(shared_with_b, "about 20% are shared with a second agency")
        self.assertLess(len(shared_with_b), len(led_by_a))
        seen_by_b = set(selectors.nominal_list(user=self.officer_b).values_list("pk", flat=True))
        self.assertEqual(seen_by_b & led_by_a, shared_with_b)
        self.assertFalse(selectors.nominal_list(user=self.officer_c).exists())
        # The lead may change and share; a sharing agency may only view.
        some = next(iter(shared_with_b))
        self.assertEqual(
            {
                c.split("_")[0]
                for c in models.NominalAgencyPermission.objects.filter(
                    content_object_id=some, group=self.agency_a.group
                ).values_list("permission__codename", flat=True)
            },
            {"view", "change", "share"},
        )
        self.assertEqual(
            list(
                models.NominalAgencyPermission.objects.filter(
                    content_object_id=some, group=self.agency_b.group
                ).values_list("permission__codename", flat=True)
            ),
            ["view_nominal"],
        )

    def test_search_finds_a_generated_person(self) -> None:
        nominal = selectors.nominal_list(user=self.officer_a).order_by("pk").first()
        assert nominal is not None
        hits = search.nominal_search(
            user=self.officer_a, text=f"{nominal.given_names} {nominal.family_name}"
        )
        self.assertIn(nominal.pk, [h.nominal.pk for h in hits[:10]])

    def test_same_seed_gives_the_same_people_and_ids(self) -> None:
        first = _people()
        first_names = list(
            NominalName.objects.order_by("pk").values_list("pk", "given_names", "family_name")
        )
        with transaction.atomic():
            Nominal.objects.all().delete()
            self.assertEqual(Nominal.objects.count(), 0)
            synthetic.generate(
                nominals=N, seed=7, agencies=[self.agency_a, self.agency_b], as_of=AS_OF
            )
            self.assertEqual(_people(), first)
            self.assertEqual(
                list(
                    NominalName.objects.order_by("pk").values_list(
                        "pk", "given_names", "family_name"
                    )
                ),
                first_names,
            )
            transaction.set_rollback(True)
        with transaction.atomic():
            synthetic.generate(
                nominals=20, seed=8, agencies=[self.agency_a, self.agency_b], as_of=AS_OF
            )
            self.assertEqual(Nominal.objects.count(), N + 20)
            transaction.set_rollback(True)

    def test_the_command_adds_and_refuses_a_seed_already_used(self) -> None:
        before = set(Nominal.objects.values_list("pk", flat=True))
        out = io.StringIO()
        call_command(
            "generate_register", nominals=30, seed=99, agencies="ga,GC", as_of=AS_OF, stdout=out
        )
        self.assertEqual(Nominal.objects.count(), N + 30)
        codes = set(
            Nominal.objects.exclude(pk__in=before).values_list("lead_agency__code", flat=True)
        )
        self.assertEqual(codes, {"GA", "GC"})
        output = out.getvalue()
        self.assertIn("register_nominalname", output)
        self.assertIn("30 nominals", output)
        with self.assertRaisesMessage(CommandError, "already been generated"):
            call_command("generate_register", nominals=5, seed=99, stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "No agency with code NOPE"):
            call_command(
                "generate_register", nominals=5, seed=100, agencies="NOPE", stdout=io.StringIO()
            )


class GenerateOnDemoDataTests(TestCase):
    def test_adds_to_demo_data_without_changing_it(self) -> None:
        demo.load()
        demo_people = _people()
        result = synthetic.generate(nominals=50, seed=5, as_of=AS_OF)
        self.assertEqual(result.nominals, 50)
        self.assertEqual(Nominal.objects.count(), len(demo_people) + 50)
        demo_ids = [p[0] for p in demo_people]
        self.assertEqual(
            [p for p in _people() if p[0] in set(demo_ids)],
            demo_people,
        )
        codes = set(
            Nominal.objects.exclude(pk__in=demo_ids).values_list("lead_agency__code", flat=True)
        )
        self.assertLessEqual(codes, {"NMP", "SDP", "NEP"})
        self.assertGreater(len(codes), 1)
        # Demo officers of the lead agency become responsible officers of some records.
        self.assertTrue(
            Nominal.objects.exclude(pk__in=demo_ids)
            .filter(responsible_officer__isnull=False)
            .exists()
        )
        om = models.StaffUser.objects.get(username="om.nmp")
        visible = selectors.nominal_list(user=om).exclude(pk__in=demo_ids)
        self.assertTrue(visible.exists())

    def test_creates_two_demo_forces_when_there_are_no_agencies(self) -> None:
        self.assertFalse(Agency.objects.exists())
        synthetic.generate(nominals=10, seed=3, as_of=AS_OF)
        self.assertEqual(sorted(Agency.objects.values_list("code", flat=True)), ["NMP", "SDP"])
        self.assertEqual(Nominal.objects.count(), 10)
