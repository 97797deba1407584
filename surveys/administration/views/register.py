"""Register editions and contact persons: uploads with preview, carrying forward, editing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from municipalities.models import Contact, Organisation, RegisterEdition, Upload
from municipalities.selectors import previous_edition
from municipalities.services import ContactError, contacts_carry_plan
from municipalities.tabular import ImportFailed
from surveys.administration import selectors, services
from surveys.administration.forms import (
    CarryForm,
    ContactEditForm,
    ContactForm,
    ContactsUploadForm,
    RegisterUploadForm,
)
from surveys.models import Wave
from surveys.staff_access import staff_permission_required

MANAGE = "municipalities.manage_register"


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = services.register_upload_start(
            year=data["year"],
            name=data["name"],
            counties=data["counties"],
            municipalities=data["municipalities"],
            user=request.user,
        )
        return redirect("surveys:staff_upload", pk=upload.pk)
    return render(
        request,
        "administration/register.html",
        {
            "form": form,
            "editions": selectors.editions_overview(),
            "uploads": selectors.recent_uploads(),
        },
    )


def _upload(request: HttpRequest, pk: int) -> Upload:
    return get_object_or_404(Upload, pk=pk)


@require_safe
@staff_permission_required(MANAGE)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = _upload(request, pk)
    edition = RegisterEdition.objects.filter(year=item.year).first()
    draft_waves = (
        Wave.objects.filter(status=Wave.Status.DRAFT, year=item.year).exclude(edition=edition)
        if edition and item.state == Upload.State.DONE and item.kind == Upload.Kind.REGISTER
        else Wave.objects.none()
    )
    return render(
        request,
        "administration/upload.html",
        {"upload": item, "edition": edition, "draft_waves": draft_waves},
    )


@require_safe
@staff_permission_required(MANAGE)
def upload_status(request: HttpRequest, pk: int) -> JsonResponse:
    item = _upload(request, pk)
    return JsonResponse({"state": item.state, "progress": item.progress, "busy": item.is_busy})


@require_POST
@staff_permission_required(MANAGE)
def upload_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    item = _upload(request, pk)
    try:
        services.upload_confirm(upload=item)
    except services.AdministrationError as exc:
        messages.error(request, str(exc))
    return redirect("surveys:staff_upload", pk=item.pk)


def _edition(year: int) -> RegisterEdition:
    return get_object_or_404(RegisterEdition, year=year)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def contacts(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    form = ContactsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        item = services.contacts_upload_start(
            edition=edition, file=form.cleaned_data["file"], user=request.user
        )
        return redirect("surveys:staff_upload", pk=item.pk)
    show = request.GET.get("vis", "")
    query = request.GET.get("sok", "").strip()
    organisations = selectors.organisations_with_contacts(edition=edition, show=show, query=query)
    return render(
        request,
        "administration/contacts.html",
        {
            "edition": edition,
            "form": form,
            "organisations": organisations,
            "show": show,
            "query": query,
            "filters": selectors.CONTACT_FILTERS,
            "previous": previous_edition(edition),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def contacts_carry(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    earlier = previous_edition(edition)
    form = CarryForm(request.POST or None, initial={"earlier": earlier})
    form.fields["earlier"].queryset = RegisterEdition.objects.filter(year__lt=year).order_by(
        "-year"
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.contacts_carry_forward(
                earlier=form.cleaned_data["earlier"], later=edition
            )
        except (services.AdministrationError, ImportFailed) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(copied)s kontaktpersoner ført fram til %(year)s; %(flagged)s må kontrolleres.")
                % {"copied": plan.to_copy, "year": year, "flagged": plan.flagged},
            )
            return redirect("surveys:staff_contacts", year=year)
    plan = None
    chosen = form["earlier"].value()
    earlier = RegisterEdition.objects.filter(pk=chosen).first() if chosen else earlier
    if earlier is not None:
        plan = contacts_carry_plan(earlier=earlier, later=edition)
    return render(
        request,
        "administration/contacts_carry.html",
        {"edition": edition, "form": form, "plan": plan, "earlier": earlier},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def organisation_contacts(request: HttpRequest, year: int, number: str) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("edition"), edition__year=year, number=number
    )
    form = ContactForm(request.POST or None, prefix="ny")
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(organisation=organisation, **form.cleaned_data)
        except ContactError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Kontaktpersonen er lagt til."))
            return redirect("surveys:staff_organisation", year=year, number=number)
    contacts = [
        (
            contact,
            ContactEditForm(
                prefix=f"k{contact.pk}",
                initial={
                    "name": contact.name,
                    "email": contact.email,
                    "role": contact.role,
                    "is_active": contact.is_active,
                    "needs_review": contact.needs_review,
                },
            ),
        )
        for contact in selectors.organisation_contacts(organisation)
    ]
    return render(
        request,
        "administration/organisation.html",
        {"organisation": organisation, "form": form, "contacts": contacts},
    )


@require_POST
@staff_permission_required(MANAGE)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact.objects.select_related("organisation__edition"), pk=pk)
    organisation = contact.organisation
    form = ContactEditForm(request.POST, prefix=f"k{contact.pk}")
    if form.is_valid():
        try:
            services.contact_change(contact=contact, **form.cleaned_data)
        except ContactError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Kontaktpersonen er lagret."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(
        "surveys:staff_organisation", year=organisation.edition.year, number=organisation.number
    )
