"""Benchmark: one local area's month as whole processes, each figure beside its target.

``make bench`` (not a test; no figure is asserted anywhere) measures, every figure in fresh
processes timed from the outside (the median of ``--repeats`` runs, default 3):

(a) the first month, land -> measures: ``python -m pipeline run --period 2026-10 --inbox I
    --data-dir D --no-render`` on an empty data folder, with a one-LA synthetic inbox
    (``python -m pipeline synthetic --scale 1``: 36 monthly snapshots);
(b) a month with nothing new to load, measures and the PDF: the same command with the
    report, run again on that data folder (after a first rendering run, not timed);
(c) the highlight report's seconds a page: (b) less the same re-run without the report
    (``--no-render``), over the pages of the board's PDF and its annex;
(d) national-size staging of one census term and its peak memory:
    ``python -m pipeline.orchestration.bench_staging --validate`` on one census term of a
    national-size synthetic inbox (``--national-scale``, default 385), which then validates
    the staged term in a fresh process too.  Only with ``--sizes la,national`` (writing the
    national inbox and staging it take minutes; ``--national-inbox DIR`` reuses one; ``make
    bench`` measures both sizes).

Each is printed beside its target and as a multiple of a bare DuckDB scan of the same
files in a fresh process: ``select count(*), max(columns(*)) from read_csv(...)`` over every
file the month's loaded deliveries came from (for (d): the census term's file).  The
breakdown of one (a) run comes from its own plans (``validation/<period>/feeds/*.json``).

``python -m pipeline.orchestration.bench [--sizes la|national|la,national] [--repeats N]
[--national-scale X] [--national-inbox DIR] [--national-repeats N] [--workdir DIR]``; the LA
part takes about 4 minutes on 2 cores.  Results also go to ``<workdir>/results.json``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PERIOD = "2026-10"
TARGETS = {"a": 8.0, "b": 6.0, "c": 0.1, "d_mib": 4096.0}
MODULES_OF_INTEREST = ("great_expectations", "weasyprint", "airflow")


# --------------------------------------------------------------------------- running processes


def timed(args: list[str], env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``args`` as a fresh process; its wall seconds, exit status and output."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    out, err = process.communicate()
    return {"wall": time.perf_counter() - started, "rc": process.returncode, "stdout": out, "stderr": err}


def timed_rusage(args: list[str], env: dict | None = None) -> dict:
    """Like :func:`timed`, with the child's own CPU seconds and peak memory (``wait4``)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out_chunks, err_chunks = _drain(process)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024,
            "rc": process.returncode, "stdout": out_chunks, "stderr": err_chunks}


def _drain(process: subprocess.Popen) -> tuple[str, str]:
    """Read a child's stdout and stderr to the end without reaping it (threads, so neither pipe fills)."""
    import threading

    chunks: dict[str, bytes] = {}

    def read(name: str, stream) -> None:
        chunks[name] = stream.read()
        stream.close()

    streams = (("out", process.stdout), ("err", process.stderr))
    threads = [threading.Thread(target=read, args=(n, s)) for n, s in streams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return chunks["out"].decode(errors="replace"), chunks["err"].decode(errors="replace")


def pipeline_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "-q", *args]


def run_month(inbox: Path, data: Path, render: bool) -> dict:
    """One ``python -m pipeline run`` of the month, timed from outside."""
    args = ["run", "--period", PERIOD, "--inbox", str(inbox), "--data-dir", str(data)]
    result = timed_rusage(pipeline_cmd(*args, *([] if render else ["--no-render"])))
    if result["rc"] not in (0, 1):
        raise SystemExit(f"benchmark run failed ({result['rc']}): {' '.join(args)}\n{result['stderr'][-3000:]}")
    return result


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f}" if len(values) > 1 else ""


# --------------------------------------------------------------------------- the bare scan


