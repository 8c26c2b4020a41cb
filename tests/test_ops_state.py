"""The app keeps no state of its own in a process (issue 12, item 3): what several
processes must agree on comes from the environment, the database or one file they agree
on (docs/ARCHITECTURE.md, "State outside the process", lists the audit)."""
import logging
import threading

from app.config import load_config


def test_processes_starting_together_agree_on_the_development_secret_key(tmp_path):
    # gunicorn workers of a development install (no SECRET_KEY) start at the same moment;
    # keys that differed would make each worker refuse the others' session cookies.
    for attempt in range(20):
        folder = tmp_path / str(attempt)
        barrier = threading.Barrier(8)
        keys = []

        def start(folder=folder, barrier=barrier, keys=keys):
            barrier.wait()
            keys.append(load_config(folder, {})["SECRET_KEY"])

        threads = [threading.Thread(target=start) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(keys) == 8 and len(set(keys)) == 1
        assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no candidate left behind
        assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_with_rate_limits_in_process_memory_says_so(app_on, caplog):
    app_on("sqlite://", migrate=False, APP_ENV="production", RATELIMIT_ENABLED=True,
           RATELIMIT_STORAGE_URI="memory://")
    assert any("RATELIMIT_STORAGE_URI is memory://" in r.getMessage()
               for r in caplog.records if r.levelno == logging.WARNING)


def test_production_with_rate_limits_in_redis_says_nothing(app_on, caplog):
    app_on("sqlite://", migrate=False, APP_ENV="production", RATELIMIT_ENABLED=True,
           RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert not [r for r in caplog.records if "RATELIMIT_STORAGE_URI" in r.getMessage()]
