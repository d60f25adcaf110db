"""The feature catalog (`features.yaml`): which page or API operation is which feature."""

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache, lru_cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

FILE = Path(__file__).resolve().parent / "features.yaml"
# Routes no pattern names still count (as this key), so nothing used goes unrecorded.
OTHER = "other"


@dataclass(frozen=True)
class Feature:
    key: str
    zh: str
    en: str
    useful: bool
    routes: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.zh if (get_language() or "").startswith("zh") else self.en


@cache
def features() -> dict[str, Feature]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return {item["key"]: Feature(key=item["key"], zh=item["zh"], en=item["en"],
                                 useful=bool(item["useful"]), routes=tuple(item["routes"]))
            for item in data["features"]}


@lru_cache(maxsize=4096)
def feature_for_route(route: str) -> str:
    """The feature key of a route name such as `web:lead_list` or `api:create_leads`."""
    for feature in features().values():
        if any(fnmatchcase(route, pattern) for pattern in feature.routes):
            return feature.key
    return OTHER


def label(key: str) -> str:
    feature = features().get(key)
    return feature.label if feature else key
