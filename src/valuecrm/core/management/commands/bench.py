"""`valuecrm bench`: list the benchmarks in bench/ and run them (not part of the tests).

Each benchmark prints ValueCRM's figure, a reference measured in the same run and their
ratio (docs/benchmarks.md). `valuecrm bench` lists them with what each measures and its
quick arguments; `valuecrm bench NAME [ARGS…]` runs one (ARGS replace the quick ones);
`valuecrm bench --all` runs every one with its quick arguments, as `make bench` does.
"""

import ast
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

BENCH_DIR = Path(settings.BASE_DIR).parents[1] / "bench"

# Sizes that finish in minutes on a shared 2-core machine; docs/benchmarks.md gives the
# arguments of the recorded full-size runs.
QUICK = {
    "bench_api": ["--duration", "10"],
    "bench_demo": ["--scale", "small"],
    "bench_import": ["--rows", "20000"],
    "bench_metrics": ["--rows", "5000"],
    "bench_pool_sweep": ["--customers", "100000", "--runs", "1"],
    "bench_process": ["--events", "100000"],
    "bench_scoring": ["--leads", "20000", "--runs", "1"],
    "bench_search": ["--leads", "20000", "--queries", "20"],
    "bench_usage": ["--requests", "300"],
}


def benchmarks() -> dict[str, str]:
    """name -> first line of the benchmark's docstring."""
    found = {}
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found[path.stem] = doc.splitlines()[0] if doc else ""
    return found


class Command(BaseCommand):
    help = "List the benchmarks in bench/, or run one (NAME [ARGS]) or all of them (--all)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help=_("Benchmark to run, e.g. bench_metrics."))
        parser.add_argument("args", nargs="*", help=_("Arguments for the benchmark."))
        parser.add_argument("--all", action="store_true",
                            help=_("Run every benchmark with its quick arguments."))

    def handle(self, *args, **options):
        if not BENCH_DIR.is_dir():
            raise CommandError(_("No bench/ folder next to src/: benchmarks run from a "
                                 "source checkout."))
        found = benchmarks()
        if options["all"]:
            failed = [name for name in found if self._run(name, QUICK.get(name, []))]
            if failed:
                raise CommandError(_("Failed: %s") % ", ".join(failed))
            return
        name = options["name"]
        if name is None:
            for bench, summary in found.items():
                quick = " ".join(QUICK.get(bench, []))
                self.stdout.write(f"{bench:18} {summary}\n{'':18} quick: {quick or '-'}")
            return
        name = name if name.startswith("bench_") else f"bench_{name}"
        if name not in found:
            raise CommandError(_("No benchmark %(name)s; there are: %(all)s.")
                               % {"name": name, "all": ", ".join(found)})
        if self._run(name, options["args"] or QUICK.get(name, [])):
            raise CommandError(_("%s failed.") % name)

    def _run(self, name: str, arguments: list[str]) -> int:
        self.stdout.write(f"== {name} {' '.join(arguments)}")
        self.stdout.flush()
        # Some benchmarks import their neighbours (common.py): run them from bench/.
        return subprocess.call([sys.executable, f"{name}.py", *arguments], cwd=BENCH_DIR)
