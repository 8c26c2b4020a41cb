"""Pages of corrections (申诉): the member asks (from 我的学习档案) or withdraws; staff
decide on /corrections. Rules and scope are in service.py."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.auth.permissions import staff_required
from app.checkin.reports import session_name
from app.errors import DomainError
from app.forms import place_error

from . import service
from .forms import AskForm, DecisionForm, WithdrawForm

bp = Blueprint("corrections", __name__)


def _me():
    return current_user._get_current_object()


def _abort_for(error):
    if error.code == "not_found":
        abort(404)
    if error.code == "forbidden":
        abort(403)


@bp.route("/my/corrections/<int:registration_id>/<int:session_id>", methods=["GET", "POST"])
@login_required
def ask(registration_id, session_id):
    try:
        registration, session = service.ask_target(_me(), registration_id, session_id)
    except DomainError as error:
        _abort_for(error)
        raise
    form = AskForm()
    alert = None
    if form.validate_on_submit():
        try:
            service.ask(_me(), registration.id, session.id, form.note.data)
        except DomainError as error:
            _abort_for(error)
            alert = place_error(form, error)
        else:
            flash("补签申请已提交，处理后会在这里显示结果。", "success")
            return redirect(url_for("records.mine", _anchor=f"s{session.id}-r{registration.id}"))
    refusal = service.refusal(registration, session)
    return render_template("corrections/ask.html", form=form, registration=registration,
                           session=session, session_name=session_name(session),
                           refusal=refusal and DomainError(refusal).message, alert=alert)


@bp.post("/my/corrections/<int:correction_id>/withdraw")
@login_required
def withdraw(correction_id):
    if not WithdrawForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw(_me(), correction_id)
    except DomainError as error:
        _abort_for(error)
        flash(error.message, "error")
    else:
        flash("已撤回补签申请。", "success")
    return redirect(url_for("records.mine"))


@bp.route("/corrections")
@staff_required
def index():
    return render_template("corrections/index.html",
                           pending=service.decidable(_me(), pending=True),
                           decided=service.decidable(_me(), pending=False, limit=30),
                           session_name=session_name)


@bp.post("/corrections/<int:correction_id>/decide")
@staff_required
def decide(correction_id):
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(next(iter(form.decision.errors or form.decision_note.errors
                        or form.csrf_token.errors), "提交的内容有误。"), "error")
        return redirect(url_for(".index"))
    accept = form.decision.data == "accept"
    try:
        correction = service.decide(_me(), correction_id, accept, form.decision_note.data)
    except DomainError as error:
        _abort_for(error)
        flash(error.message, "error")
        return redirect(url_for(".index", _anchor=f"c{correction_id}"))
    name = correction.member.name
    flash(f"已{'通过' if accept else '不通过'}{name}的补签申请"
          f"{'，已补录签到' if accept else ''}。", "success")
    return redirect(url_for(".index"))
