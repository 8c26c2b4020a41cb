"""Certificate pages: the organizer's (preview, issue, wording and seal, print, revoke),
the member's 我的证书, and the public verification page.

Staff pages are for those who may manage the event (events.service.can_manage, checked in
the services: organizers and admins, a secretary for the events of their own subtree);
members see their own certificates; /verify needs no login and is rate-limited per client
address (VERIFY_RATE_LIMIT).

Endpoints to link from other pages:
  certificates.event(event_id)   an event's certificates (the staff event page links here)
  certificates.mine()            我的证书 (the member's home page links here)
  certificates.verify(code)      what a certificate's QR code opens
"""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.permissions import staff_required
from app.errors import DomainError
from app.extensions import csrf, limiter
from app.forms import add_error, place_error
from app.registration.export import content_disposition

from . import documents, issuing, overview, queries, verification, wording
from .constants import KIND_LABELS, KIND_PLACEHOLDERS, PLACEHOLDERS, SEAL_UPLOAD_LIMIT
from .forms import KindForm, RevokeForm, SealForm, VerifyForm, WordingForm
from .rules import offered_kinds

bp = Blueprint("certificates", __name__)

PER_PAGE = 100


def _allowed(call, *args, **kwargs):
    """Run a service read that checks access; a refusal becomes 404 or 403."""
    try:
        return call(*args, **kwargs)
    except DomainError as refused:
        abort(404 if refused.http_status == 404 else 403)


def _pdf_response(data, filename, fallback):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_filter("kind_label")
def kind_label(kind):
    return KIND_LABELS.get(kind, "全部证书")


# ------------------------------------------------------------------ an event's certificates

