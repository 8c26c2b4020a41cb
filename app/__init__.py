"""Application factory."""
import os
import sqlite3
from pathlib import Path

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError

from . import ops, security, web
from .config import ALL_INTERFACES, load_config
from .errors import HTTP_CODES, error_body, message_for
from .extensions import csrf, db, limiter, login_manager, migrate

BASE_DIR = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Create the app. ``config`` (a dict) overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_path=str(BASE_DIR / "instance"),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # String overrides (APP_ENV, SECRET_KEY, ...) are read as if they were environment variables.
    env = {**os.environ, **{k: v for k, v in (config or {}).items() if isinstance(v, str)}}
    app.config.update(load_config(app.instance_path, env))
    if config:
        app.config.update(config)

    from . import models  # noqa: F401  (registers every table)

    web.install(app)  # before the blueprints: their <int:...> routes use the bounded converter
    security.install(app)  # proxies, security headers, strict JSON
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    ops.init_app(app)  # request ids and the request log first, static files, /healthz, backup
    _init_login(app)
    _register_blueprints(app)
    _connect_features()
    _register_error_pages(app)
    _register_template_helpers(app)
    _register_cli(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Every SQLite connection: WAL, foreign keys, NORMAL sync, a busy timeout.

    Python's sqlite3 would open transactions itself, too late to take the write
    lock up front; we switch that off and issue BEGIN ourselves (see _sqlite_begin).
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 15000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        mode = connection.get_execution_options().get("sqlite_begin", "")
        if mode == "NONE":  # each statement on its own until the caller's BEGIN (checkin.fastscan)
            return
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def _init_login(app):
    from .auth.sessions import load_member

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    login_manager.user_loader(load_member)  # only while that login is on (app/auth/sessions.py)


def _connect_features():
    """The one question a feature asks of a feature above it, answered here so that
    neither imports upward: the leave service (registration) refuses leave for a session
    the member attended, which checkin decides."""
    from .checkin.attendance import entered_sessions
    from .registration.leave_requests import read_attendance_with

    read_attendance_with(entered_sessions)


def _register_blueprints(app):
    from .api import member_stats  # noqa: F401  (its route joins the API blueprint)
    from .api.views import bp as api_bp
    from .auditlog.views import bp as auditlog_bp
    from .auth.views import bp as auth_bp
    from .certificates.views import bp as certificates_bp
    from .checkin.onsite_views import bp as onsite_bp
    from .checkin.report_views import bp as reports_bp
    from .checkin.views import bp as checkin_bp
    from .corrections.views import bp as corrections_bp
    from .events.views import bp as events_manage_bp
    from .home.views import bp as home_bp
    from .org.roster_views import bp as roster_bp
    from .org.views import bp as org_bp
    from .registration.manage_views import bp as registration_admin_bp
    from .registration.views import bp as registration_bp
    from .results.judge_views import bp as judge_bp
    from .results.views import bp as results_bp
    from .stats.record_views import bp as records_bp
    from .stats.views import bp as stats_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(org_bp)
    app.register_blueprint(roster_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(events_manage_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(registration_admin_bp)
    app.register_blueprint(onsite_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(results_bp)
    app.register_blueprint(judge_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(auditlog_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(corrections_bp)
    app.register_blueprint(records_bp)


def _register_error_pages(app):
    def page(status, title, text, code=None, headers=None):
        if request.path.startswith("/api/"):  # the scanner and board read JSON, even for errors
            return error_body(code or HTTP_CODES.get(status, "server_error")), status, headers
        html = render_template("errors/error.html", status=status, title=title, text=text)
        return html, status, headers

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, "请求有误", "提交的内容无法处理，请返回重试。")


    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, "页面已过期", "页面停留太久或已在别处退出登录，请刷新页面后重新提交。",
                    "csrf_invalid")

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, "没有权限", "您没有权限查看或操作这个页面。如需开通，请联系机关党委。")

    @app.errorhandler(404)
    def not_found(error):
        return page(404, "页面不存在", "要找的页面不存在，可能链接有误或内容已被移除。")

    @app.errorhandler(405)
    def method_not_allowed(error):
        allowed = [(name, value) for name, value in error.get_headers() if name == "Allow"]
        return page(405, "操作方式不对", "请通过页面上的按钮进行操作。", headers=allowed)

    @app.errorhandler(413)
    def too_large(error):
        limit = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return page(413, "文件太大", f"上传的文件超过 {limit} MB，请删去多余内容或分批上传。")

    @app.errorhandler(429)
    def too_many(error):
        if getattr(error, "response", None) is not None:  # a limit's own page (the login form)
            return error.response
        return page(429, "操作太频繁", "短时间内尝试次数太多，请稍等一分钟后再试。")

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error):
        # A number too large for the database, or a NUL character PostgreSQL cannot store,
        # slipped past the forms (a URL, say): refuse it plainly, saying which.
        db.session.rollback()
        if "NUL" in str(error):
            return page(400, "请求有误", message_for("input_nul"), "input_nul")
        return page(400, "请求有误", "填写的数字或日期超出了范围，请检查后重试。")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return page(500, "系统出错了", "很抱歉，系统暂时无法完成这个操作。请稍后再试，或联系机关党委。")


def _register_template_helpers(app):
    from .org.constants import ROLES
    from .org.scope import sees_all_branches
    from .timeutil import format_local, format_when, when_parts

    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["when_parts"] = when_parts
    app.jinja_env.globals["ROLES"] = ROLES
    app.jinja_env.globals["sees_all_branches"] = sees_all_branches  # lists limited to a subtree say so

    @app.template_global()
    def shown_phone(member):
        """The phone as the current user may see it (full for admins and oneself)."""
        from flask_login import current_user

        from .org.scope import shown_phone as shown

        return shown(current_user, member)

    @app.context_processor
    def inject():
        return {"org_name": app.config["ORG_NAME"]}

    @app.before_request
    def force_password_change():
        from flask import redirect, url_for
        from flask_login import current_user

        if (
            # The endpoint first: a static file or a health check loads no user.
            request.endpoint not in {"auth.change_password", "auth.logout", "auth.logout_everywhere",
                                 "static", "ops.healthz"}
            and web.carries_login()  # nobody logged in: nothing to load (a scanner link's phone)
            and current_user.is_authenticated
            and current_user.must_change_password
        ):
            if request.path.startswith("/api/"):  # a scanner page: an answer it understands
                return error_body("password_change_required"), 403
            # Keep where the member was going (a shared event link), to land there after.
            next_url = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("auth.change_password", next=next_url))
        return None


def _register_cli(app):
    from .demo import seed_demo
    from .org.cli import register as register_org_cli
    from .stats.facts import rebuild_command as rebuild_statistics

    register_org_cli(app)
    app.cli.add_command(seed_demo)
    app.cli.add_command(rebuild_statistics)

    @app.cli.command("show-address")
    def show_address():
        """Print where to open the site: on this machine, and on phones (make run)."""
        from urllib.parse import urlsplit

        import click

        host, port = app.config["HOST"], app.config["PORT"]
        local = f"http://{'127.0.0.1' if host in ALL_INTERFACES else host}:{port}"
        public = app.config["PUBLIC_BASE_URL"]
        click.echo(f"本机浏览器打开：{local}")
        click.echo(f"手机打开（二维码和链接用的地址）：{public}")
        if urlsplit(public).hostname in ("127.0.0.1", "localhost", "::1"):
            click.echo("现在只有本机能打开。要让同一 Wi-Fi 下的手机试用，请运行：HOST=0.0.0.0 make run")
