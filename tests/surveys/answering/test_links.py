"""Personal links: stored as hashes, revoked at once, refused outside the wave."""

from datetime import timedelta

import pytest

from surveys.answering import links
from surveys.models import AccessToken
from tests import builders


def test_a_link_token_is_stored_only_as_its_hash(survey, respondent):
    raw = links.invitation_link_issue(contact=respondent, wave=survey.wave)

    token = AccessToken.objects.get(contact=respondent)
    assert len(raw) >= 43  # 32 random bytes, URL-safe base64
    assert raw not in token.token_hash
    assert token.token_hash == links.token_hash(raw)
    assert not AccessToken.objects.filter(token_hash=raw).exists()


def test_a_revoked_link_no_longer_opens(survey, respondent):
    raw = links.invitation_link_issue(contact=respondent, wave=survey.wave)
    assert links.invitation_link_revoke(contact=respondent, wave=survey.wave) == 1

    with pytest.raises(links.ServiceError) as error:
        links.access_token_use(raw_token=raw)
    assert error.value.code == "invalid"


def test_a_link_does_not_open_a_closed_wave(survey, respondent):
    raw = links.invitation_link_issue(contact=respondent, wave=survey.wave)

    with pytest.raises(links.ServiceError) as error:
        links.access_token_use(raw_token=raw, now=survey.wave.closes_at + timedelta(minutes=1))
    assert error.value.code == "closed"


def test_a_link_cannot_be_issued_for_an_organisation_outside_the_wave(survey):
    other_edition = builders.make_organisation(edition=builders.make_edition(year=2024))
    contact = builders.make_contact(organisation=other_edition)

    with pytest.raises(links.ServiceError):
        links.invitation_link_issue(contact=contact, wave=survey.wave)
