from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coaching import views as coaching_views
from core.views import api_docs_csp

# The docs page's own script is a separate file (the "split" view), so it runs under the CSP;
# on a server it asks for a login like every page.
docs = api_docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api_schema"))
if not settings.DEBUG:
    docs = login_required(docs)

urlpatterns = [
    path("", include("core.urls")),
    # The QA manager's home reads every app's month (coaching may read them all; core may not).
    path("manage/", coaching_views.manager_home, name="manager_home"),
    path("", include("scoring.urls")),
    path("", include("reviews.urls")),
    path("", include("coaching.urls")),
    path("api/", include("scoring.api_urls")),
    path("api/", include("reviews.api_urls")),
    path("api/", include("coaching.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", docs, name="api_docs"),
    path("admin/", admin.site.urls),
]

# The API answers errors in its JSON shape even where no API view ran (an address that matches
# no route, a server error); pages keep the site's error pages.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