SCAN_SCRIPT = """
import sys, time, duckdb
con = duckdb.connect()
rows = 0
for path in sys.argv[1:]:
    if path.endswith(".csv"):
        sql = "select count(*), max(columns(*)) from read_csv(?, all_varchar=true, header=true, ignore_errors=?)"
        try:
            rows += con.execute(sql, [path, False]).fetchone()[0]
        except duckdb.InvalidInputException:  # a Windows-1252 export: its lines that are not UTF-8 are skipped
            rows += con.execute(sql, [path, True]).fetchone()[0]
    else:
        con.execute("select sum(length(content)) from read_text(?)", [path]).fetchone()
print(rows)
"""


def bare_scan(files: list[Path], repeats: int) -> dict:
    """The median seconds of a fresh process scanning ``files`` once with plain DuckDB (every column)."""
    runs = [timed([sys.executable, "-c", SCAN_SCRIPT, *map(str, files)]) for _ in range(repeats)]
    if any(r["rc"] for r in runs):
        raise SystemExit(f"the bare DuckDB scan failed:\n{runs[0]['stderr'][-2000:]}")
    walls = [r["wall"] for r in runs]
    return {"seconds": median(walls), "runs": walls, "files": len(files), "rows": int(runs[0]["stdout"].split()[-1]),
            "mib": sum(p.stat().st_size for p in files) / 2**20}


def files_the_month_read(data: Path) -> list[Path]:
    """The raw files of every delivery the month loaded (from its plans)."""
    files: list[Path] = []
    for plan_file in sorted((data / "validation" / PERIOD / "feeds").glob("*.json")):
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        for outcome in plan.get("outcomes") or []:
            if outcome["status"] in ("loaded", "unchanged"):
                folder = data / "raw" / plan["feed"] / outcome["delivery"] / f"v{outcome['version']}"
                files += sorted(p for p in folder.iterdir() if p.is_file())
    return files


def breakdown(data: Path) -> dict[str, float]:
    """Seconds of each step of the first run, summed over its deliveries (its plans record them)."""
    out = {"land": 0.0, "stage": 0.0, "validate": 0.0, "read staged": 0.0, "load": 0.0}
    for plan_file in (data / "validation" / PERIOD / "feeds").glob("*.json"):
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        out["land"] += plan.get("land_seconds", 0.0)
        for outcome in plan.get("outcomes") or []:
            for step, seconds in (outcome.get("seconds") or {}).items():
                out[step] = out.get(step, 0.0) + seconds
    return out


def pdf_pages(folder: Path) -> dict[str, int]:
    """Pages of the highlight report's board PDF and annex."""
    from pypdf import PdfReader

    pages = {}
    for name, label in ((f"SEND-highlight-report-{PERIOD}.pdf", "board"),
                        (f"SEND-highlight-report-{PERIOD}-annex.pdf", "annex")):
        path = folder / name
        pages[label] = len(PdfReader(path).pages) if path.exists() else 0
    return pages


def imported(data_args: list[str], modules=MODULES_OF_INTEREST) -> list[str]:
    """Which heavy packages a ``python -m pipeline`` command imports (a run of its own)."""
    code = ("import runpy, sys\nsys.argv = ['pipeline'] + sys.argv[1:]\ntry:\n"
            "    runpy.run_module('pipeline', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print('IMPORTED', *[m for m in {modules!r} if m in sys.modules])")
    out = timed([sys.executable, "-c", code, "-q", *data_args])
    lines = [line for line in out["stdout"].splitlines() if line.startswith("IMPORTED")]
    return lines[-1].split()[1:] if lines else ["?"]


IMPORT_SETS = {
    "python alone": "pass",
    "pandas, sqlalchemy, duckdb": "import pandas, sqlalchemy, duckdb_engine",
    "+ great_expectations": "import pandas, sqlalchemy, duckdb_engine, great_expectations",
    "+ weasyprint": "import pandas, sqlalchemy, duckdb_engine, weasyprint",
}


