"""Build the large organisation the benchmarks measure: 1,000 projects, 100,000 tasks, 2,000 people.

It reuses the demo seed with a bigger size, so it is deterministic and realistic in the same way. Run it on its
own to fill any empty, migrated database: ``DATABASE_URL=... python benchmarks/generate.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from portfolium.cli import ProgressBar  # noqa: E402  (the path above must come first)

if TYPE_CHECKING:
    from portfolium.demo.seed import OrgSize, SeedResult

BENCH_SEED = 1000
GENERATOR_VERSION = "1"  # bump when the generated data changes, so cached databases are rebuilt


def configure(database_url: str) -> None:
    """Point Django at ``database_url`` with throwaway settings for a benchmark process, and start it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("PORTFOLIUM_SECRET_KEY", "benchmark-only-key-" + "x" * 48)
    os.environ.setdefault("PORTFOLIUM_DATA_DIR", str(ROOT / "benchmarks" / ".cache"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portfolium.settings"
    # whitenoise warns about a missing STATIC_ROOT; the settings put it under the data directory
    (Path(os.environ["PORTFOLIUM_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def generate(*, seed: int = BENCH_SEED, size: OrgSize | None = None) -> SeedResult:
    """Seed the large organisation into the current (empty, migrated) database with a progress bar."""
    from portfolium.demo.seed import LARGE_SIZE, demo_seed

    bar = ProgressBar("Generating")
    result = demo_seed(seed=seed, size=size or LARGE_SIZE, progress=bar.update)
    c = result.counts
    bar.finish(f"{c['projects']:,} projects, {c['tasks']:,} tasks, {c['people']:,} people, "
               f"{c['dependencies']:,} dependencies")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=BENCH_SEED)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("set DATABASE_URL to the (empty) database to fill", file=sys.stderr)
        return 2
    configure(url)
    from django.core.management import call_command

    from portfolium.demo.seed import organisation_is_seeded

    call_command("migrate", interactive=False, verbosity=0)
    if organisation_is_seeded():
        print("the database already holds an organisation: use an empty one", file=sys.stderr)
        return 1
    generate(seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
