"""Print a working personal link for an organisation: `respondent_link SLUG ORGNUMBER [--email]`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from municipalities.models import Contact, Organisation
from surveys.answering import links
from surveys.models import Wave


class Command(BaseCommand):
    help = (
        "Issue a personal invitation link for an organisation in a wave and print it. "
        "With --email, the link is for that contact (created when new); otherwise for the "
        "organisation's first active contact. With --revoke, the contact's links stop working."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the wave's slug, e.g. ekommune-2011")
        parser.add_argument("number", help="the organisation number, e.g. 0301 or 03")
        parser.add_argument("--email", help="the contact's e-mail address")
        parser.add_argument("--name", default="", help="name for a new contact")
        parser.add_argument(
            "--revoke",
            action="store_true",
            help="revoke the contact's links in this wave (ending their sessions) instead",
        )

    def handle(self, *args, **options) -> None:
        wave = Wave.objects.filter(slug=options["slug"]).first()
        if wave is None:
            raise CommandError(f"No wave with slug {options['slug']!r}.")
        organisations = list(
            Organisation.objects.filter(edition=wave.edition, number=options["number"])
        )
        organisations = [o for o in organisations if wave.targets(o.kind)]
        if not organisations:
            raise CommandError(
                f"No organisation numbered {options['number']!r} takes part in {wave.slug}."
            )
        if len(organisations) > 1:
            raise CommandError(f"Organisation number {options['number']!r} is ambiguous.")
        organisation = organisations[0]
        email = (options.get("email") or "").strip().lower()
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise CommandError(f"{email!r} is not a valid e-mail address.") from exc
            contact, created = Contact.objects.get_or_create(
                organisation=organisation, email=email, defaults={"name": options["name"]}
            )
            if created:
                self.stderr.write(f"Created contact {email} for {organisation}.")
        else:
            contact = organisation.contacts.filter(is_active=True).order_by("pk").first()
            if contact is None:
                raise CommandError(f"{organisation} has no active contact: pass --email ADDRESS.")
        if options["revoke"]:
            if not email:
                raise CommandError("--revoke needs --email ADDRESS.")
            count = links.invitation_link_revoke(contact=contact, wave=wave)
            self.stdout.write(f"Revoked {count} link(s) of {contact.email} in {wave.slug}.")
            return
        try:
            raw = links.invitation_link_issue(contact=contact, wave=wave)
        except links.ServiceError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(links.invitation_url(raw))
