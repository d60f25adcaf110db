"""Lists of records: scope, filters (django-filter), search, sort and a bounded pager.

A `ListPage` describes one list; `render_list` does the rest, the same way for every
record type. Counting is capped (COUNT_CAP) so a list over a million rows costs a LIMITed
subquery, not a full count; the pager then says "10,000+" and still pages forward.
"""

from dataclasses import dataclass, field

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valuecrm.core.search import matches
from valuecrm.org.queries import visible_users
from valuecrm.web.htmx import is_partial, render_page

PER_PAGE = 25
COUNT_CAP = 10_000
MAX_PAGE = COUNT_CAP // PER_PAGE
ALL = _("All")


@dataclass(frozen=True)
class Column:
    label: str
    # The `sort` value that orders by this column; empty when it cannot be sorted.
    sort: str = ""
    numeric: bool = False
    # Names the column in a person's column choice (default: its sort key).
    key: str = ""

    @property
    def ident(self) -> str:
        return self.key or self.sort


@dataclass(frozen=True)
class ListPage:
    key: str
    model: type
    title: str
    filterset: type[django_filters.FilterSet]
    columns: tuple[Column, ...]
    default_sort: str = "-created_at"
    select_related: tuple[str, ...] = ()
    create_url: str = ""
    empty_hint: str = ""
    annotate: str | None = None
    extra: dict = field(default_factory=dict)
    # The API's name of this list: saved views and exports use it ("" : none).
    view_kind: str = ""
    export_kind: str = ""
    # Bulk actions offered (web/views/bulk.py); empty: no selection column.
    bulk_actions: tuple[str, ...] = ()
    # A template of tabs shown above the list (lists that belong to a section).
    tabs: str = ""

    def column_keys(self) -> list[str]:
        return [c.ident for c in self.columns]

    @property
    def row_template(self) -> str:
        return f"web/lists/{self.key}_row.html"

    def sort_keys(self) -> set[str]:
        return {c.sort for c in self.columns if c.sort}


def search(*lookups: str):
    """A django-filter `method` matching the words of a search box against several fields."""

    def apply(queryset, name, value):
        query = Q()
        for lookup in lookups:
            query |= Q(**{lookup: value.strip()})
        return queryset.filter(query) if value.strip() else queryset

    return apply


def owners(request):
    """Owners a filter may offer: only people whose records the user can see."""
    if request is None:
        return get_user_model().objects.none()
    return visible_users(request.user)


class ScopedFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), empty_label=ALL, queryset=owners)

    search_lookups: tuple[str, ...] = ()
    # Records with a search text (leads, customers) match the search box as the global
    # search does, through its trigram index: a scan of several columns is too slow at a
    # million rows.
    search_indexed = False

    def filter_search(self, queryset, name, value):
        if self.search_indexed:
            return queryset.filter(matches(value))
        return search(*self.search_lookups)(queryset, name, value)


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def _sort(request, page: ListPage) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort.lstrip("-") in page.sort_keys() else page.default_sort


def shown_columns(user, page: ListPage) -> list[str]:
    """The columns `user` chose for this list (focus.ListColumns), all by default; the
    first column (the link to the record) is always shown."""
    from valuecrm.focus.models import ListColumns

    keys = page.column_keys()
    chosen = ListColumns.objects.filter(owner=user, kind=page.key).values_list(
        "columns", flat=True).first()
    if not chosen:
        return keys
    return [k for i, k in enumerate(keys) if i == 0 or k in chosen]


def render_list(request, page: ListPage):
    base = page.model._default_manager.visible_to(request.user)
    if page.select_related:
        base = base.select_related(*page.select_related)
    if page.annotate:
        base = getattr(base, page.annotate)()
    filters = page.filterset(request.GET or None, queryset=base, request=request)
    sort = _sort(request, page)
    qs = filters.qs.order_by(sort, "-pk" if sort.startswith("-") else "pk")
    number = _page_number(request)
    offset = (number - 1) * PER_PAGE
    rows = list(qs[offset:offset + PER_PAGE + 1])
    has_next = len(rows) > PER_PAGE and number < MAX_PAGE
    total = qs.order_by()[:COUNT_CAP].count()
    shown = shown_columns(request.user, page)
    context = {
        "shown": shown, "today": timezone.localdate(),
        "page": page, "filters": filters, "rows": rows[:PER_PAGE], "sort": sort,
        "total": total, "capped": total >= COUNT_CAP, "number": number,
        "has_next": has_next, "has_previous": number > 1,
        "first_index": offset + 1 if rows else 0, "last_index": offset + len(rows[:PER_PAGE]),
        "columns": [
            {"label": c.label, "sort": c.sort, "numeric": c.numeric,
             "active": sort.lstrip("-") == c.sort and c.sort,
             "next_sort": (c.sort if sort == f"-{c.sort}" else f"-{c.sort}") if c.sort else "",
             "descending": sort.startswith("-")}
            for c in page.columns if c.ident in shown
        ],
    }
    if not is_partial(request):
        context.update(_toolbar(request, page))
    return render_page(request, "web/list.html", context)


BULK_LABELS = {"assign": _("Assign to…"), "tag": _("Add a tag"),
               "release": _("Move to the public pool"), "export": _("Export the selected rows")}


def _toolbar(request, page: ListPage) -> dict:
    """Saved views, export links and bulk-action choices (the full page only)."""
    from valuecrm.crm.models import Tag
    from valuecrm.focus.models import SavedView

    context = {"bulk_actions": [(a, BULK_LABELS[a]) for a in page.bulk_actions],
               "column_choices": [(c.ident, c.label) for c in page.columns[1:]]}
    if page.view_kind:
        views = SavedView.objects.visible_to(request.user).filter(kind=page.view_kind)
        current = request.GET.get("view", "")
        context["saved_views"] = [
            {"view": v, "current": str(v.pk) == current,
             "mine": v.owner_id == request.user.pk} for v in views.select_related("owner")]
    if page.bulk_actions:
        context["bulk_url"] = reverse(f"web:{page.key}_bulk")
        context["bulk_owners"] = visible_users(request.user)
        context["bulk_tags"] = Tag.objects.visible_to(request.user)
    return context
