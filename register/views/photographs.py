"""Uploading and showing photographs. Files are served only through the access gate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from register import selectors
from register.audit import log_page_reads
from register.errors import DomainError
from register.forms import GovukFormMixin, ReasonField
from register.models import Photograph
from register.requests import StaffRequest
from register.services.photographs import photograph_add, photograph_remove


class PhotographForm(GovukFormMixin, forms.Form):
    image = forms.FileField(
        label="Photograph",
        help_text="JPEG or PNG, smaller than 10 MB",
        error_messages={"required": "Choose a photograph to upload"},
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": "image/jpeg,image/png"}
        ),
    )
    taken_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "The date taken must be a real date"},
    )
    description = forms.CharField(required=False, max_length=200)
    reason = ReasonField()


@require_http_methods(["GET", "POST"])
def photograph_upload(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    form = PhotographForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            photograph_add(
                actor=request.user,
                nominal=nominal,
                upload=form.cleaned_data["image"],
                taken_on=form.cleaned_data["taken_on"],
                description=form.cleaned_data["description"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Photograph added")
            return redirect("nominal-detail", nominal_id=nominal.pk)
    return render(request, "register/photograph_form.html", {"form": form, "nominal": nominal})


@require_GET
def photograph_file(
    request: StaffRequest, nominal_id: str, photograph_id: str, size: str
) -> FileResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
    try:
        photo = get_object_or_404(Photograph, nominal=nominal, pk=photograph_id)
    except ValueError as exc:  # a malformed id
        raise Http404 from exc
    if size == "full":
        # The full image is a read of the record; thumbnails appear on the profile,
        # whose read is logged already.
        log_page_reads(request, [nominal], "Photograph viewed")
    if size not in {"full", "thumbnail"}:
        raise Http404
    file = photo.image if size == "full" else photo.thumbnail
    response = FileResponse(file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def photograph_delete(request: StaffRequest, nominal_id: str, photograph_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    try:
        photo = get_object_or_404(Photograph, nominal=nominal, pk=photograph_id)
    except ValueError as exc:
        raise Http404 from exc
    form = _ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        photograph_remove(actor=request.user, photograph=photo, reason=form.cleaned_data["reason"])
        messages.success(request, "Photograph removed")
        return redirect("nominal-detail", nominal_id=nominal.pk)
    return render(
        request,
        "register/photograph_remove.html",
        {"form": form, "nominal": nominal, "photo": photo},
    )


class _ReasonForm(GovukFormMixin, forms.Form):
    reason = ReasonField(label="Why are you removing this photograph?")
