"""A base for management commands whose help text is translated."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TranslatedCommand(BaseCommand):
    """A command whose `help` may be a lazy translation (gettext_lazy).

    argparse formats the description with `re`, which refuses Django's lazy strings; the help is
    turned into text in the active language when the parser is built.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
