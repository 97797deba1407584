"""Load what a newcomer needs to see the product working (used by `make run`).

Idempotent: running it again changes nothing that is already there.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Load the bundled register, questionnaire and demo data, and create a demo administrator."
    )

    def handle(self, *args: object, **options: object) -> None:
        for step in demo_steps():
            step(self.stdout)
        username, password = ensure_demo_admin()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo administrator: {username} / {password}  "
                f"(log in at {settings.SITE_URL}/admin/)"
            )
        )


def demo_steps() -> list:
    """Steps contributed by the apps, in order (register, questionnaire, demo wave...)."""
    steps = []
    try:
        from municipalities.demo import load_demo_register
    except ImportError:
        pass
    else:
        steps.append(load_demo_register)
    try:
        from surveys.demo.questionnaires import load_demo_surveys
    except ImportError:
        pass
    else:
        steps.append(load_demo_surveys)
    try:
        from surveys.demo.wave import load_demo_wave_in_progress
    except ImportError:
        pass
    else:
        # A wave in progress: invitations, answers, a reminder round and a snapshot.
        steps.append(load_demo_wave_in_progress)
    return steps


def ensure_demo_admin() -> tuple[str, str]:
    """Create the demo superuser once, with a random password kept under var/."""
    password_file = Path(settings.VAR_DIR) / "demo-admin-password"
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_ADMIN_USERNAME).first()
    if user is not None and password_file.exists():
        return DEMO_ADMIN_USERNAME, password_file.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = user_model.objects.create_superuser(
            DEMO_ADMIN_USERNAME, email="admin@example.invalid", password=password
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    password_file.write_text(password, encoding="utf-8")
    password_file.chmod(0o600)
    return DEMO_ADMIN_USERNAME, password
