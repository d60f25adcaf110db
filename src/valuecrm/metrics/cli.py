"""The `tree`, `funnel`, `target` and `rebuild-rollups` subcommands of `valuecrm metrics`
(parsers and runners)."""

import json
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.core.management.base import CommandError
from django.utils import timezone

from valuecrm.metrics import funnels
from valuecrm.metrics.periods import parse_period
from valuecrm.metrics.queries import jsonable
from valuecrm.metrics.trees import as_floats, explain_tree


def add_tree_parser(sub):
    tree = sub.add_parser("tree", help="A metric tree between two periods, with attribution.")
    tree.add_argument("key")
    tree.add_argument("--period", required=True, help="2025-03, 2025-Q1, 2025 or A..B")
    tree.add_argument("--compare", required=True, help="The period to compare with")
    tree.add_argument("--org", type=int, help="Org unit id (for split trees and filtering)")
    tree.add_argument("--as", dest="username")
    tree.add_argument("--format", choices=["table", "json"], default="table")


def add_funnel_parser(sub):
    funnel = sub.add_parser(
        "funnel", help="A funnel over an event log (--events CSV), or without --events the "
                       "CRM's lead -> opportunity -> won -> paid funnel.")
    funnel.add_argument("--events", help="CSV file of events")
    funnel.add_argument("--entity", help="Column of the entity id")
    funnel.add_argument("--event", help="Column of the event name")
    funnel.add_argument("--time", help="Column of the event time")
    funnel.add_argument("--steps", help='"A,B,C"')
    funnel.add_argument("--window", help="e.g. 14d, 12h (CRM funnel: default 90d)")
    funnel.add_argument("--order", choices=["ordered", "strict"], default="ordered")
    funnel.add_argument("--from", dest="start", type=date.fromisoformat)
    funnel.add_argument("--to", dest="end", type=date.fromisoformat)
    funnel.add_argument("--mode", choices=["cohort", "period"], default="cohort",
                        help="CRM funnel: follow the leads created (cohort) or count events")
    funnel.add_argument("--by", action="append", default=[], help="CRM funnel dimension")
    funnel.add_argument("--grain", choices=["day", "week", "month", "quarter", "year"])
    funnel.add_argument("--as", dest="username")
    funnel.add_argument("--format", choices=["table", "json"], default="table")
    add_target_parser(sub)


def run_tree(command, options):
    from valuecrm.metrics.management.commands.metrics import acting_user

    user = acting_user(options.get("username"))
    result = jsonable(as_floats(explain_tree(
        user=user, key=options["key"], before=parse_period(options["compare"]),
        after=parse_period(options["period"]), org=options.get("org"))))
    if options["format"] == "json":
        command.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        return
    command.stdout.write(f"{result['label']['zh']} / {result['label']['en']}: "
                         f"{result['before']['from']}..{result['before']['to']} -> "
                         f"{result['after']['from']}..{result['after']['to']}")

    def show(node, depth):
        share = node.get("contribution")
        command.stdout.write(
            f"{'  ' * depth}{node['label'] or node['metric']}: {_n(node['before'])} -> "
            f"{_n(node['after'])}" + ("" if share is None and depth == 0 else
                                     f"   contribution {_n(share, sign=True)}"))
        for child in node["children"]:
            show(child, depth + 1)

    show(result["root"], 0)
    if result["levers"]:
        command.stdout.write(result["levers"]["summary"])


def _n(value, sign=False):
    if value is None:
        return "—"
    return f"{value:+,.4f}" if sign else f"{value:,.4f}"


def run_funnel(command, options):
    if not options["events"]:
        return _run_crm_funnel(command, options)
    missing = [f"--{name}" for name in ("entity", "event", "time", "steps", "window")
               if not options[name]]
    if missing:
        raise CommandError(f"An event-log funnel needs {', '.join(missing)}.")
    tz = timezone.get_current_timezone()

    def bound(day, extra):
        return timezone.make_aware(datetime.combine(day + timedelta(days=extra), time.min),
                                   tz) if day else None

    try:
        events = funnels.read_events(options["events"], options["entity"], options["event"],
                                     options["time"])
    except OSError as exc:
        raise CommandError(f"Cannot read {options['events']}: {exc.strerror}") from None
    steps = [s.strip() for s in options["steps"].split(",") if s.strip()]
    result = funnels.event_funnel(events, steps, funnels.parse_window(options["window"]),
                                  options["order"], bound(options["start"], 0),
                                  bound(options["end"], 1))
    _write_funnel(command, options, [{"steps": result["steps"]}], result)


