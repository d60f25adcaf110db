"""API of the focus list ("today's priorities") and saved views."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, ModelSchema, Router, Schema, Status

from valuecrm.focus import actions
from valuecrm.focus.models import SavedView
from valuecrm.focus.queries import focus_list

router = Router(tags=["focus"])


class FocusItemOut(Schema):
    kind: str
    id: int
    name: str
    owner_id: int | None
    tier: int
    amount: Decimal | None
    expected_value: Decimal | None
    deadline: datetime | date | None
    reasons: list[str]
    codes: list[str]


class RepHelpOut(Schema):
    rep_id: int
    rep: str
    unit: str
    stalled_deals: int
    activities: int
    team_median_activities: float
    win_rate: float | None
    previous_win_rate: float | None
    reasons: list[str]
    codes: list[str]


class FocusOut(Schema):
    items: list[FocusItemOut]
    reps_needing_help: list[RepHelpOut] | None = Field(
        None, description="Managers and department heads only: their reps who need help")


@router.get("/focus", response=FocusOut, operation_id="get_focus",
            summary="Today's priorities: the caller's (or their team's) records, ranked, "
                    "each with its reasons")
def get_focus(request):
    return focus_list(request.auth)


class SavedViewOut(ModelSchema):
    mine: bool
    filters: dict[str, Any]
    columns: list[str]

    class Meta:
        model = SavedView
        fields = ["id", "owner", "name", "kind", "filters", "ordering", "columns",
                  "shared_with", "created_at", "updated_at"]

    @staticmethod
    def resolve_mine(obj, context):
        return obj.owner_id == context["request"].auth.pk


class SavedViewIn(Schema):
    model_config = {"extra": "forbid"}

    name: str
    kind: str = Field(..., description="The list: leads, customers, opportunities, ...")
    filters: dict[str, Any] = Field(default_factory=dict,
                                    description="Query parameters of that list")
    ordering: str = ""
    columns: list[str] = Field(default_factory=list)
    shared_with: int | None = Field(None, description="Org unit to share with; empty: personal")


class SavedViewPatch(Schema):
    model_config = {"extra": "forbid"}

    name: str | None = None
    kind: str | None = None
    filters: dict[str, Any] | None = None
    ordering: str | None = None
    columns: list[str] | None = None
    shared_with: int | None = None


def _values(payload: dict) -> dict:
    if "shared_with" in payload:
        payload["shared_with_id"] = payload.pop("shared_with")
    return payload


@router.get("/saved-views", response=list[SavedViewOut], operation_id="list_saved_views",
            summary="The caller's saved views and those shared with their units")
def list_views(request, kind: str | None = None):
    views = SavedView.objects.visible_to(request.auth)
    return views.filter(kind=kind) if kind else views


@router.get("/saved-views/{int:pk}", response=SavedViewOut, operation_id="get_saved_view",
            summary="Get a saved view")
def get_view(request, pk: int):
    return SavedView.objects.get_visible(request.auth, pk)


@router.post("/saved-views", response={201: SavedViewOut}, operation_id="create_saved_view",
             summary="Save a list's filters, sort and columns")
def create_view(request, payload: SavedViewIn):
    view = actions.create_saved_view(actor=request.auth, data=_values(payload.dict()))
    return Status(201, view)


@router.patch("/saved-views/{int:pk}", response=SavedViewOut,
              operation_id="update_saved_view", summary="Change a saved view (owner only)")
def update_view(request, pk: int, payload: SavedViewPatch):
    changes = _values(payload.dict(exclude_unset=True))
    return actions.update_saved_view(actor=request.auth, pk=pk, changes=changes)


@router.delete("/saved-views/{int:pk}", response={204: None}, operation_id="delete_saved_view",
               summary="Delete a saved view (owner only)")
def delete_view(request, pk: int):
    actions.delete_saved_view(actor=request.auth, pk=pk)
    return Status(204, None)
