"""The one domain error of the respondent side, raised by every write of this package."""

from __future__ import annotations


class ServiceError(Exception):
    """The one domain error of the respondent side; `message` is shown to the person."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
