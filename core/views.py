from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .permissions import home_of
from .services import notification_read


@require_GET
@login_required
def home(request):
    return redirect(home_of(request.user))


@require_GET
@login_required
def notification_list(request):
    notifications = list(Notification.objects.filter(recipient=request.user)[:100])
    return render(request, "core/notification_list.html", {"notifications": notifications})


@require_POST
@login_required
def notification_read_all(request):
    notification_read(recipient=request.user)
    return redirect("notification_list")


@require_GET
def healthz(request):
    """For load balancers and monitoring: the process answers (no database, no session), and
    whether background jobs can be queued. 200 while the web process serves pages, also when the
    job queue is down ("broker: unreachable"; ?strict=1 makes that a 503 for monitoring)."""
    from .jobs import broker_state

    broker = broker_state()
    body = f"ok\nbroker: {broker}\n" if broker != "unreachable" else f"degraded\nbroker: {broker}\n"
    status = 503 if broker == "unreachable" and request.GET.get("strict") == "1" else 200
    return HttpResponse(body, content_type="text/plain", status=status)


def api_docs_csp(view):
    """Swagger UI sets inline styles on its widgets: allow styles (not scripts) on that page."""
    from csp.constants import UNSAFE_INLINE
    from csp.decorators import csp_update

    return csp_update({"style-src": [UNSAFE_INLINE]})(view)


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes' lockout response: the page in the site's layout, with the real cool-off."""
    from django.conf import settings

    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "core/locked_out.html", {"cooloff_minutes": minutes}, status=429)


# -- error answers: pages get the site's error pages, the API its JSON error shape (core.api) --------


def _api_error(request, status: int, message) -> HttpResponse | None:
    if not request.path.startswith("/api/"):
        return None
    from django.http import JsonResponse

    return JsonResponse({"message": str(message), "errors": []}, status=status)


def bad_request(request, exception):
    from django.views import defaults

    return _api_error(request, 400, _("Bad request.")) or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    from django.views import defaults

    return _api_error(request, 403, _("You do not have permission to perform this action.")) or (
        defaults.permission_denied(request, exception)
    )


def page_not_found(request, exception):
    from django.views import defaults

    return _api_error(request, 404, _("Not found.")) or defaults.page_not_found(request, exception)


def server_error(request):
    from django.views import defaults

    return _api_error(
        request, 500, _("Something went wrong on the server; it was logged. Nothing was changed.")
    ) or defaults.server_error(request)


# -- the documentation, readable inside the app ------------------------------------------------------

HELP_LABELS = {
    "metrics": pgettext_lazy("help page", "Records and figures"),
    "coaching": pgettext_lazy("help page", "Coaching"),
    "reviewing": pgettext_lazy("help page", "Reviewing"),
    "sampling": pgettext_lazy("help page", "Sampling"),
    "scoring": pgettext_lazy("help page", "Scoring"),
    "importing": pgettext_lazy("help page", "Importing"),
    "agreement": pgettext_lazy("help page", "Agreement"),
    "disputes": pgettext_lazy("help page", "Disputes"),
    "autoqa": pgettext_lazy("help page", "Automatic checks"),
    "domain": pgettext_lazy("help page", "The field"),
}
HELP_PAGES = tuple(HELP_LABELS)


@require_GET
@login_required
def help_page(request, name: str):
    """docs/<name>.md as a page: how every figure is computed, how coaching works… Headings get
    anchors (#the-composite-score-kpi-schemes) that the pages' "How?" links point at."""
    from django.conf import settings
    from django.http import Http404
    from django.utils.translation import get_language

    from .display import markdown_page

    if name not in HELP_PAGES:
        raise Http404
    # docs/<name>.md is English; docs/<language>/<name>.md the same document in that language.
    docs = settings.BASE_DIR / "docs"
    translated = docs / (get_language() or "en") / f"{name}.md"
    text = (translated if translated.is_file() else docs / f"{name}.md").read_text(encoding="utf-8")
    title, body = markdown_page(text, pages=HELP_PAGES)
    return render(
        request, "core/help.html", {"title": title, "body": body, "pages": HELP_LABELS.items(), "name": name}
    )


@require_POST
def language_switch(request):
    """中文 / English in the header: remembered in a cookie, and on the person's profile when
    signed in (so their e-mails and notifications follow it). Back to the page they were on."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.http import url_has_allowed_host_and_scheme

    from .i18n import KNOWN

    language = request.POST.get("language", "")
    back = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "/"
    response = redirect(back)
    if language not in KNOWN:
        return response
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
    return response