def import_costs(repeats: int) -> dict[str, float]:
    """Median seconds of a fresh process that only imports (what every run pays before any work)."""
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    return {name: median([timed([sys.executable, "-c", code], env=env)["wall"] for _ in range(repeats)])
            for name, code in IMPORT_SETS.items()}


# --------------------------------------------------------------------------- one LA


def bench_la(workdir: Path, repeats: int) -> dict:
    inbox = workdir / "la" / "inbox"
    shutil.rmtree(workdir / "la", ignore_errors=True)
    generated = timed(pipeline_cmd("synthetic", "--out", str(inbox), "--scale", "1"))
    if generated["rc"]:
        raise SystemExit(f"generating the LA inbox failed:\n{generated['stderr'][-3000:]}")

    first = []
    for i in range(repeats):
        data = workdir / "la" / f"data{i}"
        first.append(run_month(inbox, data, render=False))
    data = workdir / "la" / "data0"
    csvs = {(workdir / "la" / f"data{i}" / "packs" / PERIOD / f"measures-{PERIOD}.csv").read_bytes()
            for i in range(repeats)}
    steps = breakdown(data)
    scan = bare_scan(files_the_month_read(data), repeats)
    imports_a = imported(["run", "--period", PERIOD, "--inbox", str(inbox), "--data-dir",
                          str(workdir / "la" / "imports"), "--no-render"])

    run_month(inbox, data, render=True)  # the first run with the report: not timed
    again, again_bare = [], []
    for _ in range(repeats):
        again.append(run_month(inbox, data, render=True))
        again_bare.append(run_month(inbox, data, render=False))
    imports_b = imported(["run", "--period", PERIOD, "--inbox", str(inbox), "--data-dir", str(data), "--no-render"])
    pages = pdf_pages(data / "packs" / PERIOD)
    imports = import_costs(repeats)
    a, b, b_bare = ([r["wall"] for r in runs] for runs in (first, again, again_bare))
    pdf_seconds = median(b) - median(b_bare)
    return {"inbox_mib": sum(p.stat().st_size for p in inbox.rglob("*") if p.is_file()) / 2**20,
            "generate_s": generated["wall"], "scan": scan,
            "a": a, "a_cpu": [r["cpu"] for r in first], "a_peak_mib": max(r["peak_mib"] for r in first),
            "a_refused": [r["rc"] for r in first], "a_same_csv": len(csvs) == 1, "a_steps": steps,
            "a_imports": imports_a,
            "b": b, "b_cpu": [r["cpu"] for r in again], "b_no_render": b_bare, "b_no_render_imports": imports_b,
            "pdf_seconds": pdf_seconds, "pages": pages, "imports": imports}


# --------------------------------------------------------------------------- national staging


def bench_national(workdir: Path, scale: float, repeats: int, inbox: Path | None = None) -> dict:
    """(d): stage one census term of a national-size inbox in a fresh process (bench_staging), then
    validate it in another; ``inbox`` reuses a national inbox written before instead of writing one."""
    root = workdir / "national"
    for leftover in [root / "one-term", *root.glob("data*")]:  # never a national inbox given to reuse
        shutil.rmtree(leftover, ignore_errors=True)
    generated = {"wall": 0.0, "rc": 0}
    if inbox is None:
        shutil.rmtree(root / "inbox", ignore_errors=True)
        inbox = root / "inbox"
        generated = timed(pipeline_cmd("synthetic", "--out", str(inbox), "--scale", str(scale), "--months", "1"))
    if generated["rc"]:
        return {"measured": False, "why": f"generating the national inbox failed: {generated['stderr'][-500:]}"}
    terms = sorted((inbox / "school_census").glob("census_*.csv"))
    if not terms:
        return {"measured": False, "why": "the national inbox has no census term"}
    term = terms[-1]
    one = root / "one-term" / "school_census"
    one.mkdir(parents=True)
    try:
        os.link(term, one / term.name)  # a second name for the same file, not a link landing would refuse
    except OSError:
        shutil.copyfile(term, one / term.name)
    runs = []
    for i in range(repeats):
        out = timed_rusage([sys.executable, "-m", "pipeline.orchestration.bench_staging", "--inbox",
                            str(root / "one-term"), "--data-dir", str(root / f"data{i}"), "--validate"])
        if out["rc"]:
            return {"measured": False, "why": f"bench_staging failed: {out['stderr'][-800:]}"}
        runs.append({**json.loads(out["stdout"].strip().splitlines()[-1]), "wall": out["wall"]})
        shutil.rmtree(root / f"data{i}", ignore_errors=True)
    scan = bare_scan([term], repeats)
    return {"measured": True, "scale": scale, "term": term.name, "term_mib": term.stat().st_size / 2**20,
            "generate_s": generated["wall"], "inbox": str(inbox), "runs": runs, "scan": scan}


