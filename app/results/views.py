"""Staff pages of results (the organizer's side) and the members' page of published results.

Staff pages need a staff role and the event's scope (events.service.can_manage); a
refused write comes back as a Chinese message at its field or on the page. The judges'
phone pages are in judge_views.py.

Endpoints to link from other pages (template globals below):
  results.event(event_id)      the results of a contest or sports meet (staff)
  results.published(event_id)  the published results (members)
"""
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth.permissions import require, staff_required
from app.checkin.qr import draw_qr_svg
from app.errors import DomainError
from app.events.service import can_manage, get_event, get_visible_event
from app.forms import place_error
from app.timeutil import format_local, utcnow
from app.web import parse_id

from . import judging, marks, publishing, rules, service, setup
from .constants import MARK_METHODS, METHODS, ROUNDS, STATES
from .forms import JudgeForm, PointsForm, RenewForm, SetupForm, numbered_values

bp = Blueprint("results", __name__)

NEW_JUDGE_KEY = "new_judge_link"  # shown once after creation: only a hash is stored
STATE_ACTIONS = {
    "lock": (publishing.lock_results, "成绩已锁定，评委不能再修改评分。"),
    "unlock": (publishing.unlock_results, "已解除锁定，评委可以继续评分。"),
    "publish": (publishing.publish_results, "成绩已公布，报名人员可以在活动页查看。"),
    "unpublish": (publishing.unpublish_results, "已撤回公布，人员暂时看不到成绩。"),
}


# ------------------------------------------------------------------ template helpers

@bp.app_template_global()
def results_url(event):
    """The staff results page of a contest or sports meet (None for other events)."""
    return url_for("results.event", event_id=event.id) if event.has_items else None


@bp.app_template_global()
def published_results_url(event):
    """The members' results page, once an item of the event has published results."""
    if not event.has_items or not service.has_published(event.id):
        return None
    return url_for("results.published", event_id=event.id)


@bp.app_context_processor
def _results_words():
    return {"METHODS": METHODS, "STATES": STATES, "ROUNDS": ROUNDS,
            "MARK_METHODS": MARK_METHODS, "mark_text": rules.mark_input,
            "total_text": rules.total_text, "plain": rules.plain}


# ------------------------------------------------------------------ helpers

def _managed_event(event_id):
    try:
        event = get_event(event_id)
    except DomainError:
        abort(404)
    require(can_manage(current_user, event))
    if not event.has_items:
        abort(404)
    return event


def _managed_item(item_id):
    try:
        item = service.get_item(item_id)
    except DomainError:
        abort(404)
    require(can_manage(current_user, item.event))
    if not item.event.has_items:
        abort(404)
    return item


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to_item(item, anchor=""):
    return redirect(url_for("results.item", item_id=item.id) + anchor)


def _judge_link_url(token):
    return current_app.config["PUBLIC_BASE_URL"] + url_for("judge.open_link", token=token)


# ------------------------------------------------------------------ event overview, points

@bp.route("/results/events/<int:event_id>")
@staff_required
def event(event_id):
    event = _managed_event(event_id)
    return render_template("results/event.html", event=event, **service.overview(event))


@bp.route("/results/events/<int:event_id>/points", methods=["GET", "POST"])
@staff_required
def points(event_id):
    event = _managed_event(event_id)
    if event.kind != "sports":
        abort(404)
    form = PointsForm()
    if request.method == "POST":
        values = form.parsed()
        if values is not None:
            try:
                setup.save_place_points(current_user, event.id, values)
            except DomainError as refused:
                place_error(form, refused)
            else:
                flash("名次积分已保存。", "success")
                return redirect(url_for("results.event", event_id=event.id))
        return render_template("results/points.html", event=event, form=form), 400
    form.points.data = "-".join(str(p) for p in service.place_points(event.id))
    return render_template("results/points.html", event=event, form=form)


# ------------------------------------------------------------------ setup of an item

@bp.route("/results/items/<int:item_id>/setup", methods=["GET", "POST"])
@staff_required
def item_setup(item_id):
    item = _managed_item(item_id)
    scoring = service.scoring_of(item.id)
    form = SetupForm()
    alert = None
    if request.method == "POST":
        values = form.parsed()
        if values is not None:
            try:
                setup.save_setup(current_user, item.id, **values)
            except DomainError as refused:
                alert = place_error(form, refused, {"awards": None, "criteria": None})
            else:
                flash(f"「{item.name}」的评分规则已保存。", "success")
                return _back_to_item(item)
        return render_template("results/setup.html", item=item, event=item.event, form=form,
                               scoring=scoring, alert=alert), 400
    form.fill(_saved_setup(scoring) if scoring else setup.default_setup(item, item.event))
    return render_template("results/setup.html", item=item, event=item.event, form=form,
                           scoring=scoring, alert=alert)


