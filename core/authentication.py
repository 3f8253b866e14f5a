"""API authentication (its own module: DRF imports authentication classes while it loads its
views, so this must not import them)."""

from django.utils import translation
from rest_framework.authentication import TokenAuthentication


class PersonTokenAuthentication(TokenAuthentication):
    """Token authentication that answers in the person's saved language (their choice in the
    header), as the pages do; without one, Accept-Language decides (LocaleMiddleware)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            from .i18n import KNOWN

            language = getattr(result[0], "language", "")
            if language in KNOWN:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
        return result