# --------------------------------------------------------------------------- printing


def ratio(seconds: float, scan: float) -> str:
    return f"{seconds / scan:.0f}x" if scan > 0 else "-"


def print_table(la: dict | None, national: dict | None, repeats: int) -> None:
    rows = []
    if la is not None:
        scan = la["scan"]["seconds"]
        pages = la["pages"]
        n_pages = pages["board"] + pages["annex"]
        per_page = la["pdf_seconds"] / n_pages if n_pages else float("nan")
        rows += [
            ("(a) first month, land -> measures (no PDF)", f"{median(la['a']):.1f} s", spread(la["a"]),
             f"<= {TARGETS['a']:g} s", ratio(median(la["a"]), scan)),
            ("(b) nothing new to load: measures + PDF", f"{median(la['b']):.1f} s", spread(la["b"]),
             f"<= {TARGETS['b']:g} s", ratio(median(la["b"]), scan)),
            ("    the same without the PDF (--no-render)", f"{median(la['b_no_render']):.1f} s",
             spread(la["b_no_render"]), "", ratio(median(la["b_no_render"]), scan)),
            (f"(c) PDF s a page ({pages['board']} board + {pages['annex']} annex pages)", f"{per_page:.2f} s",
             f"{la['pdf_seconds']:.1f} s in all", f"<= {TARGETS['c']:g} s", ratio(la["pdf_seconds"], scan)),
        ]
    if national is not None and national.get("measured"):
        runs = national["runs"]
        peak = median([r["peak_mib"] for r in runs])
        seconds = median([r["seconds"] for r in runs])
        rows += [
            (f"(d) national census term staged: peak memory ({runs[0]['rows']:,} rows)", f"{peak:,.0f} MiB",
             spread([r["peak_mib"] for r in runs]), f"<= {TARGETS['d_mib']:,.0f} MiB", ""),
            ("    its staging time", f"{seconds:.1f} s", spread([r["seconds"] for r in runs]), "",
             ratio(seconds, national["scan"]["seconds"])),
        ]
        checked = [r["validate"] for r in runs if "validate" in r]
        if checked:
            rows += [
                ("    then validating it (GX): peak memory", f"{median([v['peak_mib'] for v in checked]):,.0f} MiB",
                 spread([v["peak_mib"] for v in checked]), "", ""),
                ("    its validation time", f"{median([v['seconds'] for v in checked]):.1f} s",
                 spread([v["seconds"] for v in checked]), "",
                 ratio(median([v["seconds"] for v in checked]), national["scan"]["seconds"])),
            ]
    elif national is not None:
        rows.append(("(d) national census term: peak memory", "not measured", national.get("why", ""),
                     f"<= {TARGETS['d_mib']:,.0f} MiB", ""))
    else:
        rows.append(("(d) national census term: peak memory", "not measured", "(--sizes la,national)",
                     f"<= {TARGETS['d_mib']:,.0f} MiB", ""))
    national_runs = len(national.get("runs", [])) if national else 0
    measured = " / ".join(x for x in (f"LA: median of {repeats}" if la is not None else "",
                                      f"national: median of {national_runs}" if national_runs else "") if x)
    headers = ("figure", measured or "measured", "range", "target", "x bare DuckDB scan")
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(5)]
    line = "  ".join("{:<%d}" % w for w in widths)
    print()
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))
    print()
    if la is not None:
        s = la["scan"]
        print(f"bare DuckDB scan (LA): {s['seconds']:.2f} s in a fresh process over the {s['files']} files "
              f"({s['mib']:.0f} MiB, {s['rows']:,} rows) the month's deliveries came from")
        steps = la["a_steps"]
        total = median(la["a"])
        named = sum(steps.values())
        print("(a) breakdown of one run, from its plans: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
              + f"; the rest (interpreter, imports, warehouse, measures) about {total - named:.1f} s")
        print(f"(a) CPU {median(la['a_cpu']):.1f} s (user+sys), peak {la['a_peak_mib']:.0f} MiB; "
              f"the same measures CSV every time: {'yes' if la['a_same_csv'] else 'NO'}; "
              f"exit {sorted(set(la['a_refused']))}; imports {', '.join(la['a_imports']) or 'none of '}"
              f"{'' if la['a_imports'] else ', '.join(MODULES_OF_INTEREST)}")
        print(f"(b) CPU {median(la['b_cpu']):.1f} s; without the PDF it imports "
              f"{', '.join(la['b_no_render_imports']) or 'none of ' + ', '.join(MODULES_OF_INTEREST)}")
        print("processes that only import: " + "; ".join(f"{k} {v:.1f} s" for k, v in la["imports"].items()))
        print(f"LA inbox {la['inbox_mib']:.0f} MiB, generated in {la['generate_s']:.1f} s")
    if national is not None and national.get("measured"):
        made = (f"generated in {national['generate_s']:.0f} s" if national["generate_s"]
                else f"from {national['inbox']}")
        print(f"national: scale {national['scale']:g}, {national['term']} {national['term_mib']:.0f} MiB ({made}); "
              f"bare DuckDB scan of that file {national['scan']['seconds']:.2f} s")
    print(f"bytecode: {bytecode_note()}")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs "
          "(other work on the machine slows every figure)")


