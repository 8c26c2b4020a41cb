"""Running the app in production: request ids and the request log, fingerprinted and
compressed static files, GET /healthz for the proxy, and `flask backup` / `flask restore`.

Infrastructure like ``txn`` and ``printing``: it imports no feature.

    init_app(app)    install all of it (create_app() calls it before any other hook)
"""


def init_app(app):
    from . import cli, health, request_log, static

    request_log.install(app)  # first: every later hook and log line has the request id
    static.install(app)
    app.register_blueprint(health.bp)
    cli.register(app)
