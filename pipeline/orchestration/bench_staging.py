"""Benchmark one school census term: the ``stage`` step's time and peak memory.

``stage_one_term_peak(inbox, data_dir)`` lands the inbox's one census file
(``<inbox>/school_census/census_<YYYY>_<TERM>.csv``) and stages it in the current process
with the function the ``stage`` step calls (``pipeline.orchestration.steps``), so the
staged Parquet and ``checks.json`` are written where the validate and load steps read
them.  The peak is the process's own (``ru_maxrss``): call it in a fresh process for a
figure that is staging's alone (the command line does).

``validate_one_term_peak(inbox, data_dir)`` validates that staged term the same way.

Command line (prints JSON)::

    python -m pipeline.orchestration.bench_staging --inbox DIR --data-dir DIR [--validate]

``--validate`` then validates the staged term in a fresh child process and adds its
figures under ``"validate"``.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

FEED = "school_census"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _census_candidate(inbox: Path, settings):
    """Land the inbox's school census feed; the census term's candidate (exactly one)."""
    from pipeline.feeds.land import current_versions, land_inbox
    from pipeline.orchestration.steps import Candidate

    land_inbox(inbox, settings.raw_dir, (FEED,))
    terms = [d for d in current_versions(settings.raw_dir, FEED).values() if "census" in d.files]
    if len(terms) != 1:
        names = ", ".join(sorted(d.key for d in terms)) or "none"
        raise SystemExit(f"{inbox / FEED} must hold exactly one census term file (census_<YYYY>_<TERM>.csv); "
                         f"landed: {names}")
    return Candidate(terms[0].key, terms[0].version, loaded=False)


def _rows(settings, candidate) -> int:
    import pyarrow.parquet as pq

    from pipeline.orchestration.steps import staged_dir

    path = staged_dir(settings, FEED, candidate.key, candidate.version) / "census.parquet"
    return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0


def stage_one_term_peak(inbox: Path, data_dir: Path) -> dict:
    """Stage the inbox's one census term in this process: rows, seconds, peak MiB (and findings)."""
    from pipeline.config import load_settings
    from pipeline.orchestration import steps

    settings = load_settings(data_dir)
    candidate = _census_candidate(Path(inbox), settings)
    started = time.perf_counter()
    checks = steps._stage(settings, FEED, candidate)
    seconds = time.perf_counter() - started
    return {"term": candidate.key, "rows": _rows(settings, candidate), "seconds": round(seconds, 2),
            "peak_mib": round(_peak_mib(), 1), "blocking": sum(f.blocking for f in checks.staging),
            "warnings": sum(not f.blocking for f in checks.staging)}


def validate_one_term_peak(inbox: Path, data_dir: Path) -> dict:
    """Validate the staged census term in this process (staging it first if need be)."""
    from pipeline.config import load_settings
    from pipeline.orchestration import steps

    settings = load_settings(data_dir)
    candidate = _census_candidate(Path(inbox), settings)
    checks = steps.read_checks(settings, FEED, candidate) or steps._stage(settings, FEED, candidate)
    started = time.perf_counter()
    checks = steps._validate(settings, FEED, candidate, checks)
    seconds = time.perf_counter() - started
    return {"term": candidate.key, "rows": _rows(settings, candidate), "seconds": round(seconds, 2),
            "peak_mib": round(_peak_mib(), 1), "blocking": sum(f.blocking for f in checks.validation or []),
            "warnings": sum(not f.blocking for f in checks.validation or [])}


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m pipeline.orchestration.bench_staging``."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.orchestration.bench_staging",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--inbox", type=Path, required=True, help="an inbox holding one census term file")
    parser.add_argument("--data-dir", type=Path, required=True, help="the data folder to land and stage into")
    parser.add_argument("--validate", action="store_true", help="then validate it in a fresh process")
    parser.add_argument("--validate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.validate_only:
        print(json.dumps(validate_one_term_peak(args.inbox, args.data_dir)))
        return 0
    result = stage_one_term_peak(args.inbox, args.data_dir)
    if args.validate:
        out = subprocess.run([sys.executable, "-m", "pipeline.orchestration.bench_staging", "--inbox",
                              str(args.inbox), "--data-dir", str(args.data_dir), "--validate-only"],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"validation failed:\n{out.stderr[-3000:]}")
        result["validate"] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
