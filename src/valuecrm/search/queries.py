"""One search over leads, customers, contacts and opportunities, within the caller's scope.

Each kind is one query: `search_text LIKE '%<folded query>%'` (one or two characters:
at the start of a word, see core/search.py) on the records the caller may see
(`visible_to`), newest first, at most `limit` hits. On PostgreSQL a trigram GIN index on
`search_text` serves the LIKE.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.core.search import fold_query, search_filter
from valuecrm.crm.models import Contact, Customer, Lead
from valuecrm.sales.models import Opportunity

MAX_QUERY_LENGTH = 100


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    subtitle: str
    phone: str
    email: str
    owner_id: int | None


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    label: str
    hits: list[Hit]
    has_more: bool


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    select_related: tuple[str, ...]
    present: Callable[[models.Model], dict]


def _lead(lead: Lead) -> dict:
    title = lead.name or lead.company_name
    return {"title": title, "subtitle": lead.company_name if lead.name else "",
            "phone": lead.phone, "email": lead.email, "owner_id": lead.owner_id}


def _customer(customer: Customer) -> dict:
    return {"title": customer.name, "subtitle": customer.region, "phone": customer.phone,
            "email": customer.email, "owner_id": customer.owner_id}


def _contact(contact: Contact) -> dict:
    return {"title": contact.name, "subtitle": contact.customer.name, "phone": contact.phone,
            "email": contact.email, "owner_id": contact.customer.owner_id}


def _opportunity(deal: Opportunity) -> dict:
    return {"title": deal.name, "subtitle": deal.customer.name, "phone": "", "email": "",
            "owner_id": deal.owner_id}


SEARCHABLE: dict[str, Searchable] = {
    "lead": Searchable(Lead, (), _lead),
    "customer": Searchable(Customer, (), _customer),
    "contact": Searchable(Contact, ("customer",), _contact),
    "opportunity": Searchable(Opportunity, ("customer",), _opportunity),
}


def _clean_query(query: str) -> str:
    folded = fold_query(query or "")
    if not folded:
        raise ValidationError({"q": [_("Type a name, phone or email to search for.")]})
    if len(folded) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {"q": [_("Search for at most %(n)s characters.") % {"n": MAX_QUERY_LENGTH}]}
        )
    return folded


def search_records(*, actor, query: str, kinds: list[str] | None = None,
                   limit: int = 10) -> list[SearchGroup]:
    """Hits per kind, newest first, only among records `actor` may see."""
    folded = _clean_query(query)
    unknown = set(kinds or ()) - SEARCHABLE.keys()
    if unknown:
        raise ValidationError({"kinds": [
            _("Search one of: %(kinds)s.") % {"kinds": ", ".join(SEARCHABLE)}
        ]})
    if not 1 <= limit <= 100:
        raise ValidationError({"limit": [_("Ask for 1 to 100 hits per kind.")]})
    groups = []
    for kind, spec in SEARCHABLE.items():
        if kinds and kind not in kinds:
            continue
        rows = list(
            spec.model.objects.visible_to(actor)
            .filter(search_filter(folded))
            .select_related(*spec.select_related)
            .order_by("-pk")[: limit + 1]
        )
        hits = [Hit(kind=kind, id=row.pk, **spec.present(row)) for row in rows[:limit]]
        groups.append(SearchGroup(kind=kind, label=str(spec.model._meta.verbose_name_plural),
                                  hits=hits, has_more=len(rows) > limit))
    return groups
