"""Assemble docs/BENCHMARKS.md from the fragments the bench scripts wrote (issue 12, item 11).

    .venv/bin/python bench/report.py bench/out                 # -> docs/BENCHMARKS.md
    .venv/bin/python bench/report.py bench/out --quick         # marked as a quick pass
    .venv/bin/python bench/report.py bench/out --output other.md

It runs no benchmark: `make bench` runs each script with `--report bench/out`, then this.
The header gives the machine (nproc, memory, CPU model, load average), the date and the
SQLite and PostgreSQL versions; then the fragments in a fixed order (ORDER, then any other
fragment by name), and a line for each expected fragment that is missing.
"""
import argparse
import datetime
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["checkin", "bench_register", "bench_pages", "bench_scanner_3g", "bench_import", "bench_reports",
         "bench_printing", "bench_certificates", "bench_stats", "bench_records"]


def meminfo():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def postgres_version():
    try:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "not reachable"
    except (OSError, subprocess.TimeoutExpired):
        return "not reachable"


def header(quick):
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Benchmarks", "",
             "Written by `make bench` (bench/report.py from the fragments of every bench script; "
             "how to run them: bench/README.md). Do not edit by hand: run it again."]
    if quick:
        lines += ["", "**Quick pass** (`make bench-quick` sizes): correctness checks with small loads; "
                  "the timings are not the full-size figures and no timing target applies."]
    lines += ["", "| | |", "|---|---|",
              f"| date | {now} |",
              f"| machine | {os.cpu_count()} CPUs (`nproc`), {meminfo()} memory, {cpu_model()} |",
              f"| load average at the end (1/5/15 min) | {load} |",
              f"| SQLite | {sqlite3.sqlite_version} |",
              f"| PostgreSQL | {postgres_version()} |",
              f"| Python | {platform.python_version()} |", ""]
    return "\n".join(lines)


def assemble(folder, quick=False):
    folder = Path(folder)
    found = {path.stem: path for path in sorted(folder.glob("*.md"))}
    names = [name for name in ORDER if name in found] + sorted(set(found) - set(ORDER))
    parts = [header(quick)]
    for name in names:
        parts.append(found[name].read_text().rstrip() + "\n")
    missing = [name for name in ORDER if name not in found]
    if missing:
        parts.append("## Not in this run\n\n" + "\n".join(f"- `{name}`" for name in missing) + "\n")
    findings = findings_section()
    if findings:
        parts.append(findings)
    return "\n".join(parts)


def findings_section():
    """bench/README.md's "Findings worth keeping": where the time goes and why a target is
    missed, kept beside the code that measures it and repeated here under the figures."""
    try:
        text = (ROOT / "bench" / "README.md").read_text()
    except OSError:
        return ""
    start = text.find("\n## Findings worth keeping")
    if start < 0:
        return ""
    body = text[start + 1:]
    end = body.find("\n## ", 1)
    body = body if end < 0 else body[:end]
    return body.replace("## Findings worth keeping", "## Where the time goes, and why a target is missed", 1).rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="where the bench scripts wrote their fragments")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument("--quick", action="store_true", help="mark the document as a quick pass")
    args = parser.parse_args(argv)
    if not Path(args.folder).is_dir():
        print(f"no fragments folder {args.folder}", file=sys.stderr)
        return 1
    Path(args.output).write_text(assemble(args.folder, args.quick))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
