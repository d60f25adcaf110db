"""Saved views on the list pages: the list's filters and sort under a name, personal or
shared with the user's team. focus.actions checks them against the list's filters (the
API's, whose names the pages use too) and owns the rules on sharing and names."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from valuecrm.api.crud import list_resource
from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.focus import actions
from valuecrm.focus.models import SavedView
from valuecrm.web.lists import LISTS
from valuecrm.web.views.forms import domain_errors, refusal

# The list page of each saved-view kind (the API's list names).
LIST_OF_KIND = {page.view_kind: page for page in LISTS.values() if page.view_kind}


def views_for(user, kind: str):
    return SavedView.objects.visible_to(user).filter(kind=kind).select_related("owner")


def view_url(view: SavedView) -> str:
    page = LIST_OF_KIND[view.kind]
    query = QueryDict(mutable=True)
    for name, value in view.filters.items():
        query[name] = value
    if view.ordering:
        query["sort"] = view.ordering.split(",")[0]
    query["view"] = view.pk
    return f"{reverse(f'web:{page.key}_list')}?{query.urlencode()}"


def _query(kind: str, params: QueryDict) -> tuple[dict, str]:
    """The list's current filters and sort, as far as a saved view can hold them."""
    resource = list_resource(kind)
    names = set(resource.filters.model_fields)
    filters = {k: v for k, v in params.items() if k in names and v.strip()}
    sort = params.get("sort", "")
    ordering = sort if sort.lstrip("-") in resource.ordering else ""
    return filters, ordering


@login_required
@require_POST
@domain_errors
def saved_view_create(request, kind):
    page = LIST_OF_KIND.get(kind)
    if page is None:
        raise Http404
    params = QueryDict(request.POST.get("query", ""))
    filters, ordering = _query(kind, params)
    share = request.POST.get("share") == "on" and request.user.unit_id
    back = f"{reverse(f'web:{page.key}_list')}?{params.urlencode()}"
    try:
        view = actions.create_saved_view(actor=request.user, data={
            "name": request.POST.get("name", ""), "kind": kind, "filters": filters,
            "ordering": ordering, "shared_with_id": request.user.unit_id if share else None,
        })
    except (ValidationError, Conflict) as exc:
        messages.error(request, refusal(exc))
        return redirect(back)
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect(view_url(view))


@login_required
@require_POST
@domain_errors
def saved_view_delete(request, pk):
    view = SavedView.objects.visible_to(request.user).filter(pk=pk).first()
    if view is None:
        raise Http404
    actions.delete_saved_view(actor=request.user, pk=pk)
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
    return redirect(f"web:{LIST_OF_KIND[view.kind].key}_list")


@login_required
@require_POST
def list_columns(request, kind):
    """The columns a person sees on a list (focus.actions.choose_list_columns)."""
    page = LISTS.get(kind)
    if page is None:
        raise Http404
    keys = page.column_keys()
    try:
        actions.choose_list_columns(actor=request.user, kind=kind,
                                    columns=request.POST.getlist("columns"), allowed=keys)
    except ValidationError as exc:
        messages.error(request, refusal(exc))
    target = request.POST.get("next", "")
    # Only back to the list itself (with its query), never to another site.
    if not target.startswith(reverse(f"web:{kind}_list")):
        target = reverse(f"web:{kind}_list")
    return redirect(target)
