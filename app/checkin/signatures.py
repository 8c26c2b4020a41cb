"""签名签到: the signature a member draws at check-in, kept with the successful entry row.

A session with ``signature_required`` asks each person to sign with a finger on a
``<canvas>`` (static/js/signature.js): on the organizer's tablet in the ticket page's
check-in form (the check-in and the signature are one write, see check_in_signed()), or
on the member's own phone after the self check-in (sign()). The browser sends a PNG; what
is stored is smaller: the ink cropped, flattened on white, grey, at most STORED_SIZE
pixels (a few KB), so that a 签到表 with a signature in each of 2,000 rows still builds
quickly. The 签到表 printed after the session carries each signature and its time.

Refusals (DomainError codes, at the field ``signature``): signature_empty (nothing was
drawn), signature_too_large (over MAX_BYTES or MAX_PIXELS), signature_not_png (not a PNG
or unreadable), signature_not_required (the session does not ask for one),
signature_not_checked_in (no successful entry to sign), signature_exists (already signed:
the first signature stands). Nothing is written on any refusal.
"""
import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

from app.audit.service import record
from app.errors import DomainError
from app.events.models import EventSession
from app.events.service import can_manage
from app.extensions import db
from app.org.models import Branch
from app.registration.models import Registration
from app.txn import lock, write_transaction

from . import attendance
from .models import Checkin, CheckinSignature
from .service import perform_checkin

MAX_BYTES = 1024 * 1024  # a drawn signature is 10–60 KB; 1 MB leaves room for a big tablet
MAX_PIXELS = 4000 * 2000
# The largest stored image: the 签名 cell of the 签到表 is about 45 x 8 mm of ink, 350 x 65
# pixels at the 200 dpi printing draws images at; more would only cost decoding time.
STORED_SIZE = (360, 120)
INK = 200  # grey levels darker than this are ink (0 black, 255 white)
MARGIN = 6  # pixels kept around the ink
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"


# ------------------------------------------------------------------ the image

def from_data_url(text):
    """The bytes of a ``data:image/png;base64,...`` URL (what canvas.toDataURL() gives);
    raises signature_empty / signature_not_png / signature_too_large."""
    text = (text or "").strip()
    if not text:
        raise DomainError("signature_empty", field="signature")
    if not text.startswith(DATA_URL_PREFIX):
        raise DomainError("signature_not_png", field="signature")
    payload = text[len(DATA_URL_PREFIX):]
    if len(payload) > MAX_BYTES * 4 // 3 + 4:
        raise DomainError("signature_too_large", field="signature", limit=_limit())
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("signature_not_png", field="signature") from None


def _limit():
    return f"{MAX_BYTES // 1024} KB"


def clean_signature(data):
    """Check a signature PNG and return what is stored: (png bytes, width, height).

    Raises signature_empty, signature_too_large or signature_not_png (field "signature")."""
    if not data:
        raise DomainError("signature_empty", field="signature")
    if len(data) > MAX_BYTES:
        raise DomainError("signature_too_large", field="signature", limit=_limit())
    if not data.startswith(PNG_MAGIC):
        raise DomainError("signature_not_png", field="signature")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format != "PNG":
            raise DomainError("signature_not_png", field="signature")
        if image.width * image.height > MAX_PIXELS:
            raise DomainError("signature_too_large", field="signature", limit=_limit())
        image.load()
        grey = _on_white(image)
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        raise DomainError("signature_not_png", field="signature") from None
    ink = grey.point(lambda level: 255 if level < INK else 0).getbbox()
    if ink is None:
        raise DomainError("signature_empty", field="signature")
    left, top, right, bottom = ink
    grey = grey.crop((max(0, left - MARGIN), max(0, top - MARGIN),
                      min(grey.width, right + MARGIN), min(grey.height, bottom + MARGIN)))
    grey.thumbnail(STORED_SIZE, Image.LANCZOS)
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return out.getvalue(), grey.width, grey.height


