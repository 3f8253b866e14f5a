"""Which language a person reads: their saved choice, else what their browser asks for (on a
request), else DJANGO_LANGUAGE_CODE. Pages follow it through PersonLanguageMiddleware; e-mails and
notifications are written in the recipient's language with `speaking_to(recipient)`."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

KNOWN = {code for code, _name in settings.LANGUAGES}


def language_of(user) -> str:
    """The language to write to `user` in when there is no request of theirs to ask."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in KNOWN else settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user):
    """Translate what is built inside (messages, subjects, dates) for `user`."""
    with translation.override(language_of(user)):
        yield


class PersonLanguageMiddleware:
    """After authentication: a signed-in person's saved language wins over the browser's. Placed
    after LocaleMiddleware (which reads the cookie and Accept-Language first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen in KNOWN and chosen != request.LANGUAGE_CODE:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
