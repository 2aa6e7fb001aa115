"""The command line: ``python -m pipeline <command>``.

Commands
--------
synthetic   write a synthetic inbox (deterministic; ``--scale`` for benchmarks)
validate    check the deliveries in an inbox without landing or loading them
run         land, stage, validate, load and build the measures for one month (and its
            pack); ``--from-period`` builds earlier months' measures first

Exit status: 0 when everything loaded, 1 when a feed was refused (after finishing what
could be done), 2 when the command itself was wrong (a bad period or a missing folder).
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline.areas import AreasError
from pipeline.config import SettingsError
from pipeline.feeds.contracts import first_line, not_read
from pipeline.periods import PeriodError, month_range, parse_period

log = logging.getLogger("pipeline")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.split("\n\n")[0])
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    commands = parser.add_subparsers(dest="command", required=True)

    synthetic = commands.add_parser("synthetic", help="write a synthetic inbox")
    synthetic.add_argument("--out", type=Path, required=True, help="folder to write the inbox into")
    synthetic.add_argument("--scale", type=float, default=1.0, help="volume multiplier (1 = one LA)")
    synthetic.add_argument("--seed", type=int, default=20251, help="random seed (same seed, same bytes)")
    synthetic.add_argument("--end-period", default="2026-10", help="last month with a snapshot (YYYY-MM)")
    synthetic.add_argument("--months", type=int, default=36, help="number of monthly snapshots")
    synthetic.add_argument("--la-code", type=int, default=890, help="the DfE LA number the extracts carry")

    validate = commands.add_parser("validate", help="check an inbox without loading it")
    validate.add_argument("--inbox", type=Path, required=True)
    validate.add_argument("--out", type=Path, help="write validation-report.csv/.md into this folder")

    run = commands.add_parser("run", help="build the measures for one month")
    run.add_argument("--period", required=True, help="the month, YYYY-MM")
    run.add_argument("--inbox", type=Path, help="the folder of feed folders (with --area: the area's inbox)")
    run.add_argument("--area",
                     help="an area of partnership/areas.yaml (SEND_AREAS_FILE): its inbox, data and warehouse")
    run.add_argument("--data-dir", type=Path, help="where raw copies, the warehouse and packs go (default ./data)")
    run.add_argument("--warehouse-url", help="SQLAlchemy URL (default: a DuckDB file in the data folder)")
    run.add_argument("--la-code", help="DfE 3-digit LA number (default: from the SEN2 header)")
    run.add_argument("--no-render", action="store_true", help="build the measures only, no PDF")
    run.add_argument("--from-period", help="first build every month from this one (measures only, no PDFs), "
                                           "e.g. the history the trend charts need")
    return parser


def _cmd_synthetic(args) -> int:
    from pipeline.synthetic.inbox import write_inbox

    parse_period(args.end_period)
    summary = write_inbox(args.out, scale=args.scale, seed=args.seed, end_period=args.end_period, months=args.months,
                          la_code=args.la_code)
    log.info("synthetic inbox written to %s: %s", args.out, summary)
    return 0


def _print_outcomes(outcomes, findings) -> None:
    for outcome in outcomes:
        blocking = sum(f.blocking for f in outcome.findings)
        print(f"{outcome.status:9} {outcome.feed} {outcome.delivery}"
              + (f" ({blocking} blocking problem(s))" if blocking else ""))
        for finding in outcome.findings:
            column = f"column {finding.column}; " if finding.column else ""
            where = f" [{column}rule: {finding.rule}]"
            print(f"    {finding.severity}: {finding.sentence}{where}")
    for finding in findings:
        print(f"not read  {finding.feed} {finding.file}: {finding.sentence}")


def _cmd_validate(args) -> int:
    from pipeline.config import load_settings
    from pipeline.reports.quality import report_rows, write_report
    from pipeline.orchestration.run import validate_inbox

    outcomes, findings = validate_inbox(args.inbox, load_settings().pseudonymisation_key)
    _print_outcomes(outcomes, findings)
    if args.out:
        write_report(report_rows(outcomes, findings), args.out, f"Validation of {args.inbox}")
    refused = [o for o in outcomes if o.refused]
    unread = [f for f in findings if not_read(f)]
    if refused or unread:
        names = ", ".join(f"{o.feed} {o.delivery}" for o in refused)
        blocking = [f for o in refused for f in o.findings if f.blocking]
        print(first_line(f"refused: {names}" if refused else "files not read (the export may have gone wrong)",
                         unread + blocking, args.out), file=sys.stderr)
    return 1 if refused or unread else 0


def _cmd_run(args) -> int:
    from pipeline.config import load_settings
    from pipeline.orchestration.run import run_period

    earlier = month_range(args.from_period, args.period)[:-1] if args.from_period else []
    parse_period(args.period)
    settings = load_settings(args.data_dir, args.warehouse_url, args.la_code, area=args.area)
    if args.inbox is None and args.area is None:
        raise SettingsError("python -m pipeline run needs --inbox DIR (or --area CODE of the areas file).")
    args.inbox = args.inbox or settings.inbox_dir
    refused = []
    for period in earlier:
        log.info("history: building the measures for %s", period)
        refused += run_period(period, args.inbox, settings, render=False).refused
    result = run_period(args.period, args.inbox, settings, render=not args.no_render)
    refused += result.refused
    print(f"measures: {result.measures_csv}")
    if result.pdf:
        print(f"highlight report: {result.pdf}")
    print(f"validation report: {result.report}")
    if result.stale_feeds:
        print(f"stale: {', '.join(result.stale_feeds)} (older snapshot used)")
    if refused or result.not_read:
        print(result.reason() or f"refused: {', '.join(f'{o.feed} {o.delivery}' for o in refused)}",
              file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S")
    for noisy in ("great_expectations", "duckdb_engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    inbox = getattr(args, "inbox", None)
    if inbox is not None and not inbox.is_dir():
        print(f"error: the inbox {inbox} is not a folder", file=sys.stderr)
        return 2
    try:
        return {"synthetic": _cmd_synthetic, "validate": _cmd_validate, "run": _cmd_run}[args.command](args)
    except (PeriodError, SettingsError, AreasError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
