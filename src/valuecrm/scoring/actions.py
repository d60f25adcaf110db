"""Recomputing the stored scores (a job), and reading one record's score (scoped).

The frequency tables are counted in SQL (`scoring.history`) and kept in `ScoreModel`; open
records are then scored in batches of `BATCH` rows and upserted into `Score`. A record that
was created since the last recompute is scored on request from the stored tables.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.crm.models import Channel, Customer, Lead, Tag
from valuecrm.sales.models import Opportunity, Stage
from valuecrm.scoring import history
from valuecrm.scoring.bayes import Estimate, NaiveBayes, prior
from valuecrm.scoring.models import Basis, Kind, Score, ScoreModel

BATCH = 2000
# Naive Bayes on fewer closed records than this mostly repeats noise: below it the score
# is the prior (stage default or base rate), and says so.
MIN_CLOSED = getattr(settings, "SCORING_MIN_CLOSED", 20)
MIN_EACH_OUTCOME = getattr(settings, "SCORING_MIN_EACH_OUTCOME", 5)
# A lead's prior before any lead has closed: about one in ten leads becomes a deal.
LEAD_DEFAULT_PROBABILITY = getattr(settings, "SCORING_LEAD_DEFAULT_PROBABILITY", 0.10)


@dataclass
class Result:
    """What a score reports: the estimate, why (basis, note), and factor labels."""

    estimate: Estimate
    basis: str
    note: str
    labels: dict

    def to_score(self, **record) -> Score:
        return Score(
            probability=self.estimate.probability, log_odds=self.estimate.log_odds,
            base_log_odds=self.estimate.base_log_odds, basis=self.basis, note=self.note,
            factors=[f.as_dict(self.labels.get(f.field, {}).get(f.value))
                     for f in self.estimate.factors],
            computed_at=timezone.now(), **record,
        )


def is_thin(model: NaiveBayes) -> bool:
    return (model.closed < MIN_CLOSED or model.won < MIN_EACH_OUTCOME
            or model.lost < MIN_EACH_OUTCOME)


def _thin_note(model: NaiveBayes, noun: str) -> str:
    return _("Only %(n)s closed %(noun)s (%(won)s won, %(lost)s lost); at least %(min)s, "
             "%(each)s of each, are needed to predict") % {
        "n": model.closed, "noun": noun, "won": model.won, "lost": model.lost,
        "min": MIN_CLOSED, "each": MIN_EACH_OUTCOME}


def _model_note(model: NaiveBayes, noun: str) -> str:
    return _("Predicted from %(n)s closed %(noun)s (%(won)s won, %(lost)s lost)") % {
        "n": model.closed, "noun": noun, "won": model.won, "lost": model.lost}


def labels() -> dict[str, dict[str, str]]:
    """Readable names of the values that factors name by id."""
    return {
        "channel": {str(pk): name for pk, name in Channel.objects.values_list("pk", "name")},
        "tags": {str(t.pk): str(t) for t in Tag.objects.select_related("group")},
        "stage": {str(pk): name for pk, name in Stage.objects.values_list("pk", "name")},
        "size_tier": {k: str(v) for k, v in Customer.SizeTier.choices},
    }


def score_lead_rows(model: NaiveBayes, rows: list[dict], names: dict) -> dict[int, Result]:
    """Results for lead rows (pk, channel_id, region, industry) of open leads."""
    if is_thin(model):
        if model.closed:
            rate = (model.won + 1) / (model.closed + 2)
            note = _thin_note(model, _("leads")) + _(
                ": this is their smoothed win rate, (won + 1) / (closed + 2).")
        else:
            rate = LEAD_DEFAULT_PROBABILITY
            note = _("No lead has closed yet: this is the default prior of %(p)s%%.") % {
                "p": round(rate * 100)}
        return {row["pk"]: Result(prior(rate), Basis.PRIOR, note, names) for row in rows}
    tags = history.lead_tags([row["pk"] for row in rows])
    note = _model_note(model, _("leads"))
    results = {}
    for row in rows:
        features = {f.name: [row[f.lookup]] for f in history.LEAD_FEATURES if row[f.lookup]}
        features["tags"] = tags.get(row["pk"], [])
        results[row["pk"]] = Result(model.estimate(features), Basis.MODEL, note, names)
    return results


def score_opportunity_rows(model: NaiveBayes, rows: list[dict], names: dict) -> dict[int, Result]:
    """Results for rows of open opportunities (see `OPPORTUNITY_COLUMNS`)."""
    if is_thin(model):
        results = {}
        for row in rows:
            own = row["probability"] is not None
            percent = row["probability"] if own else row["stage__probability"]
            source = (_("the probability set on the opportunity") if own
                      else _("the stage's default probability"))
            note = _thin_note(model, _("opportunities")) + _(": this is %(source)s.") % {
                "source": source}
            results[row["pk"]] = Result(prior(percent / 100), Basis.PRIOR, note, names)
        return results
    tags = history.customer_tags({row["customer_id"] for row in rows})
    note = _model_note(model, _("opportunities"))
    results = {}
    for row in rows:
        features = {f.name: [row[f.lookup]] for f in history.OPPORTUNITY_FEATURES
                    if row[f.lookup]}
        features["tags"] = tags.get(row["customer_id"], [])
        features["stage"] = [str(row["stage_id"])]
        results[row["pk"]] = Result(model.estimate(features), Basis.MODEL, note, names)
    return results


LEAD_COLUMNS = ("pk", *(f.lookup for f in history.LEAD_FEATURES))
OPPORTUNITY_COLUMNS = ("pk", "customer_id", "stage_id", "probability", "stage__probability",
                       *(f.lookup for f in history.OPPORTUNITY_FEATURES))


def open_leads() -> QuerySet:
    return Lead.objects.filter(status__in=history.OPEN_LEAD_STATUSES)


def open_opportunities() -> QuerySet:
    return Opportunity.objects.filter(stage__outcome=Stage.Outcome.OPEN)


def _batches(qs: QuerySet, columns) -> Iterator[list[dict]]:
    """Rows in primary-key order, BATCH at a time (keyset pagination, no OFFSET)."""
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values(*columns)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def _store(kind: str, model: NaiveBayes) -> None:
    ScoreModel.objects.update_or_create(kind=kind, defaults={
        "trained_at": timezone.now(), "won": model.won, "lost": model.lost,
        "tables": model.as_json()})


_UPDATED = ["probability", "log_odds", "base_log_odds", "factors", "basis", "note",
            "computed_at"]


@transaction.atomic
def recompute_scores() -> dict[str, int]:
    """Retrain both models from the closed history and rescore every open lead and
    opportunity; scores of records that closed or were deleted are removed. A job: it reads
    the whole organisation's history, whatever any one person may see."""
    names = labels()
    done = {}
    for kind, tables, scorer, records, columns, key in (
        (Kind.LEAD, history.lead_tables, score_lead_rows, open_leads(), LEAD_COLUMNS, "lead"),
        (Kind.OPPORTUNITY, history.opportunity_tables, score_opportunity_rows,
         open_opportunities(), OPPORTUNITY_COLUMNS, "opportunity"),
    ):
        model = tables()
        _store(kind, model)
        count = 0
        for rows in _batches(records, columns):
            scores = [result.to_score(**{f"{key}_id": pk})
                      for pk, result in scorer(model, rows, names).items()]
            Score.objects.bulk_create(scores, update_conflicts=True, unique_fields=[key],
                                      update_fields=_UPDATED)
            count += len(scores)
        Score.objects.filter(**{f"{key}__isnull": False}).exclude(
            **{f"{key}_id__in": records.values("pk")}).delete()
        done[kind] = count
    return done


