from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.errors import DomainError
from app.extensions import limiter
from app.forms import place_error

from . import service
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target):
    """Only same-site relative paths, so a shared link cannot send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    next_url = _safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            member = service.authenticate(form.phone.data, form.password.data)
        except DomainError as exc:
            error = exc.message
        else:
            login_user(member, remember=form.remember.data)
            if member.must_change_password:
                return redirect(url_for("auth.change_password", next=next_url))
            return redirect(next_url or url_for("home.index"))
    return render_template("auth/login.html", form=form, error=error, next_url=next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    next_url = _safe_next(request.values.get("next"))
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                form.confirm_password.data,
            )
        except DomainError as exc:
            message = place_error(form, exc)
            if message:
                flash(message, "error")
        else:
            # The login token rotated: log in again on this device with the new one.
            login_user(current_user._get_current_object(), remember=True)
            flash("密码已修改。", "success")
            return redirect(next_url or url_for("home.index"))
    return render_template("auth/change_password.html", form=form, next_url=next_url)
