"""gunicorn settings of bench/checkin.py, for the app and the floor alike: a worker that
has loaded its app says so with a file in $BENCH_READY_DIR, so that the benchmark starts
only once both workers answer (each imports the app after the fork, which takes seconds)."""
import os
from pathlib import Path


def post_worker_init(worker):
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:
        (Path(ready) / str(worker.pid)).touch()
