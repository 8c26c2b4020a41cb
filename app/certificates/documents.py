"""Certificate PDFs: one certificate, a sample of the wording, and all certificates of an
event as one PDF, streamed with its progress kept in a job row.

The batch: ``start_print`` makes a ``CertificateJob`` (who, which event and kind, how many
pages); the organizer's browser then asks for ``stream_job``'s bytes (the download) and,
meanwhile, polls ``job_state`` (any app process can answer: the numbers are in the row).
The stream reads the certificates in chunks of CHUNK by id, draws them and writes the
pages out as it goes (memory stays flat for 10 or 5,000 pages), and after each chunk
stores how many pages are done. A download that stops halfway (the browser went away)
leaves the job marked failed; asking again starts over.
"""
import io

import sqlalchemy as sa

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import to_local, utcnow
from app.txn import write_transaction

from . import rules
from .constants import JOB_STATUSES, KIND_LABELS
from .issuing import managed_event, managed_row, snapshot
from .models import Certificate, CertificateJob
from .pdf import Page, certificate_document
from .wording import current_seal, seal_data, wording

CHUNK = 100


def certificate_pdf(certificate):
    """The PDF of one certificate, from its snapshot (refused once revoked)."""
    if certificate.revoked_at is not None:
        raise DomainError("certificate_revoked")
    out = io.BytesIO()
    with certificate_document(out, seals=seal_data([certificate.seal_id]),
                              title=certificate.kind_label) as draw:
        draw(Page(certificate.serial, certificate.code, certificate.snapshot))
    return out.getvalue()


def sample_pdf(event, kind):
    """One page with the event's current wording and seal, for an invented 张三."""
    seal = current_seal(event.id)
    first_item = event.items[0].name if event.items else "比赛项目"
    person = rules.Candidate(
        subject="", member_id=0, registration_id=None, name="张三", branch="第一党支部",
        qualifies=True, reason="", hours=event.total_hours, total_hours=event.total_hours,
        award={"item": first_item, "award": "一等奖", "rank": 1, "score": ""})
    facts = snapshot(event, kind, person, wording(event, kind), seal.id if seal else None,
                     to_local(utcnow()).date())
    out = io.BytesIO()
    with certificate_document(out, seals=seal_data([facts["seal_id"]]), title="证书样张") as draw:
        draw(Page("（样张）", "（样张）", facts))
    return out.getvalue()


# ------------------------------------------------------------------ a whole event, streamed

def _selection(event_id, kind):
    where = [Certificate.event_id == event_id, Certificate.revoked_at.is_(None)]
    if kind:
        where.append(Certificate.kind == kind)
    return where


def printable_count(event_id, kind=None):
    return db.session.scalar(sa.select(sa.func.count(Certificate.id)).where(*_selection(event_id, kind)))


def start_print(actor, event_id, kind=None, now=None):
    """A job to print the valid certificates of an event (of one kind, or all)."""
    event = managed_event(actor, event_id)
    total = printable_count(event.id, kind)
    if not total:
        raise DomainError("certificate_none_to_print")
    with write_transaction():
        job = CertificateJob(event_id=event.id, kind=kind, total=total, created_by_id=actor.id,
                             created_at=now or utcnow())
        db.session.add(job)
        record(actor, "certificate.print", event, certificate_kind=kind, count=total)
    return job


def job_of(actor, job_id):
    """The job, if ``actor`` may manage its event."""
    return managed_row(actor, CertificateJob, job_id)


def job_state(job):
    """What the progress page shows: status, pages done of total, percent."""
    percent = int(job.done * 100 / job.total) if job.total else 100
    return {"status": job.status, "label": JOB_STATUSES[job.status], "done": job.done,
            "total": job.total, "percent": percent if job.status != "done" else 100}


def job_filename(job):
    what = KIND_LABELS.get(job.kind, "证书")
    return f"{job.event.title}-{what}.pdf"


def _mark(job_id, **values):
    with write_transaction():
        db.session.execute(sa.update(CertificateJob).where(CertificateJob.id == job_id).values(**values))


class _Pending:
    """A file object that keeps what was written until it is taken (one chunk of pages)."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_job(job_id, chunk=CHUNK):
    """The bytes of the job's PDF, in pieces, counting pages done in the job row."""
    job = db.session.get(CertificateJob, job_id)
    event_id, kind = job.event_id, job.kind
    where = _selection(event_id, kind)
    total = printable_count(event_id, kind)
    _mark(job_id, status="running", done=0, total=total, started_at=utcnow(), finished_at=None)
    seals = seal_data(db.session.scalars(sa.select(Certificate.seal_id).where(*where).distinct()))
    out, done, last_id = _Pending(), 0, 0
    try:
        with certificate_document(out, seals=seals, title=KIND_LABELS.get(kind, "证书")) as draw:
            yield out.take()  # the file's header: the download starts at once
            while True:
                rows = db.session.execute(
                    sa.select(Certificate.id, Certificate.serial, Certificate.code, Certificate.snapshot)
                    .where(*where, Certificate.id > last_id).order_by(Certificate.id).limit(chunk)).all()
                if not rows:
                    break
                for row in rows:
                    draw(Page(row.serial, row.code, row.snapshot))
                done += len(rows)
                last_id = rows[-1].id
                _mark(job_id, done=done)
                yield out.take()
        yield out.take()  # the end of the file: fonts, page tree, cross-reference table
    except BaseException:
        db.session.rollback()
        _mark(job_id, status="failed", finished_at=utcnow())
        raise
    _mark(job_id, status="done", done=done, finished_at=utcnow())
