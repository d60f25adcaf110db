"""Process analysis of a large event log: ValueCRM against PM4Py on the same CSV file.

The log is the public receipt log (1,434 cases, 8,577 events) replicated with shifted
case ids and times until it has --events events, written to a temporary CSV (case,
activity, timestamp with offset, resource). Both sides read the file and compute the
directly-follows graph with durations and the variants; ValueCRM's figure is its whole
analysis (also stages, rework, bottlenecks), PM4Py's is read_csv + format_dataframe +
discover_performance_dfg + discover_dfg + get_variants (read_xes for XES). With
--xes-events the same log is also written as XES and timed the same way.

    .venv/bin/python bench/bench_process.py [--events 1000000] [--xes-events 200000]
        [--skip-pm4py]
"""

import argparse
import csv
import os
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

from common import ROOT, report

RECEIPT = ROOT.parent / "shared" / "data" / "eventlogs" / "receipt.csv"


def write_log(path: Path, events: int) -> None:
    with RECEIPT.open(newline="") as handle:
        rows = [(r["case:concept:name"], r["concept:name"],
                 datetime.fromisoformat(r["time:timestamp"]), r["org:resource"])
                for r in csv.DictReader(handle)]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "activity", "timestamp", "resource"])
        written, copy = 0, 0
        while written < events:
            shift = timedelta(days=7 * copy)
            for case, activity, when, resource in rows[: events - written]:
                writer.writerow([f"{case}-{copy}", activity, (when + shift).isoformat(),
                                 resource])
            written += min(len(rows), events - written)
            copy += 1


def write_xes(csv_path: Path, path: Path) -> None:
    """The same events as XES, one trace per case (cases are contiguous in the CSV)."""
    with csv_path.open(newline="") as source, path.open("w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0" '
                  'xmlns="http://www.xes-standard.org/">\n')
        current = None
        for row in csv.DictReader(source):
            if row["case"] != current:
                if current is not None:
                    out.write("</trace>\n")
                current = row["case"]
                out.write(f'<trace><string key="concept:name" value="{current}"/>\n')
            out.write(f'<event><string key="concept:name" value="{row["activity"]}"/>'
                      f'<string key="org:resource" value="{row["resource"]}"/>'
                      f'<date key="time:timestamp" value="{row["timestamp"]}"/></event>\n')
        out.write("</trace>\n</log>\n")


def ours(path: Path) -> float:
    from valuecrm.process.analysis import analyze
    from valuecrm.process.readers import Columns, read_log

    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as stream:
        log = read_log(stream, Columns() if path.suffix == ".xes"  # the standard keys
                       else Columns("case", "activity", "timestamp", "resource"))
        read = time.perf_counter() - started
        analyze(log)
    total = time.perf_counter() - started
    # CPU time too: on a shared machine the wall clock includes waiting for a core.
    print(f"  valuecrm: read {read:.2f} s, analysis {total - read:.2f} s "
          f"(CPU {time.process_time() - cpu:.2f} s)")
    return total


def pm4py_time(path: Path) -> float:
    import pandas as pd
    import pm4py

    started, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if path.suffix == ".xes":
            frame = pm4py.read_xes(str(path))
        else:
            frame = pm4py.format_dataframe(pd.read_csv(path), case_id="case",
                                           activity_key="activity",
                                           timestamp_key="timestamp")
        pm4py.discover_performance_dfg(frame)
        pm4py.discover_dfg(frame)
        pm4py.get_variants(frame)
    print(f"  pm4py: CPU {time.process_time() - cpu:.2f} s")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--xes-events", type=int, default=0,
                        help="also time an XES file of this many events (the same log)")
    parser.add_argument("--skip-pm4py", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        write_log(path, args.events)
        print(f"{args.events:,} events, {path.stat().st_size / 1e6:.0f} MB CSV")
        compare(path, f"process analysis, CSV ({args.events:,} events)", args.skip_pm4py)
        if args.xes_events:
            write_log(path, args.xes_events)
            xes = Path(tmp) / "log.xes"
            write_xes(path, xes)
            print(f"{args.xes_events:,} events, {xes.stat().st_size / 1e6:.0f} MB XES")
            compare(xes, f"process analysis, XES ({args.xes_events:,} events)",
                    args.skip_pm4py)


def compare(path: Path, name: str, skip_pm4py: bool) -> None:
    mine = ours(path)
    if skip_pm4py:
        print(f"{name}: valuecrm {mine:.3f} s")
    else:
        report(name, mine, pm4py_time(path), "pm4py")


if __name__ == "__main__":
    main()
