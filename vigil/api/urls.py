from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from .api import api

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    # The schema and its page are read, never posted to: every public POST is throttled.
    if isinstance(_pattern, URLPattern) and _pattern.name in ("openapi-json", "openapi-view"):
        _pattern.callback = require_safe(_pattern.callback)

urlpatterns = [path("v1/", (_patterns, _app_name, _namespace))]
