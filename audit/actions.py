"""The names of audited actions and their labels; code outside this app records them by name.

Names are `<object>.<verb>`. Add a name here when a new kind of staff action is audited; an
unknown name is still stored and shown as it is.
"""

from django.utils.translation import gettext_lazy as _

WAVE_CREATED = "wave.created"
WAVE_COPIED = "wave.copied"
WAVE_OPENED = "wave.opened"
WAVE_CLOSED = "wave.closed"
WAVE_DRAFTED = "wave.drafted"
WAVE_PUBLISHED = "wave.published"
WAVE_UNPUBLISHED = "wave.unpublished"
QUESTIONNAIRE_LOADED = "questionnaire.loaded"
QUESTIONNAIRE_EDITED = "questionnaire.edited"
REGISTER_IMPORTED = "register.imported"
CONTACTS_IMPORTED = "contacts.imported"
INVITATIONS_QUEUED = "mail.invitations_queued"
REMINDERS_QUEUED = "mail.reminders_queued"
REPORT_MAILS_QUEUED = "mail.report_mails_queued"
LINK_ISSUED = "link.issued"
LINK_REVOKED = "link.revoked"
ANSWERS_REOPENED = "answers.reopened"
EXPORT_CREATED = "export.created"
ROLE_GRANTED = "role.granted"
ROLE_REVOKED = "role.revoked"
TWO_FACTOR_ENROLLED = "twofactor.enrolled"
CONTACT_ERASED = "contact.erased"
ACCESS_REPORT_CREATED = "privacy.access_report"
RETENTION_PSEUDONYMISED = "privacy.retention_pseudonymised"

LABELS = {
    WAVE_CREATED: _("Runde opprettet"),
    WAVE_COPIED: _("Runde kopiert"),
    WAVE_OPENED: _("Runde åpnet"),
    WAVE_CLOSED: _("Runde lukket"),
    WAVE_DRAFTED: _("Runde satt til utkast"),
    WAVE_PUBLISHED: _("Resultater publisert"),
    WAVE_UNPUBLISHED: _("Publisering av resultater trukket tilbake"),
    QUESTIONNAIRE_LOADED: _("Spørreskjema lastet fra fil"),
    QUESTIONNAIRE_EDITED: _("Spørreskjema endret i administrasjonen"),
    REGISTER_IMPORTED: _("Register importert"),
    CONTACTS_IMPORTED: _("Kontaktpersoner importert"),
    INVITATIONS_QUEUED: _("Invitasjoner sendt"),
    REMINDERS_QUEUED: _("Påminnelser sendt"),
    REPORT_MAILS_QUEUED: _("E-post om organisasjonenes rapporter sendt"),
    LINK_ISSUED: _("Personlig lenke laget"),
    LINK_REVOKED: _("Personlige lenker trukket tilbake"),
    ANSWERS_REOPENED: _("Innsendte svar åpnet for endring"),
    EXPORT_CREATED: _("Eksport"),
    ROLE_GRANTED: _("Rolle gitt"),
    ROLE_REVOKED: _("Rolle fjernet"),
    TWO_FACTOR_ENROLLED: _("Tofaktorinnlogging slått på"),
    CONTACT_ERASED: _("Kontaktperson slettet"),
    ACCESS_REPORT_CREATED: _("Innsynsrapport laget"),
    RETENTION_PSEUDONYMISED: _("Opplysninger pseudonymisert etter lagringstiden"),
}


def label(action: str) -> str:
    """The label of an action in the current language; the name itself when it has none."""
    return str(LABELS.get(action, action))