def _stored_model(kind: str) -> NaiveBayes:
    stored = ScoreModel.objects.filter(kind=kind).first()
    return NaiveBayes.from_json(stored.tables) if stored else NaiveBayes(0, 0)


def _closed(won: bool, noun: str) -> Result:
    note = (_("This %(noun)s was won.") if won else _("This %(noun)s was lost.")) % {
        "noun": noun}
    return Result(prior(1.0 if won else 0.0), Basis.CLOSED, note, {})


def lead_score(user, pk: int) -> Score:
    """The score of a lead the user may see (NotFound otherwise): stored, or computed now."""
    lead = Lead.objects.get_visible(user, pk)
    if lead.status not in history.OPEN_LEAD_STATUSES:
        won = history.won_leads().filter(pk=pk).exists()
        return _closed(won, _("lead")).to_score(lead=lead)
    stored = Score.objects.filter(lead=lead).first()
    if stored:
        return stored
    rows = list(Lead.objects.filter(pk=pk).values(*LEAD_COLUMNS))
    return score_lead_rows(_stored_model(Kind.LEAD), rows, labels())[pk].to_score(lead=lead)


def opportunity_score(user, pk: int) -> Score:
    opportunity = Opportunity.objects.select_related("stage").get_visible(user, pk)
    if opportunity.outcome != Stage.Outcome.OPEN:
        return _closed(opportunity.outcome == Stage.Outcome.WON,
                       _("opportunity")).to_score(opportunity=opportunity)
    stored = Score.objects.filter(opportunity=opportunity).first()
    if stored:
        return stored
    rows = list(Opportunity.objects.filter(pk=pk).values(*OPPORTUNITY_COLUMNS))
    return score_opportunity_rows(
        _stored_model(Kind.OPPORTUNITY), rows, labels())[pk].to_score(opportunity=opportunity)
