"""The administrators' import pages: access, bad input, query counts (no worker needed here)."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportRun, RunState
from register.models import Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase
from tests.imports.helpers import checked_run, dumps, one_record


class ImportPagesTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def _run(self, errors: int = 0) -> ImportRun:
        records = [one_record(external_ref=f"R{i}", pnc_id="") for i in range(3)]
        records += [one_record(external_ref=f"B{i}", sex="unknown") for i in range(errors)]
        return checked_run(self.admin_a, dumps(records))

    def test_another_agencys_administrator_and_other_roles_get_404(self) -> None:
        run = self._run(errors=1)
        pages = [
            reverse("import-run", args=[run.pk]),
            reverse("import-run-progress", args=[run.pk]),
            reverse("import-run-errors", args=[run.pk]),
            reverse("import-run-import", args=[run.pk]),
        ]
        for user in (self.admin_b, self.officer_a, self.supervisor_a, self.auditor):
            self.as_user(user)
            for url in pages:
                self.assert_not_found(self.client.get(url))
            self.assert_not_found(self.client.post(pages[-1], {"confirm": "on"}))
        for user in (self.officer_a, self.vlo_a):
            self.as_user(user)
            self.assert_not_found(self.client.get(reverse("import-list")))
            self.assert_not_found(self.client.get(reverse("import-upload")))
        # The other agency's administrator has a list of their own, without this run.
        self.as_user(self.admin_b)
        response = self.client.get(reverse("import-list"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, run.file_name)
        self.assertEqual(ImportRun.objects.get(pk=run.pk).state, RunState.VALIDATED)

    def test_the_report_lists_each_error_with_row_and_field(self) -> None:
        run = self._run(errors=2)
        self.as_user(self.admin_a)
        response = self.client.get(reverse("import-run", args=[run.pk]))
        self.assertContains(response, "2 errors")
        self.assertContains(response, "<code>sex</code>", count=2)
        self.assertContains(response, "Nothing can be imported while any row has an error")
        self.assertNotContains(response, "Import 3 records")
        # Nothing to confirm while the file has errors.
        self.assert_not_found(self.client.get(reverse("import-run-import", args=[run.pk])))
        response = self.client.post(reverse("import-run-import", args=[run.pk]), {"confirm": "on"})
        self.assertContains(response, "nothing is imported while any row is bad")
        self.assertEqual(ImportRun.objects.get(pk=run.pk).state, RunState.VALIDATED)
        csv_text = self.client.get(reverse("import-run-errors", args=[run.pk])).content.decode()
        self.assertEqual(len(csv_text.strip().splitlines()), 3)  # header and two errors

    def test_progress_is_json_for_the_pages_script(self) -> None:
        run = self._run()
        self.as_user(self.admin_a)
        data = json.loads(self.client.get(reverse("import-run-progress", args=[run.pk])).content)
        self.assertEqual(data["state"], "validated")
        self.assertEqual((data["processed"], data["records"]), (3, 3))

    def test_upload_with_bad_input_shows_each_message_by_its_field_and_makes_nothing(self) -> None:
        self.as_user(self.admin_a)
        response = self.client.post(reverse("import-upload"), {"format": "xml"})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Choose a file to check")
        self.assertContains(response, "Enter the name of the legacy system")
        self.assertContains(response, "govuk-error-message", count=3)  # file, format, system
        response = self.client.post(
            reverse("import-upload"),
            {
                "file": SimpleUploadedFile("x.json", b"\xff\xfe\x00bad"),
                "format": "json",
                "source_system": "LEGACY",
            },
        )
        self.assertContains(response, "The file must be UTF-8 text")
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_upload_makes_a_run_to_check(self) -> None:
        self.as_user(self.admin_a)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            response = self.client.post(
                reverse("import-upload"),
                {
                    "file": SimpleUploadedFile("north.json", dumps([one_record()]).encode()),
                    "format": "json",
                    "source_system": "legacy-nmp",
                },
            )
        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("import-run", args=[run.pk]))
        self.assertEqual(len(callbacks), 1)  # the check is queued once the run is saved
        self.assertEqual(
            (run.source_system, run.state, run.created_by, run.agency),
            ("LEGACY-NMP", RunState.VALIDATING, self.admin_a, self.agency_a),
        )
        page = self.client.get(reverse("import-run", args=[run.pk]))
        self.assertContains(page, "data-import-progress")
        self.assertContains(page, "Check progress")

    def test_the_list_runs_a_fixed_number_of_queries(self) -> None:
        self.as_user(self.admin_a)
        self._run()
        url = reverse("import-list")
        self.client.get(url)  # warm the session and the user
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(self.client.get(url).status_code, 200)
        for _ in range(6):
            self._run(errors=1)
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(url)
        self.assertContains(response, "7 runs")

    def test_the_report_runs_a_fixed_number_of_queries_whatever_its_errors(self) -> None:
        self.as_user(self.admin_a)
        few, many = self._run(errors=1), self._run(errors=40)
        self.client.get(reverse("import-run", args=[few.pk]))
        with CaptureQueriesContext(connection) as one:
            self.client.get(reverse("import-run", args=[few.pk]))
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(reverse("import-run", args=[many.pk]))
        self.assertContains(response, "40 errors")
