"""Submitting a form to an action: one way for every record page.

The form checks shape; the action applies the rules. Its ValidationError is shown field by
field; a domain refusal (conflict, forbidden) is shown above the form. With HTMX only the
form is swapped; on success the browser goes to the record's page.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from valuecrm.core.errors import DomainError, Forbidden, NotFound, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.web.forms import apply_errors
from valuecrm.web.htmx import is_partial, render_page
from valuecrm.web.links import record_url


def domain_errors(view):
    """Out-of-scope records look absent (404); a refused role gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapper


def go_to(request, url: str):
    if is_partial(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def posted(request):
    """The form data to bind: the POST body (even an empty one) or None for a GET."""
    return request.POST if request.method == "POST" else None


def submit(request, form, save, *, context: dict, aliases=None, rows=None, success=None):
    """Run `save(form)` on a valid POST; return the response to send back.

    `rows` ({name: Rows}) are repeated rows posted with the form (see `apply_errors`);
    `success(obj)` is the message shown on the record's page after saving."""
    ensure_can_write(request.user)
    rows = rows or {}
    # Every part is validated (a list, not a generator) so each shows its own errors.
    if request.method == "POST" and all([form.is_valid(), *(r.is_valid() for r in rows.values())]):
        try:
            obj = save(form)
        except ValidationError as exc:
            apply_errors(form, exc, aliases=aliases, rows=rows)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if success is not None:
                messages.success(request, success(obj))
            return go_to(request, record_url(obj))
    status = 422 if request.method == "POST" else 200
    return render_page(request, "web/form.html",
                       {**context, "form": form, "row_sets": list(rows.values())}, status=status)


def refusal(exc: DomainError | ValidationError) -> str:
    """What to tell the user when an action refused: its field errors or its message."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return exc.message
