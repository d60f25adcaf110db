"""Reproducible random assignment of a contact to a variant or the hold-out group.

sha256(seed ":" contact id) read as a number in [0, 1) is uniform and independent of the
contact's other attributes; the same seed and contact always give the same group, on any
machine, so an assignment can be re-derived and audited, and a new seed re-randomises.
"""

import hashlib

HOLDOUT = None


def unit_interval(seed: str, contact_id: int) -> float:
    digest = hashlib.sha256(f"{seed}:{contact_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2 ** 64


def assign(seed: str, contact_id: int, variants: list[tuple[int, int]],
           holdout_percent: int):
    """The variant id (or HOLDOUT) of a contact; `variants` are (id, weight) pairs. The first
    `holdout_percent`% of the interval is the hold-out, the rest is split by weight."""
    u = unit_interval(seed, contact_id)
    holdout = holdout_percent / 100
    if u < holdout or not variants:
        return HOLDOUT
    position = (u - holdout) / (1 - holdout) * sum(w for _, w in variants)
    for variant_id, weight in variants:
        if position < weight:
            return variant_id
        position -= weight
    return variants[-1][0]
