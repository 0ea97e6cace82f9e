"""The bulk import's services: dry run, all-or-nothing, idempotence, history, both formats."""

from __future__ import annotations

import pytest
from django.test import override_settings

from imports import formats, sample, services
from imports.models import ExternalReference, ImportRun, RunState
from register.errors import DomainError
from register.models import (
    Address,
    CivilOrder,
    Conviction,
    Nominal,
    NominalAgencyPermission,
    NominalName,
    RiskAssessment,
    Role,
    StaffUser,
)
from tests import factories
from tests.base import RegisterTestCase
from tests.imports.helpers import (
    checked_run,
    dumps,
    imported_run,
    legacy_json,
    one_record,
    table_counts,
)


class ImportTestCase(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")


class DryRunTests(ImportTestCase):
    def test_a_dry_run_reports_each_error_with_row_and_field_and_writes_nothing(self) -> None:
        records = [
            one_record(external_ref="GOOD-1"),
            one_record(external_ref="BAD-1", date_of_birth="1980-02-31", sex="unknown"),
            one_record(external_ref="GOOD-2", pnc_id=""),
            one_record(
                external_ref="BAD-2",
                convictions=[
                    {
                        "offence": "NOT-AN-OFFENCE",
                        "conviction_date": "2022-01-01",
                        "sentence_type": "fine",
                    }
                ],
                addresses=[{"kind": "main", "line_1": "", "date_from": "2023-01-01"}],
            ),
            one_record(
                external_ref="BAD-3",
                pnc_id="2004/0123456C",
                civil_orders=[
                    {
                        "kind": "restraining",
                        "made_on": "2022-05-04",
                        "starts_on": "2022-05-04",
                        "ends_on": "2021-01-01",
                    }
                ],
            ),
        ]
        before = table_counts()
        run = checked_run(self.admin_a, dumps(records))
        self.assertEqual(table_counts(), before)  # nothing written, history tables included
        self.assertEqual(run.state, RunState.VALIDATED)
        self.assertEqual((run.records, run.valid, run.invalid), (5, 2, 3))
        found = {(e["row"], e["external_ref"], e["field"]) for e in run.errors}
        self.assertEqual(
            found,
            {
                (2, "BAD-1", "date_of_birth"),
                (2, "BAD-1", "sex"),
                (4, "BAD-2", "convictions[0].offence"),
                (4, "BAD-2", "addresses[0].line_1"),
                (5, "BAD-3", "pnc_id"),
                (5, "BAD-3", "civil_orders[0].ends_on"),
            },
        )
        messages = {e["field"]: e["message"] for e in run.errors}
        self.assertIn("check letter", messages["pnc_id"])
        self.assertIn("end date", messages["civil_orders[0].ends_on"])
        self.assertFalse(run.can_import)  # all-or-nothing: any error stops the file
        with self.assertRaisesMessage(DomainError, "nothing is imported while any row is bad"):
            services.import_run_start(actor=self.admin_a, run=run)

    def test_csv_errors_name_the_line_of_the_file(self) -> None:
        rows = sample.records(3, seed=4)
        rows[1]["addresses"][0]["postcode"] = "X" * 20
        content = sample.as_csv(rows)
        content += "address,NOBODY,,,,,,\n".replace(
            ",,,,,,", "," * (len(formats.csv_columns()) - 2)
        )
        run = checked_run(self.admin_a, content, fmt="csv", name="x.csv")
        lines = content.splitlines()
        bad_line = next(i for i, line in enumerate(lines, start=1) if "X" * 20 in line)
        found = {(e["row"], e["field"]) for e in run.errors}
        self.assertEqual(found, {(bad_line, "postcode"), (len(lines), "external_ref")})
        self.assertEqual((run.records, run.valid, run.invalid), (3, 2, 1))

    def test_a_field_the_format_does_not_have_is_an_error_not_ignored(self) -> None:
        run = checked_run(self.admin_a, dumps([one_record(shoe_size=9)]))
        self.assertEqual([(e["row"], e["field"]) for e in run.errors], [(1, "shoe_size")])

    def test_an_unreadable_file_is_one_error(self) -> None:
        run = checked_run(self.admin_a, "[{not json")
        self.assertEqual([e["field"] for e in run.errors], ["file"])
        self.assertFalse(run.can_import)

    def test_only_administrators_import(self) -> None:
        with self.assertRaisesMessage(DomainError, "Only an administrator"):
            services.import_run_create(
                actor=self.officer_a,
                file_name="x.json",
                content="[]",
                format="json",
                source_system="LEGACY",
            )


class AllOrNothingTests(ImportTestCase):
    def test_a_file_with_one_bad_row_loads_nothing(self) -> None:
        content = legacy_json(30, bad=1)
        before = table_counts()
        run = checked_run(self.admin_a, content)
        self.assertEqual((run.valid, run.invalid), (29, 1))
        # Even if someone forces the run to import, the job checks again and loads nothing.
        ImportRun.objects.filter(pk=run.pk).update(state=RunState.IMPORTING)
        run = services.import_run_execute(run_id=run.pk)
        self.assertEqual(run.state, RunState.FAILED)
        self.assertEqual(len(run.errors), 1)
        self.assertEqual(table_counts(), before)

    @override_settings(IMPORTS_ALL_OR_NOTHING=False, IMPORTS_BATCH_SIZE=7)
    def test_with_the_setting_off_the_valid_rows_load(self) -> None:
        run = imported_run(self.admin_a, legacy_json(30, bad=2))
        self.assertEqual(run.state, RunState.DONE)
        self.assertEqual((run.valid, run.invalid, run.created), (28, 2, 28))
        self.assertEqual(len({e["row"] for e in run.errors}), 2)
        self.assertEqual(Nominal.objects.count(), 28)
        self.assertEqual(ExternalReference.objects.count(), 28)

    def test_a_service_refusal_during_the_import_rolls_everything_back(self) -> None:
        """The job checks again; a refusal found only by the service still loads nothing."""
        content = dumps([one_record(external_ref=f"R{i}", pnc_id="") for i in range(5)])
        run = checked_run(self.admin_a, content)
        self.assertTrue(run.can_import)
        services.import_run_start(actor=self.admin_a, run=run)
        # An offence withdrawn from the catalogue after the dry run.
        from register.models import Offence

        Offence.objects.filter(code="PHA1997-s2A").update(is_active=False)
        before = table_counts()
        run = services.import_run_execute(run_id=run.pk)
        self.assertEqual(run.state, RunState.FAILED)
        self.assertEqual(table_counts(), before)
        self.assertEqual({e["field"] for e in run.errors}, {"convictions[0].offence"})


class IdempotenceAndHistoryTests(ImportTestCase):
    def test_importing_twice_creates_nothing_new_and_reports_the_skips(self) -> None:
        content = legacy_json(12, seed=2)
        first = imported_run(self.admin_a, content)
        self.assertEqual((first.state, first.created, first.skipped), (RunState.DONE, 12, 0))
        after_first = table_counts()
        second = checked_run(self.admin_a, content)
        self.assertEqual((second.valid, second.skipped, second.to_import), (12, 12, 0))
        self.assertFalse(second.can_import)
        with self.assertRaisesMessage(DomainError, "already on the register"):
            services.import_run_start(actor=self.admin_a, run=second)
        # A file with one new record imports that one and skips the rest.
        rows = [*sample.records(12, seed=2), one_record(external_ref="NEW-1")]
        third = imported_run(self.admin_a, sample.as_json(rows))
        self.assertEqual((third.created, third.skipped), (1, 12))
        self.assertEqual(len(third.skipped_refs), 12)
        self.assertEqual(Nominal.objects.count(), 13)
        self.assertEqual(
            table_counts()["imports.ExternalReference"],
            after_first["imports.ExternalReference"] + 1,
        )

    def test_the_same_reference_from_another_system_is_another_person(self) -> None:
        imported_run(self.admin_a, dumps([one_record()]), source="LEGACY-A")
        run = imported_run(self.admin_a, dumps([one_record()]), source="LEGACY-B")
        self.assertEqual(run.created, 1)

    def test_the_imported_record_is_whole_led_by_the_runners_agency_and_its_history_names_the_import(
        self,
    ) -> None:
        run = imported_run(self.admin_a, dumps([one_record()]), name="legacy-north.json")
        reference = ExternalReference.objects.get(source_system="LEGACY", external_ref="OLD-1")
        nominal = reference.nominal
        self.assertEqual(nominal.lead_agency, self.agency_a)
        self.assertEqual(nominal.pnc_id, "2004/0123456B")
        self.assertEqual(
            sorted(NominalName.objects.filter(nominal=nominal).values_list("kind", flat=True)),
            ["alias", "current"],
        )
        for model in (Address, Conviction, CivilOrder, RiskAssessment):
            self.assertEqual(model.objects.filter(nominal=nominal).count(), 1, model)
        self.assertEqual(nominal.current_risk_level, "high")  # the service's follow-up ran
        reason = f"Imported from LEGACY file legacy-north.json, run {run.pk}"
        for history in (
            nominal.history.get(),
            Conviction.history.get(nominal_id=nominal.pk),
            Address.history.get(nominal_id=nominal.pk),
        ):
            self.assertEqual(history.history_change_reason, reason)
            self.assertEqual(history.history_user, self.admin_a)
        grants = NominalAgencyPermission.objects.filter(content_object=nominal)
        self.assertEqual({g.group_id for g in grants}, {self.agency_a.group_id})
        self.assertEqual(
            {g.permission.codename for g in grants},
            {"view_nominal", "change_nominal", "share_nominal"},
        )
        # The officers of the lead agency see it; the other agency does not.
        from register import selectors

        self.assertTrue(selectors.nominal_list(user=self.officer_a).filter(pk=nominal.pk).exists())
        self.assertFalse(selectors.nominal_list(user=self.officer_b).filter(pk=nominal.pk).exists())


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_generated_file_checks_clean_in_both_formats(fmt: str, db: None) -> None:
    agency = factories.agency("GEN")
    admin = factories.staff(agency, Role.ADMINISTRATOR)
    rows = sample.records(40, seed=9)
    run = checked_run(admin, sample.render(rows, fmt), fmt=fmt)
    assert run.errors == []
    assert (run.records, run.valid) == (40, 40)
    related = sum(len(r[k]) for r in rows for k in formats.JSON_LISTS)
    assert run.rows == 40 + related
