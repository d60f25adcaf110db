"""API of the global search."""

from ninja import Query, Router, Schema

from valuecrm.search.queries import search_records

router = Router(tags=["search"])


class HitOut(Schema):
    kind: str
    id: int
    title: str
    subtitle: str
    phone: str
    email: str
    owner_id: int | None


class GroupOut(Schema):
    kind: str
    label: str
    hits: list[HitOut]
    has_more: bool


class SearchOut(Schema):
    q: str
    groups: list[GroupOut]


@router.get("/search", response=SearchOut, operation_id="search",
            summary="Find leads, customers, contacts and opportunities by name (Chinese, "
                    "pinyin or initials), phone or email, among the records you may see")
def search(request, q: str, kinds: Query[list[str] | None] = None, limit: int = 10):
    groups = search_records(actor=request.auth, query=q, kinds=kinds, limit=limit)
    return {"q": q, "groups": groups}