@bp.route("/manage/events/<int:event_id>/certificates")
@staff_required
def event(event_id):
    view = _allowed(overview.event_overview, current_user, event_id, request.args.get("kind"))
    state = request.args.get("state") if request.args.get("state") in ("issued", "due", "no", "check") else None
    rows = [c for c in view.candidates if state is None or c.state == state]
    pages = max(1, -(-len(rows) // PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template("certificates/event.html", view=view, event=view.event, state=state,
                           rows=rows[(page - 1) * PER_PAGE:page * PER_PAGE], page=page, pages=pages,
                           shown=len(rows), form=KindForm(kind=view.kind), revoke_form=RevokeForm())


def _kind_action(event_id, operation):
    """Run ``operation(actor, event_id, kind)`` for a button that posts one kind (issue,
    print): (kind, its answer), or (kind, None) after a refusal put in a flash message."""
    form = KindForm()
    if not form.validate():
        abort(400)
    try:
        return form.kind.data, operation(current_user, event_id, form.kind.data)
    except DomainError as refused:
        if refused.code in ("event_not_found", "forbidden"):
            abort(404 if refused.http_status == 404 else 403)
        flash(refused.message, "error")
        return form.kind.data, None


@bp.route("/manage/events/<int:event_id>/certificates/issue", methods=["POST"])
@staff_required
def issue(event_id):
    kind, issued = _kind_action(event_id, issuing.issue)
    if issued is not None and issued.count:
        flash(f"已发放 {issued.count} 张{KIND_LABELS[kind]}（编号 {issued.first_serial} 至 {issued.last_serial}）。",
              "success")
    elif issued is not None:
        flash(f"没有需要新发放的{KIND_LABELS[kind]}：已发放的不会重复发放。", "info")
    return redirect(url_for(".event", event_id=event_id, kind=kind))


def _kind_of(event):
    kinds = offered_kinds(event)
    return request.args.get("kind") if request.args.get("kind") in kinds else kinds[0]


def _wording_page(event, kind, form=None, seal_form=None, status=200):
    current = wording.wording(event, kind)
    if form is None:
        form = WordingForm(data={"title": current.title, "body": current.body, "issuer": current.issuer})
    return render_template(
        "certificates/wording.html", event=event, kind=kind, kinds=offered_kinds(event), form=form,
        seal_form=seal_form or SealForm(), seal=wording.current_seal(event.id), saved=current.saved,
        placeholders=[(name, PLACEHOLDERS[name]) for name in KIND_PLACEHOLDERS[kind]]), status


@bp.route("/manage/events/<int:event_id>/certificates/wording", methods=["GET", "POST"])
@staff_required
def edit_wording(event_id):
    event = _allowed(issuing.managed_event, current_user, event_id)
    kind = _kind_of(event)
    if request.method == "GET":
        return _wording_page(event, kind)
    form = WordingForm()
    if form.validate():
        try:
            wording.save_wording(current_user, event, kind, form.data)
        except DomainError as refused:
            message = place_error(form, refused)
            if message:
                flash(message, "error")
        else:
            flash(f"已保存{KIND_LABELS[kind]}的样式；此后发放的证书按新样式印制，已发放的不变。", "success")
            return redirect(url_for(".edit_wording", event_id=event.id, kind=kind))
    return _wording_page(event, kind, form=form, status=400)


@bp.route("/manage/events/<int:event_id>/certificates/seal", methods=["POST"])
@csrf.exempt  # the form checks its own token, after the larger upload limit is set below
@staff_required
def upload_seal(event_id):
    event = _allowed(issuing.managed_event, current_user, event_id)
    kind = _kind_of(event)
    request.max_content_length = SEAL_UPLOAD_LIMIT  # so a 20 MB file is refused here, in words
    try:
        form = SealForm()
        valid = form.validate()
    except RequestEntityTooLarge:
        abort(413)
    if not valid:
        abort(400)  # only the CSRF token can fail here
    upload = form.seal.data
    try:
        wording.upload_seal(current_user, event, upload.read() if upload else b"")
    except DomainError as refused:
        add_error(form.seal, refused.message)
        return _wording_page(event, kind, seal_form=form, status=400)
    flash("已上传印章；此后发放的证书会带上它，已发放的不变。", "success")
    return redirect(url_for(".edit_wording", event_id=event.id, kind=kind))


@bp.route("/manage/events/<int:event_id>/certificates/seal/remove", methods=["POST"])
@staff_required
def remove_seal(event_id):
    event = _allowed(issuing.managed_event, current_user, event_id)
    wording.remove_seal(current_user, event)
    flash("已移除印章；此后发放的证书不带印章，已发放的不变。", "success")
    return redirect(url_for(".edit_wording", event_id=event.id, kind=_kind_of(event)))


@bp.route("/manage/events/<int:event_id>/certificates/sample.pdf")
@staff_required
def sample(event_id):
    event = _allowed(issuing.managed_event, current_user, event_id)
    kind = _kind_of(event)
    return _pdf_response(documents.sample_pdf(event, kind), f"{event.title}-{KIND_LABELS[kind]}-样张.pdf",
                         f"sample-{event.id}.pdf")


# ------------------------------------------------------------------ printing all of them

@bp.route("/manage/events/<int:event_id>/certificates/print", methods=["POST"])
@staff_required
def start_print(event_id):
    kind, job = _kind_action(event_id, documents.start_print)
    if job is None:
        return redirect(url_for(".event", event_id=event_id, kind=kind))
    return redirect(url_for(".job", job_id=job.id))


@bp.route("/manage/certificates/jobs/<int:job_id>")
@staff_required
def job(job_id):
    job = _allowed(documents.job_of, current_user, job_id)
    return render_template("certificates/job.html", job=job, state=documents.job_state(job))


@bp.route("/manage/certificates/jobs/<int:job_id>/progress")
@staff_required
def job_progress(job_id):
    job = _allowed(documents.job_of, current_user, job_id)
    response = jsonify(documents.job_state(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/manage/certificates/jobs/<int:job_id>/pdf")
@staff_required
def job_pdf(job_id):
    job = _allowed(documents.job_of, current_user, job_id)
    response = current_app.response_class(stream_with_context(documents.stream_job(job.id)),
                                          mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(documents.job_filename(job),
                                                                  fallback=f"certificates-{job.event_id}.pdf")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy passes the pages on as they come
    return response


# ------------------------------------------------------------------ one certificate

@bp.route("/manage/certificates/<int:certificate_id>")
@staff_required
def detail(certificate_id):
    certificate = _allowed(queries.managed_certificate, current_user, certificate_id)
    return render_template("certificates/detail.html", certificate=certificate, form=RevokeForm())


@bp.route("/manage/certificates/<int:certificate_id>/pdf")
@staff_required
def staff_pdf(certificate_id):
    certificate = _allowed(queries.managed_certificate, current_user, certificate_id)
    return _certificate_pdf(certificate, url_for(".detail", certificate_id=certificate.id))


@bp.route("/manage/certificates/<int:certificate_id>/revoke", methods=["POST"])
@staff_required
def revoke(certificate_id):
    certificate = _allowed(queries.managed_certificate, current_user, certificate_id)
    form = RevokeForm()
    if not form.validate():
        abort(400)
    try:
        issuing.revoke(current_user, certificate.id, form.reason.data)
    except DomainError as refused:
        message = place_error(form, refused)
        if message:
            flash(message, "error")
        return render_template("certificates/detail.html", certificate=certificate, form=form), 400
    flash(f"已撤销证书 {certificate.serial}；查验时会显示「已撤销」。", "success")
    return redirect(url_for(".detail", certificate_id=certificate.id))


def _certificate_pdf(certificate, back):
    try:
        data = documents.certificate_pdf(certificate)
    except DomainError as refused:
        flash(refused.message, "error")
        return redirect(back)
    snapshot = certificate.snapshot
    return _pdf_response(data, f"{snapshot.get('name', '')}-{certificate.kind_label}-{certificate.serial}.pdf",
                         f"certificate-{certificate.serial}.pdf")


# ------------------------------------------------------------------ the member's own

@bp.route("/my/certificates")
@login_required
def mine():
    return render_template("certificates/mine.html",
                           certificates=queries.my_certificates(current_user))


@bp.route("/my/certificates/<int:certificate_id>/pdf")
@login_required
def my_pdf(certificate_id):
    certificate = _allowed(queries.my_certificate, current_user, certificate_id)
    return _certificate_pdf(certificate, url_for(".mine"))


# ------------------------------------------------------------------ public verification

@bp.route("/verify")
def verify_form():
    """A code typed from a certificate: go to its verification page."""
    form = VerifyForm(request.args)
    code = verification.normalize(form.code.data)
    if code:
        return redirect(url_for(".verify", code=code))
    return render_template("certificates/verify.html", form=form, result=None)


@bp.route("/verify/<code>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], key_func=get_remote_address)
def verify(code):
    result = verification.verify(code)
    response = make_response(render_template("certificates/verify.html", form=VerifyForm(code=code),
                                             result=result))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