def _run_crm_funnel(command, options):
    from valuecrm.metrics.crm_funnel import crm_funnel
    from valuecrm.metrics.management.commands.metrics import acting_user

    if not options["start"] or not options["end"]:
        raise CommandError("The CRM funnel needs --from and --to.")
    window = funnels.parse_window(options["window"] or "90d")
    result = crm_funnel(
        user=acting_user(options.get("username")), start=options["start"],
        end=options["end"], grain=options["grain"],
        by=[b for v in options["by"] for b in v.split(",")], mode=options["mode"],
        window_days=max(1, window.days))
    _write_funnel(command, options, result["groups"], result)


def _write_funnel(command, options, groups, result):
    if options["format"] == "json":
        command.stdout.write(json.dumps(jsonable(result), ensure_ascii=False, indent=2))
        return
    for group in groups:
        heading = " ".join(filter(None, [group.get("period")] + [
            d["label"] for d in group.get("dims", {}).values()]))
        if heading:
            command.stdout.write(heading)
        for row in group["steps"]:
            rate = row["conversion_from_start"]
            command.stdout.write(
                f"  {row['step']}\t{row['count']}\t{'' if rate is None else f'{rate:.1%}'}\t"
                f"mean {_n(row['mean_seconds'])} s\tmedian {_n(row['median_seconds'])} s")


def add_target_parser(sub):
    target = sub.add_parser("target", help="Set targets; report attainment and who is behind.")
    actions = target.add_subparsers(dest="target_action", required=True)
    setter = actions.add_parser("set", help="Set the target of a unit or a person.")
    setter.add_argument("key")
    setter.add_argument("--period", required=True, help="2025-03, 2025-Q1, 2025 or A..B")
    setter.add_argument("--value", required=True)
    who = setter.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", type=int, help="Org unit id")
    who.add_argument("--user", help="Username")
    setter.add_argument("--as", dest="username")
    report = actions.add_parser("report", help="Targets, actuals, forecast, cascade checks.")
    report.add_argument("key")
    report.add_argument("--period", required=True)
    report.add_argument("--unit", type=int)
    report.add_argument("--as", dest="username")
    report.add_argument("--format", choices=["table", "json"], default="table")


def run_target(command, options):
    from valuecrm.metrics.actions import set_target
    from valuecrm.metrics.management.commands.metrics import acting_user
    from valuecrm.metrics.targets import target_report

    actor = acting_user(options.get("username"))
    span = parse_period(options["period"])
    if options["target_action"] == "set":
        user_id = acting_user(options["user"]).pk if options["user"] else None
        target = set_target(actor=actor, metric_key=options["key"], start=span.start,
                            end=span.end, value=options["value"], unit_id=options["unit"],
                            user_id=user_id)
        command.stdout.write(f"Target set: {target} = {target.value}")
        return
    result = jsonable(target_report(user=actor, metric_key=options["key"], start=span.start,
                                    end=span.end, unit_id=options["unit"]))
    if options["format"] == "json":
        command.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        return

    def show(node, depth):
        cascade = node["cascade"]
        note = "" if not cascade or cascade["adds_up"] else (
            f"   children add up to {_n(cascade['children_sum'])}")
        rate = node["attainment"]
        command.stdout.write(
            f"{'  ' * depth}{node['label']}: actual {_n(node['actual'])} / target "
            f"{_n(node['target'])} = {'—' if rate is None else f'{rate:.1%}'}, forecast "
            f"{_n(node['forecast'])}{'  BEHIND' if node['behind'] else ''}{note}")
        for child in node["children"]:
            show(child, depth + 1)

    show(result["root"], 0)


def run_rebuild_rollups(command, options):
    from valuecrm.metrics import rollups

    for rollup in rollups.ROLLUPS:
        started = monotonic()
        rows = rollups.rebuild(rollup)
        command.stdout.write(f"{rollup.name}: {rows:,} rows, days in "
                             f"{rollups.time_zone_of(rollup, 'default')}, "
                             f"{monotonic() - started:.1f} s")
