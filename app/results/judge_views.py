"""The judges' phone pages: open a judge link, the contestants in running order, and
the score form of one contestant. No staff account: who may score is decided by
judge_session.py (the phone opened this judge's link, and the link is still valid).

Endpoints:
  judge.open_link(token)            what the judge link opens
  judge.entries(judge_id)           the contestants, each scored or not
  judge.score(judge_id, entry_id)   the score form of one contestant
"""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for

from app.errors import DomainError

from . import judging, service
from .forms import numbered_values
from .judge_session import forget_judge, held_judges, judge_access, open_judge_link

bp = Blueprint("judge", __name__)


def _page(template, http_status=200, **context):
    response = make_response(render_template(template, **context), http_status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refusal(error):
    return _page("errors/error.html", error.http_status if error.http_status != 400 else 403,
                 status=error.http_status, title="不能评分", text=error.message)


def _judge(judge_id):
    try:
        return judge_access(judge_id)
    except DomainError as refused:
        abort(_refusal(refused))


def _contestant_label(scoring, entry, name):
    return f"{entry.running_order}号选手" if scoring.blind else f"{entry.running_order}号 {name}"


@bp.route("/j/<token>")
def open_link(token):
    """A judge's phone opens the link: remember the judge, then go to the contestants
    without the token in the address bar."""
    try:
        judge = open_judge_link(token)
    except DomainError as refused:
        return _refusal(refused)
    response = redirect(url_for("judge.entries", judge_id=judge.id))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/judge")
def home():
    """The judges this phone holds (after a judge opened links of two items)."""
    judges = held_judges()
    if len(judges) == 1:
        return redirect(url_for("judge.entries", judge_id=judges[0].id))
    return _page("results/judge_home.html", judges=judges)


@bp.route("/judge/<int:judge_id>")
def entries(judge_id):
    judge = _judge(judge_id)
    scoring = service.scoring_of(judge.item_id)
    if scoring is None or scoring.method != "judged":
        return _refusal(DomainError("item_not_judged", http_status=409))
    sheets = service.sheets_of_judge(judge.id)
    rows = []
    for entry in service.entries_of(judge.item_id, active_only=True):
        name, _branch_id, branch_name = service.contestant(entry)
        rows.append({"entry": entry, "label": _contestant_label(scoring, entry, name),
                     "branch": "" if scoring.blind else branch_name,
                     "sheet": sheets.get(entry.id)})
    done, of = judging.progress(judge)
    return _page("results/judge_entries.html", judge=judge, item=judge.item,
                 event=judge.item.event, scoring=scoring, rows=rows, done=done, of=of)


@bp.route("/judge/<int:judge_id>/entries/<int:entry_id>", methods=["GET", "POST"])
def score(judge_id, entry_id):
    judge = _judge(judge_id)
    scoring = service.scoring_of(judge.item_id)
    if scoring is None or scoring.method != "judged":
        return _refusal(DomainError("item_not_judged", http_status=409))
    try:
        entry = service.entry_of_item(judge.item, entry_id)
    except DomainError as refused:
        if refused.code == "not_found":
            abort(404)
        return _refusal(refused)
    sheet = service.sheets_of_judge(judge.id).get(entry.id)
    typed, problems, alert, status = {}, {}, None, 200
    if request.method == "POST":
        typed = numbered_values(request.form, "c-")
        try:
            sheet = judging.submit_scores(judge.id, entry.id, typed)
        except DomainError as refused:
            alert, status = refused.message, refused.http_status
            problems = refused.params.get("problems") or {}
        else:
            flash(f"{entry.running_order}号：{judging.scored_message(sheet)}", "success")
            following = service.next_to_score(judge, entry)
            if following is not None:
                return redirect(url_for("judge.score", judge_id=judge.id, entry_id=following.id))
            return redirect(url_for("judge.entries", judge_id=judge.id))
    name, _branch_id, branch_name = service.contestant(entry)
    return _page("results/judge_score.html", status, judge=judge, item=judge.item,
                 scoring=scoring, entry=entry, label=_contestant_label(scoring, entry, name),
                 branch="" if scoring.blind else branch_name, sheet=sheet, typed=typed,
                 problems=problems, alert=alert)


@bp.route("/judge/<int:judge_id>/forget", methods=["POST"])
def forget(judge_id):
    """退出评委身份: this phone stops scoring as this judge."""
    forget_judge(judge_id)
    flash("这台手机已退出评委身份。", "success")
    return redirect(url_for("judge.home"))
