"""Naive Bayes over field-value frequencies, the approach of Odoo's predictive lead scoring.

Pure arithmetic on counts, so it can be checked by hand: the counts come from SQL
(`scoring.history`), the result is explained as log-odds contributions.

    log-odds(won) = ln((W + a) / (L + a))                       base rate
                  + sum over fields f of ln(P(v_f | won) / P(v_f | lost))

with add-one (Laplace, a = 1) smoothing:
- a single-valued field (channel, region, ...) with K values seen in the history:
  P(v | won) = (won_v + a) / (W + a*K);
- a flag that a record may have several of (tags, stages reached):
  P(v | won) = (won_v + a) / (W + 2a), the chance of having it at all.
An empty field, or a value no closed record ever had, adds nothing: there is no evidence.
"""

import math
from dataclasses import dataclass, field

ALPHA = 1.0
CATEGORICAL, FLAG = "categorical", "flag"


@dataclass(frozen=True)
class Factor:
    field: str
    value: str
    won: int
    lost: int
    log_odds: float

    def as_dict(self, label: str | None = None) -> dict:
        return {"field": self.field, "value": self.value, "label": label or self.value,
                "won": self.won, "lost": self.lost, "log_odds": self.log_odds}


@dataclass(frozen=True)
class Estimate:
    probability: float
    log_odds: float
    base_log_odds: float
    factors: tuple[Factor, ...] = ()


@dataclass
class NaiveBayes:
    """Counts of closed records: `won`/`lost` totals and, per field, value -> [won, lost]."""

    won: int
    lost: int
    counts: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    @property
    def closed(self) -> int:
        return self.won + self.lost

    def base_log_odds(self) -> float:
        return math.log((self.won + ALPHA) / (self.lost + ALPHA))

    def _factor(self, name: str, value: str) -> Factor | None:
        seen = self.counts.get(name, {})
        if value not in seen:
            return None
        won_v, lost_v = seen[value]
        slots = 2 if self.kinds.get(name) == FLAG else len(seen)
        p_won = (won_v + ALPHA) / (self.won + ALPHA * slots)
        p_lost = (lost_v + ALPHA) / (self.lost + ALPHA * slots)
        return Factor(name, value, won_v, lost_v, math.log(p_won / p_lost))

    def estimate(self, features: dict[str, list[str]]) -> Estimate:
        """`features`: field -> the record's values (one for a single-valued field)."""
        factors = []
        for name, values in features.items():
            for value in values:
                factor = self._factor(name, str(value))
                if factor is not None:
                    factors.append(factor)
        base = self.base_log_odds()
        log_odds = base + sum(f.log_odds for f in factors)
        factors.sort(key=lambda f: -abs(f.log_odds))
        return Estimate(sigmoid(log_odds), log_odds, base, tuple(factors))

    def as_json(self) -> dict:
        return {"won": self.won, "lost": self.lost, "counts": self.counts, "kinds": self.kinds}

    @classmethod
    def from_json(cls, data: dict) -> "NaiveBayes":
        return cls(data["won"], data["lost"], data["counts"], data["kinds"])


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def logit(p: float) -> float:
    # Clamped: a stage default of 0% or 100% must still have finite log-odds.
    p = min(max(p, 0.001), 0.999)
    return math.log(p / (1.0 - p))


def prior(probability: float) -> Estimate:
    """A score that is only a prior: no factors, log-odds of the probability itself."""
    odds = logit(probability)
    return Estimate(probability, odds, odds, ())
