"""An analysis as text for the terminal."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _c(text: str) -> str:
    """A column heading; the context keeps CRM meanings (activity = 跟进记录) apart."""
    return pgettext("process analysis", text)


def duration(seconds) -> str:
    if seconds is None:
        return "—"
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.1f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _pct(share) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _table(title: str, columns: list[str], rows: list[list]) -> list[str]:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(col), *(len(r[i]) for r in cells)]) for i, col in enumerate(columns)]
    line = "  ".join
    return ["", title, line(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
            *(line(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in cells)]


def render(result: dict, top: int = 15) -> str:
    s, lead = result["summary"], result["lead_time"]
    out = [_("%(cases)s cases, %(events)s events, %(activities)s activities, "
             "%(variants)s variants; %(first)s .. %(last)s") % {
        **s, "variants": result["variants"]["count"], "first": s["first_event"],
        "last": s["last_event"]}]
    if s["skipped_events"]:
        out.append(_("%(n)s events skipped (lifecycle other than complete)")
                   % {"n": s["skipped_events"]})
    out.append(_("Lead time: mean %(mean)s, median %(median)s, p90 %(p90)s, max %(max)s") % {
        k: duration(lead[k]) for k in ("mean", "median", "p90", "max")})
    out.append(_("Rework: %(cases)s cases (%(share)s) repeat an activity") % {
        "cases": result["rework"]["cases"], "share": _pct(result["rework"]["share"])})
    out += _table(_("Bottlenecks (time in stage, share of total lead time)"),
                  ["#", _c("stage"), _c("share"), _c("total"), _c("mean")],
                  [[b["rank"], b["activity"], _pct(b["share"]), duration(b["total"]),
                    duration(b["mean"])] for b in result["bottlenecks"][:top]])
    out += _table(_("Directly-follows (by total time)"),
                  [_c("from"), _c("to"), _c("count"), _c("mean"), _c("median"), _c("p90"),
                   _c("total")],
                  [[t["from"], t["to"], t["count"], duration(t["mean"]),
                    duration(t["median"]), duration(t["p90"]), duration(t["total"])]
                   for t in result["transitions"][:top]])
    out += _table(_("Variants"), [_c("cases"), _c("share"), _c("mean lead"), _c("activities")],
                  [[v["cases"], _pct(v["share"]), duration(v["mean_lead_time"]),
                    " > ".join(v["activities"])] for v in result["variants"]["top"][:top]])
    if result["rework"]["by_activity"]:
        out += _table(_("Rework by activity"), [_c("activity"), _c("cases"), _c("repeats")],
                      [[r["activity"], r["cases"], r["repeats"]]
                       for r in result["rework"]["by_activity"][:top]])
    if "target" in result:
        t = result["target"]
        out += ["", _("Over the target of %(target)s: %(cases)s cases (%(share)s)") % {
            "target": duration(t["target"]), "cases": t["cases"], "share": _pct(t["share"])}]
        out += [f"  {w['case']}: {duration(w['lead_time'])}" for w in t["worst"][:top]]
    if "stage_targets" in result:
        out += _stage_targets(result["stage_targets"], top)
    if "comparison" in result:
        out += _comparison(result["comparison"])
    for risk in result.get("risk_factors", []):
        out += _risk(risk)
    return "\n".join(out)


def _stage_targets(targets: dict, top: int) -> list[str]:
    out = _table(_("Stage targets: %(cases)s cases (%(share)s) over in some stage")
                 % {"cases": targets["cases_over"], "share": _pct(targets["share"])},
                 [_c("stage"), _c("target"), _c("visits"), _c("over"), _c("share"),
                  _c("cases")],
                 [[s["activity"], duration(s["target"]), s["visits"], s["over"],
                   _pct(s["share"]), s["cases_over"]] for s in targets["stages"]])
    out += [f"  {w['case']} / {w['activity']}: {duration(w['duration'])} "
            f"(+{duration(w['excess'])})" for w in targets["worst"][:top]]
    return out


def _comparison(comparison: dict) -> list[str]:
    groups = comparison["groups"]
    out = _table(_("Comparison"), [_c("group"), _c("cases"), _c("mean lead"), _c("median lead"),
                                   _c("rework"), _c("over target")],
                 [[g["group"], g["cases"], duration(g["lead_time"]["mean"]),
                   duration(g["lead_time"]["median"]), _pct(g["rework_share"]),
                   _pct(g["over_target_share"])] for g in groups])
    diff = comparison["difference"]
    if diff:
        out.append(_("Change in mean lead time: %(sign)s%(value)s") % {
            "sign": "-" if diff["mean_lead_time"] < 0 else "+",
            "value": duration(abs(diff["mean_lead_time"]))})
    return out


def _risk(risk: dict) -> list[str]:
    if risk["kind"] == "numeric":
        head = _("Risk factor %(a)s: %(n)s cases, Pearson r %(r)s, Spearman rho %(rho)s") % {
            "a": risk["attribute"], "n": risk["cases"], "r": _coef(risk["pearson"]),
            "rho": _coef(risk["spearman"])}
    else:
        head = _("Risk factor %(a)s: %(n)s cases, correlation ratio eta %(eta)s") % {
            "a": risk["attribute"], "n": risk["cases"], "eta": _coef(risk.get("eta"))}
    return _table(head, [_c("value"), _c("cases"), _c("mean lead"), _c("median lead")],
                  [[g["value"], g["cases"], duration(g["mean"]), duration(g["median"])]
                   for g in risk["groups"]])


def _coef(value) -> str:
    return "—" if value is None else f"{value:+.3f}"
