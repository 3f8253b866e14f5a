"""Every named route of the site, for the tests that walk them all (hostile query strings, every
page in Chromium)."""

from django.urls import URLPattern, URLResolver, get_resolver


def routes(patterns=None, prefix="", ns=None):
    """(route, name with its namespace, URLPattern) for every named route."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else p.name, p
