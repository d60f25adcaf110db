"""Duplicate check (查重): which existing leads, customers and contacts look like the record
about to be saved, and which groups of existing records share a normalised key.

Matching: phone and email compare in their normalised form (E.164, lower case), which is
how every record stores them; company names compare by `normalize_company` (width, case,
punctuation and legal suffixes such as 有限公司 or Co., Ltd. removed), exactly (strength 1)
or by similarity of those keys (strength = difflib ratio, from SIMILAR_AT up).

The check looks at every record, not only the caller's, because a duplicate hidden in
another team is exactly what it must reveal. Rule for what a candidate shows: a record the
caller may see (`visible_to`) comes with its id, name, phone, email and owner; any other
record shows only its kind, what matched and how strongly, and its owner's team name (or
that it waits in the public pool) — never its id, name, contact data or owner.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from valuecrm.core.errors import ValidationError
from valuecrm.core.normalize import normalize_company, normalize_email, normalize_phone
from valuecrm.core.search import fold
from valuecrm.crm.models import Contact, Customer, Lead

KINDS = {"lead": Lead, "customer": Customer, "contact": Contact}
# Where each kind keeps the normalised company key; contacts are people, not companies.
COMPANY_KEY = {"lead": "company_key", "customer": "name_key"}
OWNER_PATH = {"lead": "owner", "customer": "owner", "contact": "customer__owner"}
SIMILAR_AT = 0.6
PER_KIND = 20


@dataclass(frozen=True)
class Match:
    field: str  # "phone", "email" or "company"
    strength: float  # 1.0: same normalised value; below: similarity of company names


@dataclass(frozen=True)
class Candidate:
    kind: str
    matches: tuple[Match, ...]
    visible: bool
    owner_team: str | None
    in_pool: bool
    # Only for records the caller may see:
    id: int | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    owner: str | None = None

    @property
    def strength(self) -> float:
        return max(m.strength for m in self.matches)


@dataclass
class _Found:
    matches: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, strength: float) -> None:
        self.matches[name] = max(strength, self.matches.get(name, 0.0))


def normalized_values(values: dict) -> dict[str, str]:
    """phone, email and company key of `values`; ValidationError per field if malformed."""
    out, errors = {}, {}
    for name, normalize in (("phone", normalize_phone), ("email", normalize_email),
                            ("company", normalize_company)):
        try:
            out[name] = normalize(values.get(name) or "")
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return out


def _similar(kind: str, key: str) -> dict[int, float]:
    """pk -> similarity for records whose company key resembles `key`. Pre-filtered by
    three-character pieces of the key in `search_text` (trigram-indexed on PostgreSQL),
    then scored in Python on at most a few hundred rows."""
    if len(key) < 3:
        return {}
    pieces = {key[:3], key[len(key) // 2 - 1: len(key) // 2 + 2], key[-3:]}
    probe = Q()
    for piece in pieces:
        probe |= Q(search_text__contains=fold(piece))
    column = COMPANY_KEY[kind]
    rows = KINDS[kind].objects.filter(probe).exclude(**{column: key})
    scores = {}
    for pk, other in rows.values_list("pk", column)[:300]:
        ratio = SequenceMatcher(None, key, other).ratio()
        if ratio >= SIMILAR_AT:
            scores[pk] = round(ratio, 2)
    return scores


def _matches(kind: str, norm: dict[str, str]) -> dict[int, _Found]:
    model, found = KINDS[kind], {}
    exact = [(f, {f: norm[f]}) for f in ("phone", "email") if norm[f]]
    if norm["company"] and kind in COMPANY_KEY:
        exact.append(("company", {COMPANY_KEY[kind]: norm["company"]}))
    for name, lookup in exact:
        for pk in model.objects.filter(**lookup).values_list("pk", flat=True)[:PER_KIND]:
            found.setdefault(pk, _Found()).add(name, 1.0)
    if norm["company"] and kind in COMPANY_KEY:
        for pk, ratio in _similar(kind, norm["company"]).items():
            found.setdefault(pk, _Found()).add("company", ratio)
    return found


def _describe(actor, kind: str, found: dict[int, _Found]) -> list[Candidate]:
    model, owner_path = KINDS[kind], OWNER_PATH[kind]
    rows = model.objects.filter(pk__in=found).select_related(f"{owner_path}__unit")
    if kind == "contact":
        rows = rows.select_related("customer")
    visible = set(model.objects.visible_to(actor).filter(pk__in=found).values_list("pk", flat=True))
    out = []
    for row in rows:
        owner = row.customer.owner if kind == "contact" else row.owner
        pooled = owner is None and getattr(
            row.customer if kind == "contact" else row, "pool_id", None) is not None
        matches = tuple(sorted((Match(f, s) for f, s in found[row.pk].matches.items()),
                               key=lambda m: -m.strength))
        common = {"kind": kind, "matches": matches, "in_pool": pooled,
                  "owner_team": owner.unit.name if owner and owner.unit_id else None}
        if row.pk in visible:
            out.append(Candidate(**common, visible=True, id=row.pk, name=str(row),
                                 phone=row.phone, email=row.email,
                                 owner=str(owner) if owner else None))
        else:
            out.append(Candidate(**common, visible=False))
    return out


def find_duplicates(*, actor, kind: str, values: dict, exclude_id: int | None = None
                    ) -> list[Candidate]:
    """Existing leads, customers and contacts that `values` (phone, email, company: the
    company name of a lead, the name of a customer) may duplicate, strongest first.
    `kind` is what is being saved; `exclude_id` the record itself when it is edited.
    A plain function over values, so forms, the API, imports and cleaning share it."""
    if kind not in KINDS:
        raise ValidationError({"kind": [_("Check one of: %(kinds)s.")
                                        % {"kinds": ", ".join(KINDS)}]})
    norm = normalized_values(values)
    candidates = []
    for target in KINDS:
        found = _matches(target, norm)
        if target == kind and exclude_id is not None:
            found.pop(exclude_id, None)
        if found:
            candidates.extend(_describe(actor, target, found))
    return sorted(candidates, key=lambda c: (-c.strength, not c.visible, c.kind, c.id or 0))


@dataclass(frozen=True)
class DuplicateGroup:
    key: str
    count: int
    members: list[dict]  # {"id", "name"} of each record sharing the key


GROUP_KEYS = {
    "lead": {"phone": "phone", "email": "email", "company": "company_key"},
    "customer": {"phone": "phone", "email": "email", "company": "name_key"},
    "contact": {"phone": "phone", "email": "email"},
}


def duplicate_groups(*, actor, kind: str, by: str, limit: int = 50, offset: int = 0
                     ) -> tuple[int, list[DuplicateGroup]]:
    """Existing records of `kind` in the caller's scope that share a normalised `by` key
    (phone, email, company), largest groups first: (number of groups, this page). Two
    grouped queries, whatever the table size."""
    column = GROUP_KEYS.get(kind, {}).get(by)
    if column is None:
        raise ValidationError({"by": [_("Group %(kind)s by one of: %(keys)s.") % {
            "kind": kind, "keys": ", ".join(GROUP_KEYS.get(kind, GROUP_KEYS["lead"]))}]})
    scoped = KINDS[kind].objects.visible_to(actor).exclude(**{column: ""})
    keyed = (scoped.order_by().values(column).annotate(n=Count("pk")).filter(n__gt=1))
    total = keyed.count()
    page = list(keyed.order_by("-n", column)[offset: offset + limit])
    keys = [row[column] for row in page]
    members: dict[str, list[dict]] = {key: [] for key in keys}
    for row in scoped.filter(**{f"{column}__in": keys}).order_by("pk"):
        members[getattr(row, column)].append({"id": row.pk, "name": str(row)})
    return total, [DuplicateGroup(key=row[column], count=row["n"], members=members[row[column]])
                   for row in page]
