"""What every bench script shares for `make bench` (docs/BENCHMARKS.md, issue 12 item 11):
the --report / --both options and the markdown fragment each script writes.

    parser = argparse.ArgumentParser(...)
    fragment.add_options(parser)              # --report DIR, --both
    args = parser.parse_args()
    report = fragment.Fragment("bench_x", "Title", "SQLite; 2,000 rows")
    report.row("figure", "1.2 s", target="≤ 2 s", met=True)
    for url in fragment.database_urls(args):  # [args.database_url] or, with --both, SQLite then PG
        ...
    report.write(args.report)                 # DIR/bench_x.md when --report was given

bench/report.py assembles the fragments into docs/BENCHMARKS.md.
"""
import subprocess
from pathlib import Path

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/"


def add_options(parser):
    parser.add_argument("--report", metavar="DIR",
                        help="write a markdown fragment DIR/<script>.md for bench/report.py")
    parser.add_argument("--both", action="store_true",
                        help="run on SQLite, then on PostgreSQL (--database-url, or a bench "
                             "database of its own on 127.0.0.1, created if missing)")


def database_urls(args, name):
    """The databases to run on: None is a fresh SQLite file."""
    if args.both:
        return [None, args.database_url or pg_database(f"bench_{name}")]
    return [args.database_url]


def pg_database(name):
    """postgresql://.../<name> on the local server, created when missing (it will be wiped)."""
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                   capture_output=True, check=False)  # "already exists" is fine
    return PG_SERVER + name


def database_label(url):
    return "PostgreSQL" if url and url.startswith("postgresql") else "SQLite"


class Fragment:
    """One script's section of docs/BENCHMARKS.md: a heading, one line naming the
    database(s) and the load shape, a table of figures (target and verdict where set)."""

    def __init__(self, name, title, shape="", source=None):
        self.name, self.title, self.shape = name, title, shape
        self.source = source or f"bench/{name}.py"
        self.rows = []
        self.notes = []

    def row(self, figure, value, target="", met=None, database=""):
        verdict = "" if met is None else ("met" if met else "**missed**")
        self.rows.append((database, figure, value, target, verdict))

    def note(self, text):
        self.notes.append(text)

    def markdown(self):
        with_db = any(r[0] for r in self.rows)
        head = (["database"] if with_db else []) + ["figure", "value", "target", "verdict"]
        lines = [f"## {self.title} (`{self.source}`)", "", self.shape, "",
                 "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for database, *rest in self.rows:
            lines.append("| " + " | ".join(([database] if with_db else []) + list(rest)) + " |")
        if self.notes:
            lines += [""] + self.notes
        return "\n".join(lines) + "\n"

    def write(self, folder):
        if not folder:
            return None
        path = Path(folder) / f"{self.name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.markdown())
        return path