def bytecode_note() -> str:
    """Whether the processes above could use compiled bytecode (a large share of start-up without it)."""
    import importlib.util

    spec = importlib.util.find_spec("great_expectations")  # a large dependency, not imported here
    cached = spec is not None and spec.cached is not None and Path(spec.cached).exists()
    if cached:
        return "compiled bytecode found for the dependencies"
    flag = " (PYTHONDONTWRITEBYTECODE is set)" if sys.flags.dont_write_bytecode else ""
    return ("no compiled bytecode for the dependencies" + flag + ": every process compiles what it imports; "
            "`python -m compileall -q .venv` (or `uv pip install --compile-bytecode`) removes that cost")


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m pipeline.orchestration.bench``."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.orchestration.bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="la", help="la (default), national, or la,national")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each figure; the median is printed")
    parser.add_argument("--national-scale", type=float, default=385.0, help="national multiplier (385: ~640k plans)")
    parser.add_argument("--national-repeats", type=int, default=1, help="runs of the national figures (minutes each)")
    parser.add_argument("--national-inbox", type=Path, help="a national-size inbox written before (skips writing one)")
    parser.add_argument("--workdir", type=Path, default=Path("bench-data"))
    args = parser.parse_args(argv)
    sizes = set(args.sizes.split(","))
    args.workdir.mkdir(parents=True, exist_ok=True)
    la = bench_la(args.workdir, args.repeats) if "la" in sizes else None
    national = (bench_national(args.workdir, args.national_scale, args.national_repeats, args.national_inbox)
                if "national" in sizes else None)
    print_table(la, national, args.repeats)
    (args.workdir / "results.json").write_text(json.dumps({"la": la, "national": national}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
