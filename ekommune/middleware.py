"""Project middleware."""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bokmål unless the person has chosen nynorsk or English with the language switch.

    The browser's Accept-Language is ignored on purpose: many municipal employees have an
    English operating system, and the survey's working language is Norwegian. The choice is
    remembered in the language cookie that Django's set_language view writes.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
