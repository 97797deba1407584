"""Why a mail row failed, and whether trying again can help (SMTP replies, timeouts)."""

from __future__ import annotations

import logging
import smtplib
import socket

from django.core.mail import BadHeaderError

logger = logging.getLogger("surveys.outreach.services")


def classify_failure(exc: BaseException) -> bool:
    """True when a mail failure is transient (worth retrying), False when it is permanent.

    Permanent: 5xx replies, refused recipients, headers or addresses we cannot send, a link
    the respondent flow refuses to issue. Anything unexpected is retried (and ends as failed
    after MAIL_MAX_ATTEMPTS) rather than silently dropped.
    """
    if isinstance(exc, BadHeaderError | ValueError | LookupError):
        return False
    if type(exc).__name__ == "ServiceError":
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, socket.timeout | TimeoutError | ConnectionError | OSError):
        return True
    logger.exception("Unexpected error while sending a mail row; it will be retried")
    return True


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        details = [
            f"{code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for code, msg in exc.recipients.values()
        ]
        return "Mottaker avvist: " + "; ".join(details)
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"[:1000]
