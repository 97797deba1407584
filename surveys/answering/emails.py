"""E-mails to respondents: the receipt after a submit and the colleague invitation.

The receipt is a mail row queued by the submit and sent by the mail worker
(`surveys.outreach.services.message_send`), which renders it here.

Rendered from templates/emails/<name>_subject.txt, <name>.txt and <name>.html in the language
that was active when the person acted. Recipients are bare addresses (no display names) and the
subject is collapsed to one line, so names typed by people can never inject mail headers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language

from municipalities.models import Contact
from surveys.mail_texts import wave_mail_render
from surveys.models import AnswerSet, Wave


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text body, html body) of templates/emails/<name>*."""
    subject = _one_line(render_to_string(f"emails/{name}_subject.txt", context))
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def _message(name: str, context: dict[str, Any], recipients: list[str]) -> EmailMultiAlternatives:
    own = None
    if name == "receipt":
        # A wave's own receipt text (written by staff) wins over the built-in template.
        own = wave_mail_render(
            wave=context["wave"], kind=name, language=get_language(), context=context
        )
    subject, text, html = own or render_email(name, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[settings.SUPPORT_EMAIL],
    )
    message.attach_alternative(html, "text/html")
    return message


def _send(name: str, context: dict[str, Any], recipients: list[str]) -> int:
    return _message(name, context, recipients).send()


def receipt_message(
    *, answer_set_id: int, language: str | None = None
) -> EmailMultiAlternatives | None:
    """The receipt with every submitted answer, to the organisation's active contacts; None
    when there is nothing to send (reopened since, or no active contact)."""
    from surveys.answering.selectors import response_progress

    answer_set = AnswerSet.objects.select_related("wave", "organisation", "submitted_by").get(
        pk=answer_set_id
    )
    if not answer_set.is_submitted:
        return None
    recipients = sorted(
        answer_set.organisation.contacts.filter(is_active=True).values_list("email", flat=True)
    )
    if not recipients:
        return None
    with translation.override(language or settings.LANGUAGE_CODE):
        progress = response_progress(
            wave=answer_set.wave, organisation=answer_set.organisation, answer_set=answer_set
        )
        context = {
            "answer_set": answer_set,
            "wave": answer_set.wave,
            "organisation": answer_set.organisation,
            "progress": progress,
            "site_url": settings.SITE_URL,
            "support_email": settings.SUPPORT_EMAIL,
        }
        return _message("receipt", context, recipients)


def send_colleague_invitation(
    *, colleague_id: int, inviter_id: int, wave_id: int, url: str, language: str | None = None
) -> int:
    """Send a colleague their personal link, saying who invited them."""
    colleague = Contact.objects.select_related("organisation").get(pk=colleague_id)
    inviter = Contact.objects.get(pk=inviter_id)
    wave = Wave.objects.get(pk=wave_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "colleague": colleague,
            "inviter": inviter,
            "organisation": colleague.organisation,
            "wave": wave,
            "url": url,
            "support_email": settings.SUPPORT_EMAIL,
        }
        return _send("colleague_invitation", context, [colleague.email])
