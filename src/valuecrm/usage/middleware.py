"""Records every page view and API call of a signed-in person as a usage event.

The feature comes from the resolved route: `web:<url name>`, `admin:<url name>` or, for
the API, `api:<operation id>` (one URL serves several operations, told apart by method).
Nothing from the request's content is recorded.
"""

import hashlib
import time

from django.conf import settings
from ninja.operation import PathView

from valuecrm.usage import buffer
from valuecrm.usage.features import feature_for_route

API_NAMESPACE = "api-v1"
SKIPPED = {"web:healthz"}
_path_views: dict = {}


def session_of(request) -> str:
    """A short hash of the API token or session key: enough to count sessions, useless
    to anyone who reads it."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("bearer "):
        return "t" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:16]
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return "s" + hashlib.sha256(key.encode()).hexdigest()[:16] if key else ""


def _path_view(func) -> PathView | None:
    """The django-ninja PathView behind a resolved API view function (cached)."""
    if func not in _path_views:
        cells = [c.cell_contents for c in (getattr(func, "__closure__", None) or ())]
        _path_views[func] = next((c for c in cells if isinstance(c, PathView)), None)
    return _path_views[func]


def route_of(request) -> str | None:
    match = request.resolver_match
    if match is None:
        return None
    if match.namespace == API_NAMESPACE:
        view = _path_view(match.func)
        operation = view and next(
            (op for op in view.operations if request.method in op.methods), None)
        if operation is not None:
            return f"api:{operation.operation_id or operation.view_func.__name__}"
        return f"api:{match.url_name}"
    return f"{match.namespace or 'web'}:{match.url_name}"


class UsageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not buffer.enabled():
            return self.get_response(request)
        started = time.perf_counter()
        session = session_of(request)
        token = buffer.current_session.set(session)
        try:
            response = self.get_response(request)
        finally:
            buffer.current_session.reset(token)
        user = getattr(request, "user", None)
        route = route_of(request)
        if route and route not in SKIPPED and user is not None and user.is_authenticated:
            api = route.startswith("api:")
            buffer.record(
                user_id=user.pk, unit_id=user.unit_id, feature=feature_for_route(route),
                action="api_call" if api else "page_view",
                duration_ms=round((time.perf_counter() - started) * 1000),
                session=session,
            )
        return response
