"""The search text kept on every searchable record, and the query normalisation that
matches it.

A record's `search_text` holds, each preceded by a space, each name as written (folded:
NFKC, lower case, no spaces), its full pinyin ("zhangsan") and pinyin initials ("zs"),
every two consecutive Chinese characters of it ("张三", "三丰"), the phone's digits in
international form ("8613812345678", which contains the national number) and the email.

A query is folded the same way. From three characters it is matched as a substring
(`LIKE '%q%'`, served by a trigram index on PostgreSQL). A query of one or two characters
has no trigram, so it is matched at the start of a word (`LIKE '% q%'`, whose pattern
yields the padded trigrams "  q" and " qx" that the index holds); the two-character
Chinese words make any two-character Chinese fragment a word start. Folded queries never
contain spaces, so a match never spans two words.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_PAIR = re.compile(r"[\u3400-\u9fff]{2}")
# Shorter queries have no trigram; they match the start of a word (see the module text).
SHORT_QUERY = 2
_PHONE_QUERY = re.compile(r"^\+?[\d\s\-()]+$")


def fold(text: str) -> str:
    """Width-, case- and space-insensitive form of `text`."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "").lower())


def pinyin_forms(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name containing Chinese; ("", "") otherwise.

    pypinyin picks readings by phrase, so 重庆 is "chongqing"; surnames with a rare reading
    (曾 as "zeng") get the common one ("ceng")."""
    folded = fold(name)
    if not _HAN.search(folded):
        return "", ""
    # pypinyin itself first splits text into runs of Chinese and other characters and
    # reads each run alone, so reading run by run gives the same result; runs repeat
    # (有限公司, surnames), which makes a bulk import's search text cheap.
    # Other characters are kept as written.
    forms = [_run_pinyin(han) if han else (other, other)
             for han, other in _pinyin_runs().findall(folded)]
    return "".join(f for f, _i in forms), "".join(i for _f, i in forms)


@lru_cache(maxsize=1)
def _pinyin_runs() -> re.Pattern:
    """Runs of characters pypinyin reads (its own RE_HANS class) and runs of others."""
    from pypinyin.constants import RE_HANS

    han = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
    return re.compile(f"({han}+)|((?:(?!{han}).)+)", re.DOTALL)


@lru_cache(maxsize=100_000)
def _run_pinyin(run: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin  # loads its dictionaries on first use

    return "".join(lazy_pinyin(run)), "".join(lazy_pinyin(run, style=Style.FIRST_LETTER))


def _han_pairs(folded: str) -> list[str]:
    return [folded[i:i + 2] for i in range(len(folded) - 1) if _HAN_PAIR.match(folded, i)]


def build_search_text(*, names: Iterable[str] = (), phones: Iterable[str] = (),
                      emails: Iterable[str] = ()) -> str:
    parts: list[str] = []
    for name in names:
        if folded := fold(name):
            parts.extend([folded, *pinyin_forms(folded)])
    parts.extend(re.sub(r"\D", "", phone) for phone in phones)
    parts.extend(fold(email) for email in emails)
    for name in names:
        parts.extend(_han_pairs(fold(name)))
    unique = dict.fromkeys(p for p in parts if p)
    return "".join(f" {part}" for part in unique)


def fold_query(query: str) -> str:
    """The form of a search query compared with `search_text`: a phone written with
    separators ("138-1234 5678", "+86 138") becomes its digits."""
    if _PHONE_QUERY.match(query or "") and re.search(r"\d", query):
        return re.sub(r"\D", "", query)
    return fold(query)


def search_filter(folded: str) -> Q:
    """The condition on `search_text` for a folded query."""
    if len(folded) <= SHORT_QUERY:
        return Q(search_text__contains=f" {folded}")
    return Q(search_text__contains=folded)


def matches(query: str) -> Q:
    """Records whose search text holds `query` (a list's search box): the same match as
    the global search, served by the trigram index on `search_text` rather than a scan
    of several columns; an empty query matches everything."""
    folded = fold_query(query or "")
    return search_filter(folded) if folded else Q()


class SearchIndexed(models.Model):
    """A record findable by the global search. Subclasses say which fields feed it.

    The text is refreshed on every save (the write layer, admin and actions all save), so
    it cannot drift; set-based writes that change these fields (imports with bulk_create,
    queryset.update) refresh it with `refresh_search_text` or `valuecrm search_reindex`.
    """

    search_names: tuple[str, ...] = ("name",)
    search_phones: tuple[str, ...] = ()
    search_emails: tuple[str, ...] = ()

    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.search_source_fields() & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """Columns computed from others. `save()` calls it; bulk writers (imports, the
        demo), which bypass `save()`, call it on every row themselves."""
        self.search_text = self.search_document()

    def search_document(self) -> str:
        return build_search_text(
            names=[getattr(self, f) for f in self.search_names],
            phones=[getattr(self, f) for f in self.search_phones],
            emails=[getattr(self, f) for f in self.search_emails],
        )

    @classmethod
    def search_source_fields(cls) -> set[str]:
        return {*cls.search_names, *cls.search_phones, *cls.search_emails}



def refresh_search_text(queryset, *, batch_size: int = 2000) -> int:
    """Recompute `search_text` for every row of `queryset` (backfill, after bulk writes).
    Returns the rows changed."""
    model = queryset.model
    fields = ["pk", "search_text", *model.search_source_fields()]
    changed, batch = 0, []
    for obj in queryset.only(*fields).order_by("pk").iterator(chunk_size=batch_size):
        text = obj.search_document()
        if text != obj.search_text:
            obj.search_text = text
            batch.append(obj)
        if len(batch) >= batch_size:
            changed += model._base_manager.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        changed += model._base_manager.bulk_update(batch, ["search_text"])
    return changed
