"""Logging filter that keeps secrets out of log lines."""

import logging
import re

# Invitation links look like /i/<token>/; e-mail addresses anywhere in a message are masked.
_TOKEN_PATH = re.compile(r"(/i/)[A-Za-z0-9_\-]{8,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    return _EMAIL.sub("<e-mail>", _TOKEN_PATH.sub(r"\1<token>", text))


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True
