"""Usage analytics (埋点) of the caller's scope, and feature release dates."""

from datetime import date

from ninja import Field, Query, Router, Schema

from valuecrm.usage import actions, queries
from valuecrm.usage.features import features
from valuecrm.usage.models import FeatureRelease

router = Router(tags=["usage"])


class SpanQuery(Schema):
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    org: int | None = Field(None, description="An org unit id: its whole subtree")
    threshold: float = Field(queries.UNDERUSED_SHARE, ge=0, le=1,
                             description="Under-used below this share of a team's people")


@router.get("/usage/report", operation_id="usage_report",
            summary="DAU/WAU/MAU, stickiness, sessions, active share by team, feature "
                    "adoption, time to adopt and under-used features")
def usage_report(request, q: Query[SpanQuery]):
    return queries.usage_report(request.auth, q.start, q.end, q.org, q.threshold)


@router.get("/usage/features", operation_id="usage_features",
            summary="The tracked features and their release dates")
def usage_features(request):
    releases = dict(FeatureRelease.objects.values_list("feature", "released_on"))
    return {"items": [{"key": f.key, "label": f.label, "useful": f.useful,
                       "released_on": releases.get(f.key)} for f in features().values()]}


class ReleaseIn(Schema):
    released_on: date
    note: str = ""


@router.put("/usage/features/{key}/release", operation_id="usage_set_release",
            summary="Set when a feature was released (administrators)")
def set_release(request, key: str, body: ReleaseIn):
    release = actions.set_feature_release(actor=request.auth, feature=key,
                                          released_on=body.released_on, note=body.note)
    return {"feature": release.feature, "released_on": release.released_on,
            "note": release.note}
