"""Fixtures shared by the surveys tests."""

import pytest
from django.contrib.auth.models import Permission

from tests.builders import make_staff, sign_in_verified


@pytest.fixture
def survey_admin(client):
    """A KS administrator: staff with every permission of the surveys app."""
    user = make_staff()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="surveys"))
    sign_in_verified(client, user)
    return client
