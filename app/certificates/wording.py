"""What a certificate says: the wording per event and kind (title, body with
placeholders, issuer), the seal, and filling in a body for one person.

A body names values as ``{姓名}``, ``{活动名称}``, ``{学时}`` … (constants.PLACEHOLDERS);
each kind allows its own set (KIND_PLACEHOLDERS). ``check_body`` refuses an unknown
placeholder, one of another kind and an unpaired brace, with the Chinese message naming
it; ``fill`` replaces names by values and nothing else (never str.format: a body is text
from an organizer). Without a saved template the defaults of constants.py apply.
"""
import hashlib
import io
import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from app.audit.service import record
from app.errors import DomainError
from app.extensions import db
from app.timeutil import utcnow
from app.txn import write_transaction

from .constants import (
    BODY_MAX,
    DEFAULT_BODIES,
    DEFAULT_TITLES,
    ISSUER_MAX,
    KIND_LABELS,
    KIND_PLACEHOLDERS,
    PLACEHOLDERS,
    SEAL_MAX_BYTES,
    TITLE_MAX,
)
from .models import CertificateSeal, CertificateTemplate

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SEAL_MAX_SIDE = 800


@dataclass(frozen=True)
class Wording:
    title: str
    body: str
    issuer: str
    saved: bool  # False: the defaults


def default_issuer(event):
    return event.organizer_branch.name


def wording(event, kind):
    """The title, body and issuer ``kind`` certificates of ``event`` are printed with."""
    row = db.session.scalar(db.select(CertificateTemplate).filter_by(event_id=event.id, kind=kind))
    if row is None:
        return Wording(DEFAULT_TITLES[kind], DEFAULT_BODIES[kind], default_issuer(event), False)
    return Wording(row.title, row.body, row.issuer, True)


def check_body(body, kind):
    """Refuse a body with an unknown placeholder, one of another kind, or a lone brace."""
    allowed = KIND_PLACEHOLDERS[kind]
    for match in _PLACEHOLDER.finditer(body):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            raise DomainError("certificate_unknown_placeholder", field="body", name=name,
                              allowed="、".join(f"{{{n}}}" for n in allowed))
        if name not in allowed:
            kinds = "、".join(KIND_LABELS[k] for k, names in KIND_PLACEHOLDERS.items() if name in names)
            raise DomainError("certificate_placeholder_wrong_kind", field="body", name=name,
                              kinds=kinds, kind=KIND_LABELS[kind])
    rest = _PLACEHOLDER.sub("", body)
    for brace in "{}":
        if brace in rest:
            raise DomainError("certificate_unpaired_brace", field="body", brace=brace)


def fill(body, values):
    """``body`` with each ``{name}`` replaced by ``values[name]`` (checked bodies only)."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1).strip(), "")), body)


def _clean(data, kind):
    title = (data.get("title") or "").strip()
    issuer = (data.get("issuer") or "").strip()
    body = (data.get("body") or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError("certificate_title_invalid", field="title", max=TITLE_MAX)
    if not issuer or len(issuer) > ISSUER_MAX:
        raise DomainError("certificate_issuer_invalid", field="issuer", max=ISSUER_MAX)
    if not body:
        raise DomainError("certificate_body_required", field="body")
    if len(body) > BODY_MAX:
        raise DomainError("certificate_body_too_long", field="body", max=BODY_MAX, count=len(body))
    check_body(body, kind)
    return {"title": title, "issuer": issuer, "body": body}


def save_wording(actor, event, kind, data, now=None):
    """Save the organizer's wording of ``kind`` certificates of ``event``; certificates
    already issued keep what they were printed with."""
    clean = _clean(data, kind)
    values = {**clean, "updated_by_id": actor.id, "updated_at": now or utcnow()}
    with write_transaction():
        row = db.session.scalar(db.select(CertificateTemplate).filter_by(event_id=event.id, kind=kind))
        if row is None:
            row = CertificateTemplate(event_id=event.id, kind=kind, **values)
            db.session.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        record(actor, "certificate.template", event, certificate_kind=kind,
               certificate_title=row.title, issuer=row.issuer)
    return row


# ------------------------------------------------------------------ the seal

def current_seal(event_id):
    """The seal new certificates of the event get: the newest one not removed, or None."""
    return db.session.scalar(
        db.select(CertificateSeal).where(CertificateSeal.event_id == event_id,
                                         CertificateSeal.removed_at.is_(None))
        .order_by(CertificateSeal.id.desc()).limit(1))


def read_seal(data):
    """(PNG bytes to keep, (width, height)) of an uploaded PNG ``data``, reduced to
    SEAL_MAX_SIDE pixels at most; refuse anything else and anything too large."""
    if not data:
        raise DomainError("certificate_seal_required", field="seal")
    if len(data) > SEAL_MAX_BYTES:
        raise DomainError("certificate_seal_too_large", field="seal",
                          max=SEAL_MAX_BYTES // (1024 * 1024), size=f"{len(data) / 1024 / 1024:.1f}")
    if not data.startswith(_PNG_SIGNATURE):
        raise DomainError("certificate_seal_not_png", field="seal")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise DomainError("certificate_seal_not_png", field="seal")
            image.load()  # a truncated or corrupt PNG fails here, not when printing
            if max(image.size) <= SEAL_MAX_SIDE:
                return data, image.size
            # A seal prints about 40 mm wide: 800 px is 500 dpi. A larger image only makes
            # every page slower to print, so it is stored reduced.
            image = image.convert("RGBA")
            image.thumbnail((SEAL_MAX_SIDE, SEAL_MAX_SIDE), Image.LANCZOS)
            out = io.BytesIO()
            image.save(out, "PNG", optimize=True)
            return out.getvalue(), image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError("certificate_seal_not_png", field="seal") from None


def upload_seal(actor, event, data, now=None):
    """Make PNG ``data`` the seal of the event's certificates issued from now on."""
    data, (width, height) = read_seal(data)
    with write_transaction():
        seal = CertificateSeal(event_id=event.id, data=data, sha256=hashlib.sha256(data).hexdigest(),
                               width=width, height=height, uploaded_by_id=actor.id,
                               uploaded_at=now or utcnow())
        db.session.add(seal)
        record(actor, "certificate.seal", event)
    return seal


def remove_seal(actor, event, now=None):
    """No seal on certificates issued from now on (the row stays for those that have it)."""
    with write_transaction():
        seal = current_seal(event.id)
        if seal is None:
            return
        seal.removed_at = now or utcnow()
        record(actor, "certificate.seal_remove", event)


def seal_data(seal_ids):
    """{seal_id: PNG bytes} for the seals of the certificates about to be printed."""
    ids = [i for i in set(seal_ids) if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(
        db.select(CertificateSeal.id, CertificateSeal.data).where(CertificateSeal.id.in_(ids))).all())