def _on_white(image):
    """The image in grey levels, transparent parts white (a canvas is transparent)."""
    if image.mode in ("P", "PA", "LA", "RGBA", "I;16"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
        flat.alpha_composite(image)
        image = flat
    return image.convert("L")


# ------------------------------------------------------------------ who and when

def may_sign(actor, registration, event):
    """The member themself, or staff who manage the event (the organizer's tablet)."""
    return actor is not None and getattr(actor, "is_authenticated", True) and (
        actor.id == registration.member_id or can_manage(actor, event))


def new_signature(cleaned, actor=None, device="", now=None):
    """An unsaved CheckinSignature of a clean_signature() result; the writer that keeps it
    sets its check-in row (perform_checkin's ``signature=``, or sign())."""
    image, width, height = cleaned
    row = CheckinSignature(image=image, width=width, height=height,
                           recorded_by_id=getattr(actor, "id", None), device=(device or "")[:120])
    if now is not None:
        row.signed_at = now
    return row


def sign(actor, session_id, registration_id, data, *, device="", now=None):
    """Keep ``data`` (PNG bytes) as the signature of the registration's first successful
    entry in the session (the member after a self check-in, or staff for them). Returns
    the CheckinSignature."""
    return _sign(actor, session_id, registration_id, clean_signature(data), device, now)


def _sign(actor, session_id, registration_id, cleaned, device="", now=None):
    with write_transaction(conflict="signature_exists"):
        session = db.session.get(EventSession, session_id)
        registration = db.session.get(Registration, registration_id)
        if session is None or registration is None or registration.event_id != session.event_id:
            raise DomainError("not_found")
        if not may_sign(actor, registration, session.event):
            raise DomainError("forbidden", http_status=403)
        if not session.signature_required:
            raise DomainError("signature_not_required", field="signature")
        lock(Registration, registration.id)
        entry = attendance.first_checkin(session.id, "entry", registration.id)
        if entry is None:
            raise DomainError("signature_not_checked_in", field="signature")
        if signature_of(entry.id) is not None:
            raise DomainError("signature_exists", field="signature")
        row = new_signature(cleaned, actor, device, now)
        row.checkin_id = entry.id
        db.session.add(row)
        db.session.flush()
        record(actor, "checkin.signature", entry, session_id=session.id,
               registration_id=registration.id)
    return row


def check_in_signed(session_id, data, **checkin):
    """A check-in at the organizer's tablet with the signature drawn before tapping 签到:
    perform_checkin() keeps both in one write. Someone already checked in who has not
    signed yet gets the signature added to their first entry; any other answer stands
    unsigned. ``data`` None or empty: a plain check-in. Returns perform_checkin's answer."""
    if not data:
        return perform_checkin(session_id, **checkin)
    cleaned = clean_signature(data)  # a bad image is refused before the check-in
    operator, device = checkin.get("operator"), checkin.get("device", "")
    answer = perform_checkin(session_id, signature=new_signature(cleaned, operator, device),
                             **checkin)
    if (answer.code == "already_checked_in" and answer.registration_id is not None
            and not signed(session_id, answer.registration_id)):
        _sign(operator, session_id, answer.registration_id, cleaned, device)
    return answer


# ------------------------------------------------------------------ reading

def signature_of(checkin_id):
    return db.session.scalar(db.select(CheckinSignature).filter_by(checkin_id=checkin_id))


def signed(session_id, registration_id):
    """Whether the registration's first entry in the session carries a signature."""
    entry = attendance.first_checkin(session_id, "entry", registration_id)
    return entry is not None and signature_of(entry.id) is not None


def images(session_id, registration_ids=None):
    """{registration_id: (png bytes, signed_at)} of the signatures kept in a session, in
    one query, for the 签到表 (a signature is only ever kept with a first entry)."""
    query = (db.select(Checkin.registration_id, CheckinSignature.image, CheckinSignature.signed_at)
             .join(CheckinSignature, CheckinSignature.checkin_id == Checkin.id)
             .where(Checkin.session_id == session_id))
    if registration_ids is not None:
        query = query.where(Checkin.registration_id.in_(registration_ids))
    return {registration_id: (image, at) for registration_id, image, at in db.session.execute(query)}


def signed_count(session_id, scope=None):
    """How many signatures a session keeps (of registrations in ``scope``'s subtree)."""
    query = (db.select(db.func.count(CheckinSignature.id))
             .join(Checkin, Checkin.id == CheckinSignature.checkin_id)
             .where(Checkin.session_id == session_id))
    if scope is not None:
        query = (query.join(Registration, Registration.id == Checkin.registration_id)
                 .join(Branch, Branch.id == Registration.branch_id).where(scope.subtree_filter()))
    return db.session.scalar(query)
