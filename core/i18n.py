"""Which language a person reads: their saved choice, else what their browser asks for (on a
request), else DJANGO_LANGUAGE_CODE. Pages follow it through PersonLanguageMiddleware; e-mails and
notifications are written in the recipient's language with `speaking_to(recipient)`."""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
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


def speaking_to_author(model, pk: int):
    """`speaking_to` the person who started a background job (`model` with `created_by`), so that
    what the job writes (row problems, a report's sheets and charts) is in their language."""
    from contextlib import nullcontext

    author = model.objects.filter(pk=pk).values_list("created_by__language", flat=True).first()
    if author is None:
        return nullcontext()
    return translation.override(author if author in KNOWN else settings.LANGUAGE_CODE)


def remember_first_language(sender, request, user, **kwargs):
    """On signing in, a person who has never chosen keeps the language their browser asked for
    (or the cookie of the switch): that is the language of their e-mails and notifications until
    they choose in the header. Connected to user_logged_in in CoreConfig.ready."""
    if getattr(user, "language", None) != "" or request is None:
        return
    language = translation.get_language_from_request(request)
    if language in KNOWN:
        get_user_model().objects.filter(pk=user.pk, language="").update(language=language)
        user.language = language


class PersonLanguageMiddleware:
    """After authentication: a signed-in person's saved language wins over the browser's. Placed
    after LocaleMiddleware (which reads the cookie and Accept-Language first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = user.language
            if chosen in KNOWN and chosen != request.LANGUAGE_CODE:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)
