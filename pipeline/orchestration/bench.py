"""Benchmark: time every stage at one LA and at national size, and the peak memory.

``make bench`` (not a test) runs, for each size, in a fresh process so the peak memory
is that run's own:

1. generate the synthetic inbox (``--scale``);
2. ``run_period`` for the latest month on an empty data folder, timing landing, each
   feed's staging / validation / loading, and the measure build;
3. a bare DuckDB scan of the same staged inputs (one pass over every column the
   measures read), to compare the measure build with the floor a scan sets.

It prints a table of what it measured; the README quotes it.  Sizes:
``python -m pipeline.orchestration.bench --sizes la`` or ``--sizes la,national``;
``--national-scale`` sets the national multiplier (default 385: about 640k plans).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

PERIOD = "2026-10"
PREVIOUS_PERIOD = "2026-09"
SCANS = [
    "select count(*), max(receiveddate), max(requestoutcome) from src_council_send__requests",
    "select count(*), max(assessmentoutcomedate), sum(case when week20 then 1 else 0 end) from src_council_send__assessment",
    "select count(*), max(startdate), max(ceasedate) from src_council_send__namedplan",
    "select count(*), max(entrydate), max(leavingdate), max(urn), max(placementrank) from src_council_send__placementdetail",
    "select count(*), max(sentype), max(sentyperank) from src_council_send__senneed",
    "select count(*), sum(sessions_possible), sum(sessions_authorised_absence + sessions_unauthorised_absence), "
    "max(sen_provision), max(enrol_status) from src_school_census__census",
    "select count(*), max(referral_received_date), max(first_contact_date), max(service) from src_therapies__referrals",
]


def _peak_mib(usage: resource.struct_rusage) -> float:
    return usage.ru_maxrss / 1024


def one_run(inbox: Path, data_dir: Path, period: str = PERIOD) -> dict:
    """Run the month in this process and return its timings (child of ``bench``)."""
    from pipeline.config import load_settings
    from pipeline.orchestration.run import run_period

    started = time.perf_counter()
    result = run_period(period, inbox, load_settings(data_dir), render=False)
    stages: dict[str, float] = {"land": result.seconds.get("land", 0.0)}
    for outcome in result.outcomes:
        for stage, seconds in outcome.seconds.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    stages["measures"] = result.seconds.get("measures", 0.0)
    return {"period": period, "total": time.perf_counter() - started, "stages": stages,
            "rows_loaded": sum(o.rows for o in result.outcomes), "refused": len(result.refused),
            "peak_mib": _peak_mib(resource.getrusage(resource.RUSAGE_SELF))}


def bare_scan(warehouse: Path) -> float:
    """Seconds for one pass over the staged inputs with plain DuckDB."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        started = time.perf_counter()
        for sql in SCANS:
            conn.execute(sql).fetchall()
        return time.perf_counter() - started


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "pipeline.orchestration.bench", *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(args)}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_size(name: str, scale: float, months: int, workdir: Path) -> list[dict]:
    """Generate, run and scan one size; returns what was measured, a row a run.

    With more than one month of snapshots, the month before is run first on the empty
    warehouse (the first run, which loads every census and results file), then the month
    itself (the monthly run: one new council and therapies snapshot).
    """
    inbox, data = workdir / name / "inbox", workdir / name / "data"
    shutil.rmtree(workdir / name, ignore_errors=True)
    started = time.perf_counter()
    generated = _child(["--generate", str(inbox), "--scale", str(scale), "--months", str(months)])
    generate_seconds = time.perf_counter() - started
    periods = [PREVIOUS_PERIOD, PERIOD] if months > 1 else [PERIOD]
    runs = [_child(["--one-run", str(inbox), str(data), period]) for period in periods]
    scan = bare_scan(data / "warehouse.duckdb")
    inbox_mib = sum(p.stat().st_size for p in inbox.rglob("*") if p.is_file()) / 2**20
    common = {"scale": scale, "months": months, "inbox_mib": inbox_mib, "generate_s": generate_seconds,
              "generate_peak_mib": generated["peak_mib"], "summary": generated["summary"], "bare_scan_s": scan}
    labels = ["first run", "monthly run"] if len(runs) > 1 else ["first run"]
    return [{"size": f"{name}, {label} {run['period']}", **common, **run} for label, run in zip(labels, runs)]


def _print(results: list[dict]) -> None:
    print("\n| size | scale | inbox MiB | rows loaded | land s | stage s | validate s | load s | measures s "
          "| land→measures s | peak MiB | bare DuckDB scan s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r["stages"]
        print(f"| {r['size']} | {r['scale']:g} | {r['inbox_mib']:.0f} | {r['rows_loaded']:,} | {s.get('land', 0):.1f} "
              f"| {s.get('stage', 0):.1f} | {s.get('validate', 0):.1f} | {s.get('load', 0) + s.get('read staged', 0):.1f} "
              f"| {s.get('measures', 0):.2f} | {r['total']:.1f} | {r['peak_mib']:.0f} | {r['bare_scan_s']:.3f} |")
    for r in results[::-1]:
        print(f"{r['size']}: generating took {r['generate_s']:.1f} s (peak {r['generate_peak_mib']:.0f} MiB); "
              f"{r['refused']} deliveries refused")


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m pipeline.orchestration.bench`` (the parent) or a child step."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.orchestration.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="la,national")
    parser.add_argument("--national-scale", type=float, default=385.0)
    parser.add_argument("--workdir", type=Path, default=Path("bench-data"))
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--months", type=int, default=36, help=argparse.SUPPRESS)
    parser.add_argument("--one-run", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        from pipeline.synthetic.inbox import write_inbox

        summary = write_inbox(args.generate, scale=args.scale, months=args.months, end_period=PERIOD)
        print(json.dumps({"summary": summary, "peak_mib": _peak_mib(resource.getrusage(resource.RUSAGE_SELF))},
                         default=str))
        return 0
    if args.one_run:
        inbox, data, period = args.one_run
        print(json.dumps(one_run(Path(inbox), Path(data), period)))
        return 0
    plan = {"la": (1.0, 36), "national": (args.national_scale, 1)}
    results = [row for name in args.sizes.split(",") for row in bench_size(name, *plan[name], args.workdir)]
    _print(results)
    (args.workdir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