def _saved_setup(scoring):
    return {"method": scoring.method, "drop_extremes": scoring.drop_extremes,
            "blind": scoring.blind, "award_mode": scoring.award_mode,
            "award_levels": scoring.award_levels, "points_factor": scoring.points_factor,
            "criteria": [{"name": c.name, "max_x100": c.max_x100, "weight_x100": c.weight_x100}
                         for c in scoring.criteria]}


# ------------------------------------------------------------------ the item page

def _item_page(item, status=200, alert=None, problems=None, typed=None, round_=None):
    scoring = service.scoring_of(item.id)
    if scoring is None:
        return redirect(url_for("results.item_setup", item_id=item.id))
    standing = service.item_standing(item, scoring)
    round_ = round_ if round_ in ROUNDS else request.args.get("round", standing.round)
    round_ = round_ if round_ in ROUNDS else "final"
    current = marks.marks_of(item.id, round_) if scoring.method in MARK_METHODS else {}
    return render_template(
        "results/item.html", item=item, event=item.event, scoring=scoring, standing=standing,
        round=round_, current=current, alert=alert, problems=problems or {}, typed=typed or {},
        live_url=url_for("results.live", item_id=item.id)), status


@bp.route("/results/items/<int:item_id>")
@staff_required
def item(item_id):
    return _item_page(_managed_item(item_id))


def _standing_page(template, item_id, clock="%H:%M", **context):
    """A page of one item's standing, never cached (the live part, the board)."""
    item = _managed_item(item_id)
    standing = service.item_standing(item)
    return _no_store(render_template(template, item=item, event=item.event, standing=standing,
                                     scoring=standing.scoring,
                                     updated=format_local(utcnow(), clock), **context))


@bp.route("/results/items/<int:item_id>/live")
@staff_required
def live(item_id):
    """The live part of the item page (judges' progress and the ranking), for results-live.js."""
    return _standing_page("results/_live.html", item_id, "%H:%M:%S")


@bp.route("/results/items/<int:item_id>/entries", methods=["POST"])
@staff_required
def sync_entries(item_id):
    item = _managed_item(item_id)
    try:
        added, withdrawn = setup.sync_entries(current_user, item.id)
    except DomainError as refused:
        return _item_page(item, 400, alert=refused.message)
    flash(f"参赛名单已按报名更新：新增 {added} 个，退出 {withdrawn} 个。"
          if added or withdrawn else "参赛名单与报名一致，没有变化。", "success")
    return _back_to_item(item, "#entries")


@bp.route("/results/items/<int:item_id>/order", methods=["POST"])
@staff_required
def order(item_id):
    item = _managed_item(item_id)
    typed = numbered_values(request.form, "order-")
    try:
        if "shuffle" in request.form:
            setup.set_running_order(current_user, item.id, shuffle_seed=secrets.randbits(64))
        else:
            numbers = {key: number if (number := parse_id(value)) is not None and number < 100000
                       else None for key, value in typed.items()}
            setup.set_running_order(current_user, item.id, numbers)
    except DomainError as refused:
        return _item_page(item, 400, alert=refused.message)
    flash("出场顺序已随机抽签。" if "shuffle" in request.form else "出场顺序已保存。", "success")
    return _back_to_item(item, "#entries")


@bp.route("/results/items/<int:item_id>/marks", methods=["POST"])
@staff_required
def save_marks(item_id):
    item = _managed_item(item_id)
    round_ = request.form.get("round", "final")
    typed = numbered_values(request.form, "mark-")
    try:
        changed = marks.save_marks(current_user, item.id, round_, typed)
    except DomainError as refused:
        return _item_page(item, 400, alert=refused.message,
                          problems=refused.params.get("problems"), typed=typed, round_=round_)
    flash(f"已保存{ROUNDS.get(round_, '')}成绩，{changed} 条有变化。", "success")
    return redirect(url_for("results.item", item_id=item.id, round=round_) + "#marks")


