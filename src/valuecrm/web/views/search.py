"""The search box of the top bar, and the duplicate check beside lead and customer forms.
Both are reads of other apps (search.queries, dedup.duplicates) in the user's scope."""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from valuecrm.core.errors import ValidationError
from valuecrm.dedup.duplicates import find_duplicates
from valuecrm.search.queries import search_records
from valuecrm.web.htmx import render_page


@login_required
def search(request):
    query = request.GET.get("q", "")
    groups, error = [], ""
    if query.strip():
        try:
            groups = search_records(actor=request.user, query=query,
                                    limit=5 if request.headers.get("HX-Request") else 20)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    found = [g for g in groups if g.hits]
    return render_page(request, "web/search/results.html", {
        "q": query, "groups": found, "error": error, "searched": bool(query.strip()),
    })


# The form field that holds each value find_duplicates compares, per kind being saved.
DUPLICATE_FIELDS = {"lead": {"company": "company_name"}, "customer": {"company": "name"}}


@login_required
def duplicate_check(request, kind):
    """Existing records the values being typed may duplicate (HTMX, on phone, email or
    company change). Records out of the user's scope show only what dedup allows."""
    if kind not in DUPLICATE_FIELDS:
        raise Http404
    company_field = DUPLICATE_FIELDS[kind]["company"]
    values = {"phone": request.GET.get("phone", ""), "email": request.GET.get("email", ""),
              "company": request.GET.get(company_field, "")}
    exclude = request.GET.get("exclude", "")
    candidates, error = [], ""
    if any(v.strip() for v in values.values()):
        try:
            candidates = find_duplicates(actor=request.user, kind=kind, values=values,
                                         exclude_id=int(exclude) if exclude.isdigit() else None)
        except ValidationError:
            # Malformed phone or email: the form's own validation says so on save.
            error = "invalid"
    return render_page(request, "web/search/duplicates.html",
                       {"candidates": candidates, "error": error},
                       partial="web/search/duplicates.html")
