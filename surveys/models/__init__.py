"""The surveys app's models, one module per part (tables and migrations are unchanged).

- questionnaire: Wave, Section, Question, Choice, MatrixRow
- answers: AnswerSet, Answer, AnswerChange, AccessToken
- outreach: MailRound, OutboundMessage, MailingSettings, ResponseRateSnapshot
- exports: ExportJob
- mail_texts: WaveMailText (a wave's own e-mail texts)
- versions: QuestionnaireVersion
"""

from municipalities.models import OrganisationKind
from surveys.models.answers import AccessToken, AccessTokenQuerySet, Answer, AnswerChange, AnswerSet
from surveys.models.exports import ExportJob
from surveys.models.mail_texts import MailTextKind, MailTextLanguage, WaveMailText
from surveys.models.outreach import (
    MailingSettings,
    MailKind,
    MailRound,
    OutboundMessage,
    OutboundMessageQuerySet,
    ResponseRateSnapshot,
    default_reminder_days,
)
from surveys.models.questionnaire import (
    Choice,
    MatrixRow,
    Question,
    Section,
    Wave,
    new_definition_token,
)
from surveys.models.versions import QuestionnaireVersion

__all__ = [
    "AccessToken",
    "AccessTokenQuerySet",
    "Answer",
    "AnswerChange",
    "AnswerSet",
    "Choice",
    "ExportJob",
    "MailKind",
    "MailTextKind",
    "MailTextLanguage",
    "MailRound",
    "MailingSettings",
    "MatrixRow",
    "OrganisationKind",
    "OutboundMessage",
    "OutboundMessageQuerySet",
    "Question",
    "QuestionnaireVersion",
    "ResponseRateSnapshot",
    "Section",
    "Wave",
    "WaveMailText",
    "default_reminder_days",
    "new_definition_token",
]