@bp.route("/results/items/<int:item_id>/<any(lock, unlock, publish, unpublish):action>",
          methods=["POST"])
@staff_required
def change_state(item_id, action):
    item = _managed_item(item_id)
    writer, done = STATE_ACTIONS[action]
    try:
        missing = writer(current_user, item.id)
    except DomainError as refused:
        return _item_page(item, 400, alert=refused.message)
    if action == "lock" and missing:
        done += f"注意：还有 {missing} 个评委评分没有完成，缺的评分不计入。"
    flash(done, "success")
    return _back_to_item(item)


# ------------------------------------------------------------------ judges (staff side)

def _judges_page(item, form, renew_form=None, status=200, alert=None):
    now = utcnow()
    new = flask_session.pop(NEW_JUDGE_KEY, None)
    new_link = None
    if new and new.get("item_id") == item.id:
        judge = next((j for j in service.judges_of(item.id) if j.id == new.get("id")), None)
        if judge is not None:
            url = _judge_link_url(new["token"])
            new_link = {"judge": judge, "url": url,
                        "qr": Markup(draw_qr_svg(url, f"{judge.name}的评委链接二维码"))}
    return render_template(
        "results/judges.html", item=item, event=item.event, form=form,
        renew_form=renew_form or RenewForm(formdata=None), scoring=service.scoring_of(item.id),
        judges=service.judges_of(item.id), now=now, new_link=new_link, alert=alert), status


def _show_new_link(item, judge, token):
    flask_session[NEW_JUDGE_KEY] = {"item_id": item.id, "id": judge.id, "token": token}
    return redirect(url_for("results.judges", item_id=item.id) + "#new-link")


@bp.route("/results/items/<int:item_id>/judges", methods=["GET", "POST"])
@staff_required
def judges(item_id):
    item = _managed_item(item_id)
    form = JudgeForm()
    if request.method == "POST":
        if form.validate():
            try:
                judge, token = judging.add_judge(current_user, item.id, form.name.data,
                                                 form.hours.data)
            except DomainError as refused:
                return _judges_page(item, form, status=400, alert=place_error(form, refused))
            flash(f"已添加{judge.seat}号评委「{judge.name}」。", "success")
            return _show_new_link(item, judge, token)
        return _judges_page(item, form, status=400)
    return _judges_page(item, form)


@bp.route("/results/items/<int:item_id>/judges/<int:judge_id>/renew", methods=["POST"])
@staff_required
def renew_judge(item_id, judge_id):
    item = _managed_item(item_id)
    form = RenewForm()
    if not form.validate():
        return _judges_page(item, JudgeForm(formdata=None), form, status=400)
    try:
        judge, token = judging.renew_judge_link(current_user, item.id, judge_id, form.hours.data)
    except DomainError as refused:
        if refused.code == "not_found":
            abort(404)
        return _judges_page(item, JudgeForm(formdata=None), status=400, alert=refused.message)
    flash(f"已为「{judge.name}」重新生成评委链接，旧链接马上失效，已打的分都保留。", "success")
    return _show_new_link(item, judge, token)


@bp.route("/results/items/<int:item_id>/judges/<int:judge_id>/revoke", methods=["POST"])
@staff_required
def revoke_judge(item_id, judge_id):
    item = _managed_item(item_id)
    try:
        judge = judging.revoke_judge_link(current_user, item.id, judge_id)
    except DomainError as refused:
        if refused.code == "not_found":
            abort(404)
        return _judges_page(item, JudgeForm(formdata=None), status=400, alert=refused.message)
    flash(f"已撤销「{judge.name}」的评委链接；已打的分保留并计入成绩。", "success")
    return redirect(url_for("results.judges", item_id=item.id))


# ------------------------------------------------------------------ projector board

@bp.route("/results/items/<int:item_id>/board")
@staff_required
def board(item_id):
    return _standing_page("results/board.html", item_id,
                          rows_url=url_for("results.board_rows", item_id=item_id))


@bp.route("/results/items/<int:item_id>/board/rows")
@staff_required
def board_rows(item_id):
    return _standing_page("results/_board_rows.html", item_id)


# ------------------------------------------------------------------ members

@bp.route("/events/<int:event_id>/results")
@login_required
def published(event_id):
    try:
        event = get_visible_event(event_id)
    except DomainError:
        abort(404)
    if not event.has_items:
        abort(404)
    return render_template("results/published.html", event=event,
                           **service.published_results(event))
