"""Personas and files shared by the tests of the yearly cycle's staff pages."""

from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.roles import roles_ensure
from tests import builders

DATA = Path(__file__).resolve().parents[3] / "municipalities" / "data"


def make_role_user(*roles: str, **overrides):
    # A flushed test database (after a transactional test) has lost the migration's groups.
    roles_ensure()
    user = builders.make_staff(**overrides)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


def upload_file(name: str, content: bytes | str) -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content)


def bundled(name: str) -> SimpleUploadedFile:
    return upload_file(name, (DATA / name).read_bytes())
