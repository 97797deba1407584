"""A contact person who has left traces everywhere: link, session, mail, answers, admin log."""

from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from municipalities.models import Contact
from surveys.answering.services import response_submit
from surveys.models import OutboundMessage
from surveys.outreach import services as mailing
from tests import builders
from tests.conftest import login_respondent

NAME = "Ingrid Personvernsen"
EMAIL = "ingrid.personvernsen@testnes.kommune.no"
ROLE = "Digitaliseringsrådgiver"


def grant_privacy(user, *codenames: str):
    for codename in codenames:
        app_label, _, name = codename.rpartition(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label or "privacy", codename=name)
        )
    return user


@dataclass
class Traces:
    survey: object
    person: Contact
    colleague: Contact
    client: Client


def make_traces(survey) -> Traces:
    """Ingrid was invited (one message bounced), answered, submitted and is in the admin log."""
    person = builders.make_contact(
        organisation=survey.organisation, name=NAME, email=EMAIL, role=ROLE
    )
    colleague = builders.make_contact(organisation=survey.organisation, name="Ola Kollega")
    builders.make_contact(organisation=survey.other_organisation, name="Per Annen")
    ids = mailing.invitations_queue(wave=survey.wave, now=timezone.now())
    mailing.messages_send_now(ids)
    OutboundMessage.objects.filter(contact=person).update(
        reason=f"550 5.1.1 <{EMAIL}>: mailbox full", state=OutboundMessage.State.SENT
    )
    client = login_respondent(Client(), person, survey.wave)
    builders.make_saved_answer(
        question=survey.plan, organisation=survey.organisation, value="ja", contact=person
    )
    builders.make_saved_answer(
        question=survey.comment,
        organisation=survey.organisation,
        value="Fint skjema",
        contact=colleague,
    )
    builders.make_saved_answer(
        question=survey.plan, organisation=survey.organisation, value="nei", contact=person
    )
    answer_set = survey.organisation.answer_sets.get(wave=survey.wave)
    response_submit(answer_set=answer_set, contact=person)
    admin = builders.make_staff(is_superuser=True)
    LogEntry.objects.log_actions(
        admin.pk,
        [person],
        CHANGE,
        change_message=[{"changed": {"name": "kontaktperson", "object": NAME, "fields": ["role"]}}],
        single_object=True,
    )
    return Traces(survey=survey, person=person, colleague=colleague, client=client)
