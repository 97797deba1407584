"""A wave's e-mail texts: edit per kind and language, preview, send a test to oneself."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from surveys import mail_texts
from surveys.administration import selectors, services
from surveys.administration.forms import MailTextForm
from surveys.models import MailTextKind, MailTextLanguage
from surveys.staff_access import staff_permission_required, staff_wave

MANAGE = "surveys.manage_waves"


@require_safe
@staff_permission_required(MANAGE)
def mail_texts_index(request: HttpRequest, slug: str) -> HttpResponse:
    wave = staff_wave(slug)
    return render(
        request,
        "administration/mail_texts.html",
        {"wave": wave, "rows": selectors.mail_text_overview(wave)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_permission_required(MANAGE)
def mail_text_edit(request: HttpRequest, slug: str, kind: str, language: str) -> HttpResponse:
    wave = staff_wave(slug)
    if kind not in MailTextKind.values or language not in MailTextLanguage.values:
        raise Http404
    subject, body, own = selectors.mail_text_current(wave=wave, kind=kind, language=language)
    form = MailTextForm(request.POST or None, initial={"subject": subject, "body": body})
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "reset":
        services.mail_text_reset(wave=wave, kind=kind, language=language)
        messages.success(request, _("Teksten er tilbakestilt til standardteksten."))
        return redirect("surveys:staff_mail_text", slug=slug, kind=kind, language=language)
    if request.method == "POST" and action == "test":
        try:
            address = services.mail_text_send_test(
                wave=wave, kind=kind, language=language, user=request.user
            )
        except services.AdministrationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("En test er sendt til %(email)s.") % {"email": address})
        return redirect("surveys:staff_mail_text", slug=slug, kind=kind, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_text_save(
                wave=wave,
                kind=kind,
                language=language,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                user=request.user,
            )
        except services.AdministrationError as exc:
            form.add_error("body", str(exc))
        else:
            messages.success(request, _("Teksten er lagret."))
            return redirect("surveys:staff_mail_text", slug=slug, kind=kind, language=language)
    preview = selectors.mail_text_preview(wave=wave, kind=kind, language=language)
    return render(
        request,
        "administration/mail_text_edit.html",
        {
            "wave": wave,
            "form": form,
            "own": own,
            "kind": kind,
            "kind_label": MailTextKind(kind).label,
            "language": language,
            "language_label": MailTextLanguage(language).label,
            "placeholders": mail_texts.placeholders_for(kind),
            "preview_subject": preview[0],
            "preview_text": preview[1],
        },
    )
