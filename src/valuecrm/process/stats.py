"""Vectorised statistics over groups: count, total, mean, median and 90th percentile of
durations per group in one sort, and the correlations risk factors report."""

import numpy as np

QUANTILES = {"median": 0.5, "p90": 0.9}


def grouped(groups: np.ndarray, values: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    """Per group 0..n_groups-1: count, total, mean, median, p90 of float `values`.

    Quantiles interpolate linearly between the two nearest values (numpy's and pandas'
    default, so medians equal PM4Py's); empty groups give NaN."""
    order = np.lexsort((values, groups))
    ordered = values[order]
    count = np.bincount(groups, minlength=n_groups)
    total = np.bincount(groups, weights=values, minlength=n_groups)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    out = {"count": count, "total": total}
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean"] = total / count
        for name, q in QUANTILES.items():
            position = start + q * np.maximum(count - 1, 0)
            low = np.floor(position).astype(np.int64)
            high = np.ceil(position).astype(np.int64)
            has = count > 0
            value = np.full(n_groups, np.nan)
            lo, hi = ordered[low[has]], ordered[high[has]]
            value[has] = lo + (hi - lo) * (position[has] - low[has])
            out[name] = value
    return out


def summary(values: np.ndarray) -> dict:
    """count, total, mean, median, p90, min and max of durations (seconds)."""
    if len(values) == 0:
        return {"count": 0, "total": 0.0, "mean": None, "median": None, "p90": None,
                "min": None, "max": None}
    stats = grouped(np.zeros(len(values), dtype=np.int64), values, 1)
    return {"count": int(len(values)), "total": float(stats["total"][0]),
            "mean": float(stats["mean"][0]), "median": float(stats["median"][0]),
            "p90": float(stats["p90"][0]), "min": float(values.min()),
            "max": float(values.max())}


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n with ties sharing their average rank (for Spearman's rho)."""
    order = np.argsort(values, kind="stable")
    _, first, inverse, counts = np.unique(values[order], return_index=True,
                                          return_inverse=True, return_counts=True)
    average = first + (counts + 1) / 2.0
    out = np.empty(len(values))
    out[order] = average[inverse]
    return out


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    return pearson(ranks(x), ranks(y)) if len(x) >= 3 else None


def correlation_ratio(groups: np.ndarray, y: np.ndarray) -> float | None:
    """Eta: how much of the spread of `y` the grouping explains (0..1), the categorical
    counterpart of a correlation coefficient."""
    if len(y) < 3 or np.var(y) == 0:
        return None
    counts = np.bincount(groups)
    means = np.bincount(groups, weights=y) / np.maximum(counts, 1)
    between = float(np.sum(counts * (means - y.mean()) ** 2))
    return float(np.sqrt(between / (np.var(y) * len(y))))
