import time

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.errors import DomainError, message_for
from app.extensions import limiter
from app.forms import place_error
from app.org.normalize import normalize_phone
from app.web import safe_next

from . import devices, service, sessions
from .forms import ChangePasswordForm, LoginForm, LogoutEverywhereForm

bp = Blueprint("auth", __name__)


# ------------------------------------------------------------------ login limits
# Keyed on the phone posted and where it comes from (auth/devices.py), never on the
# account alone: behind one proxy or office address every phone has a budget of its own,
# and wrong passwords slow down the address and that phone from that address, not its
# owner elsewhere (issue 8, findings 7 and 8).

def _posted_phone():
    return normalize_phone(request.form.get("phone", ""))[:20]


def _phone_from_origin():
    phone = _posted_phone()
    return f"{devices.origin(phone)}|{phone}"


def _failed(response):
    return g.get("login_failed", False)


def _known_device():
    return devices.known_device(_posted_phone()) is not None


def _throttled(limit):
    """The login page again, saying how long to wait (the same for every phone)."""
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    page = render_template("auth/login.html", form=LoginForm(),
                           error=message_for("login_throttled", minutes=minutes),
                           next_url=safe_next(request.values.get("next")))
    return make_response(page, 429)


def _config(name):
    return lambda: current_app.config[name]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_config("LOGIN_RATE_LIMIT"), key_func=_phone_from_origin, methods=["POST"],
               scope="login-posts", on_breach=_throttled)
@limiter.limit(_config("LOGIN_FAILURE_LIMIT"), key_func=_phone_from_origin, methods=["POST"],
               scope="login-failures", deduct_when=_failed, on_breach=_throttled)
@limiter.limit(_config("LOGIN_ADDRESS_FAILURE_LIMIT"), key_func=get_remote_address,
               methods=["POST"], scope="login-address-failures", deduct_when=_failed,
               exempt_when=_known_device, on_breach=_throttled)
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            member = service.authenticate(
                form.phone.data, form.password.data, ip=request.remote_addr,
                user_agent=request.headers.get("User-Agent", ""))
        except DomainError as exc:
            g.login_failed = True
            error = exc.message
        else:
            login_user(member, remember=form.remember.data)
            if member.must_change_password:
                target = url_for("auth.change_password", next=next_url)
            else:
                target = next_url or url_for("home.index")
            return devices.remember_device(redirect(target), member.phone)
    return render_template("auth/login.html", form=form, error=error, next_url=next_url)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions.end_login(current_user._get_current_object())
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """在所有设备上退出: every login of this member ends, this one too."""
    if not LogoutEverywhereForm().validate_on_submit():
        return redirect(url_for("auth.change_password"))
    sessions.end_all_logins(current_user._get_current_object())
    logout_user()
    flash("已在所有设备上退出登录，请重新登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    next_url = safe_next(request.values.get("next"))
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
    return render_template("auth/change_password.html", form=form, next_url=next_url,
                           everywhere=LogoutEverywhereForm())
