"""Administrators revoke and re-issue personal links and reopen submitted answer sets."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from surveys.answering.services import response_get_or_create, response_submit
from surveys.models import AccessToken, AnswerSet
from tests.builders import make_saved_answer, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_admin():
    """Staff who may look at links and answer sets but not change them."""
    user = make_staff()
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_accesstoken", "view_answerset"])
    )
    client = Client()
    client.force_login(user)
    return client


def test_revoking_a_link_ends_the_respondents_session_at_once(
    survey_admin, respondent_client, respondent, survey
):
    token = AccessToken.objects.get(contact=respondent)
    assert respondent_client.get(f"/svar/{survey.wave.slug}/3101/").status_code == 200

    response = survey_admin.post(
        "/admin/surveys/accesstoken/",
        {"action": "revoke_links", "_selected_action": [token.pk]},
        follow=True,
    )

    assert "1 lenke er trukket tilbake." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert respondent_client.get(f"/svar/{survey.wave.slug}/3101/").status_code != 200


def test_reissuing_shows_a_new_working_link_once_and_revokes_the_old(
    survey_admin, respondent_client, respondent, survey
):
    old = AccessToken.objects.get(contact=respondent)

    response = survey_admin.post(
        "/admin/surveys/accesstoken/",
        {"action": "reissue_links", "_selected_action": [old.pk]},
        follow=True,
    )

    html = response.content.decode()
    link = re.search(r"https?://[^\s<]+/i/([A-Za-z0-9_\-]+)/", html)
    assert link, html
    old.refresh_from_db()
    assert old.revoked_at is not None
    fresh = Client()
    assert fresh.get(f"/i/{link.group(1)}/").status_code == 302
    assert fresh.get(f"/svar/{survey.wave.slug}/3101/").status_code == 200
    # The token itself is never stored: only its hash.
    assert not AccessToken.objects.filter(token_hash=link.group(1)).exists()


def test_an_administrator_can_reopen_a_submitted_answer_set(survey_admin, survey, respondent):
    answer_set = response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    make_saved_answer(question=survey.plan, answer_set=answer_set, value="nei")
    response_submit(answer_set=answer_set, contact=respondent)

    response = survey_admin.post(
        "/admin/surveys/answerset/",
        {"action": "reopen_answer_sets", "_selected_action": [answer_set.pk]},
        follow=True,
    )

    assert "1 svarsett er åpnet for endringer." in response.content.decode()
    answer_set.refresh_from_db()
    assert answer_set.status == AnswerSet.Status.IN_PROGRESS
    assert answer_set.changes.filter(action="reopened").exists()


def test_staff_without_change_permission_cannot_revoke_or_reopen(
    viewer_admin, respondent_client, respondent, survey
):
    token = AccessToken.objects.get(contact=respondent)

    links = viewer_admin.get("/admin/surveys/accesstoken/").content.decode()
    viewer_admin.post(
        "/admin/surveys/accesstoken/", {"action": "revoke_links", "_selected_action": [token.pk]}
    )

    assert 'value="revoke_links"' not in links
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_link_list_never_shows_token_hashes(survey_admin, respondent_client, respondent):
    token = AccessToken.objects.get(contact=respondent)

    page = survey_admin.get(f"/admin/surveys/accesstoken/{token.pk}/change/").content.decode()

    assert token.token_hash not in page


def test_the_export_log_is_listed_read_only_in_the_admin(survey_admin, survey):
    from surveys.models import ExportJob
    from tests.builders import make_staff as make_exporter

    exporter = make_exporter(username="analytiker")
    job = ExportJob.objects.create(
        wave=survey.wave, requested_by=exporter, layout="wide", format="csv", rows_written=12
    )

    listing = survey_admin.get("/admin/surveys/exportjob/").content.decode()
    page = survey_admin.get(f"/admin/surveys/exportjob/{job.pk}/change/")
    deletion = survey_admin.get(f"/admin/surveys/exportjob/{job.pk}/delete/")

    assert "analytiker" in listing
    assert page.status_code == 200 and 'type="submit" value="Lagre"' not in page.content.decode()
    assert deletion.status_code == 403


def test_failed_messages_can_be_found_in_the_admin_but_not_edited(survey_admin, survey, respondent):
    from django.utils import timezone

    from surveys.models import MailKind, MailRound, OutboundMessage

    now = timezone.now()
    mail_round = MailRound.objects.create(
        wave=survey.wave, kind=MailKind.INVITATION, number=1, trigger="manual", created_at=now
    )
    message = OutboundMessage.objects.create(
        wave=survey.wave,
        round=mail_round,
        kind=MailKind.INVITATION,
        contact=respondent,
        organisation=survey.organisation,
        to_email="feil@kommune.example",
        state=OutboundMessage.State.FAILED,
        reason="550 mailbox unavailable",
        created_at=now,
        queued_at=now,
    )

    listing = survey_admin.get("/admin/surveys/outboundmessage/?state__exact=failed")
    edit = survey_admin.post(f"/admin/surveys/outboundmessage/{message.pk}/change/", {})

    assert "feil@kommune.example" in listing.content.decode()
    assert edit.status_code == 403


# --- every action leaves a line in the object's history -------------------------------------


def _history(obj) -> list[str]:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            action_flag=CHANGE,
        ).values_list("change_message", flat=True)
    )


def test_revoking_reissuing_and_reopening_are_written_to_the_admin_history(
    survey_admin, respondent_client, respondent, survey
):
    token = AccessToken.objects.get(contact=respondent)
    answer_set = response_get_or_create(wave=survey.wave, organisation=survey.organisation)
    make_saved_answer(question=survey.plan, answer_set=answer_set, value="nei")
    response_submit(answer_set=answer_set, contact=respondent)

    for action, pk, path in [
        ("revoke_links", token.pk, "/admin/surveys/accesstoken/"),
        ("reissue_links", token.pk, "/admin/surveys/accesstoken/"),
        ("reopen_answer_sets", answer_set.pk, "/admin/surveys/answerset/"),
    ]:
        survey_admin.post(path, {"action": action, "_selected_action": [pk]})

    assert _history(token) == ["Lenken er trukket tilbake."]
    assert _history(respondent) == [f"Ny lenke laget for {survey.wave.slug}."]
    assert _history(answer_set) == ["Åpnet for endringer."]
