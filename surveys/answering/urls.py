"""Respondent pages: the personal link, the sections, review, receipt and colleagues.

Every page of an answer set names its wave and its organisation (kommunenummer or
fylkesnummer), so one person may answer for several organisations in several tabs at once.
"""

from django.urls import path, register_converter

from surveys.answering import views


class OrganisationNumber:
    """A kommunenummer (4 digits) or a fylkesnummer (2 digits)."""

    regex = "[0-9]{2,4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrganisationNumber, "organisation")

ANSWER_SET = "svar/<slug:wave_slug>/<organisation:organisation_number>/"

urlpatterns = [
    path("i/<str:token>/", views.link_open, name="link"),
    path("svar/logg-ut/", views.logout, name="respondent_logout"),
    path("svar/<slug:wave_slug>/", views.choose, name="choose_organisation"),
    path(ANSWER_SET, views.overview, name="overview"),
    path(f"{ANSWER_SET}del/<slug:section_key>/", views.section, name="section"),
    path(
        f"{ANSWER_SET}del/<slug:section_key>/autolagre/",
        views.section_autosave,
        name="section_autosave",
    ),
    path(f"{ANSWER_SET}innsending/", views.review, name="review"),
    path(f"{ANSWER_SET}kvittering/", views.receipt, name="receipt"),
    path(f"{ANSWER_SET}gjenapne/", views.reopen, name="reopen"),
    path(f"{ANSWER_SET}kollega/", views.invite_colleague, name="invite_colleague"),
    path(f"{ANSWER_SET}forleng/", views.session_extend, name="session_extend"),
    path(f"{ANSWER_SET}historikk/", views.answer_history, name="answer_history"),
]
