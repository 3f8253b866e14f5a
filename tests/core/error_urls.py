"""The app's URLs and error handlers, and a page and an API endpoint that fail (for the 500s)."""

from django.urls import path

from qa_project.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", fail), path("api/v1/fails/", fail), *urlpatterns]
