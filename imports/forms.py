"""The upload form. The file's content is checked by the dry run, not here."""

from __future__ import annotations

from typing import Any

from django import forms

from imports import conf
from imports.models import ImportFormat
from register.forms import GovukFormMixin


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Legacy register file",
        help_text="A CSV or JSON file in the legacy import format (see the import guide).",
        error_messages={"required": "Choose a file to check"},
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
    )
    format = forms.ChoiceField(
        label="Format of the file",
        choices=ImportFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose CSV or JSON"},
    )
    source_system = forms.CharField(
        label="Legacy system",
        max_length=50,
        help_text="Its name, like LEGACY-NMP. A record's reference is unique within its system.",
        error_messages={"required": "Enter the name of the legacy system, like LEGACY-NMP"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > conf.max_file_bytes():
            limit = conf.max_file_bytes() // (1024 * 1024)
            raise forms.ValidationError(f"The file must be smaller than {limit} MB")
        try:
            upload.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file must be UTF-8 text (CSV or JSON)") from exc
        return upload


class ConfirmForm(GovukFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I have read the report and want to import these records",
        error_messages={"required": "Confirm that you want to import these records"},
    )
