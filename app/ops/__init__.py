"""Running the app in production: request ids and the request log, fingerprinted and
compressed static files, GET /healthz for the proxy, and `flask backup` / `flask restore`.

Infrastructure like ``txn`` and ``printing``: it imports no feature.

    init_app(app)    install all of it (create_app() calls it before any other hook)
"""
import logging


def init_app(app):
    from . import cli, health, request_log, static

    request_log.install(app)  # first: every later hook and log line has the request id
    static.install(app)
    app.register_blueprint(health.bp)
    cli.register(app)
    _warn_about_process_state(app)


def _warn_about_process_state(app):
    """The one piece of state a production process may still keep to itself: rate-limit
    counters in memory (the default). Each gunicorn worker would then count on its own."""
    if app.config["APP_ENV"] == "production" and app.config["RATELIMIT_ENABLED"] and \
            app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        logging.getLogger("app").warning(
            "RATELIMIT_STORAGE_URI is memory://: each app process counts rate limits on its "
            "own; set it to redis://127.0.0.1:6379/0 when more than one process serves.")
