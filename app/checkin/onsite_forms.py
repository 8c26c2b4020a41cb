"""Forms of the on-site check-in pages. They parse; the rules live in checkin.service."""
import secrets

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.forms import ChineseForm
from app.org.forms import SearchForm, options
from app.registration.manage_forms import IdListField

from . import signatures


def new_nonce():
    """A one-time value rendered into a form: a double tap or a resent POST carries the
    same nonce, and perform_checkin() answers it once."""
    return secrets.token_urlsafe(12)


def _nonce(value):
    return "".join(ch for ch in (value or "") if ch.isalnum() or ch in "-_")[:40]


class OnceForm(ChineseForm):
    """A form whose one-time nonce makes a resent POST write nothing new: ``setup()`` gives
    a fresh form its nonce, ``clean_nonce()`` reads it back (with the form's ``NONCE_PREFIX``,
    so nonces of different pages never meet)."""

    NONCE_PREFIX = ""
    nonce = HiddenField()

    def setup(self):
        if not self.nonce.data:
            self.nonce.data = new_nonce()
        return self

    def clean_nonce(self):
        value = _nonce(self.nonce.data)
        return f"{self.NONCE_PREFIX}{value}" if value else None


class SignatureFields:
    """A signature drawn on the page's <canvas> (static/js/signature.js): the PNG as a file
    (``signature``), or as a data: URL (``signature_data``) where the browser cannot put
    a file in a form. Parsing only: the image is checked by checkin.signatures."""

    signature = FileField("签名")
    signature_data = HiddenField()

    def has_signature(self):
        upload = self.signature.data
        return bool((upload is not None and getattr(upload, "filename", None))
                    or (self.signature_data.data or "").strip())

    def image_bytes(self):
        """The PNG bytes sent (at most one byte over the limit is read: enough to refuse)."""
        upload = self.signature.data
        if upload is not None and getattr(upload, "filename", None):
            return upload.read(signatures.MAX_BYTES + 1)
        return signatures.from_data_url(self.signature_data.data)


class TicketCheckinForm(SignatureFields, OnceForm):
    """Staff on a ticket's page: which session, entry or exit (the button pressed), and
    for a 签名签到 session the signature drawn on the tablet before 签到."""

    session_id = SelectField("场次", coerce=int, validate_choice=True)
    kind = SelectField("操作", choices=options([("entry", "签到"), ("exit", "签退")]),
                       default="entry")

    def setup(self, sessions, label):
        self.session_id.choices = options((s.id, label(s)) for s in sessions)
        return super().setup()


class BackfillForm(OnceForm):
    """补录 from a paper list: who, why, and (where the session needs it) the check-out too."""

    registration_ids = IdListField("补录人员")
    reason = StringField("补录原因", validators=[Optional(), Length(max=200)],
                         default="根据纸质签到表补录")
    with_exit = BooleanField("同时补录签退（本场要求签退，否则不计学时）", default=True)

    def clean_reason(self):
        return " ".join((self.reason.data or "").split())

    def nonce_for(self, registration_id, kind):
        """One nonce per person and kind: submitting the same page twice writes nothing new."""
        base = _nonce(self.nonce.data)
        return f"bf-{base}-{registration_id}-{kind}" if base else None


class WalkinSearchForm(SearchForm):
    q = StringField("姓名或手机号", validators=[Optional(), Length(max=50)])


class WalkinForm(OnceForm):
    NONCE_PREFIX = "wi-"
    member_id = HiddenField()

    def member_id_value(self):
        try:
            return int(self.member_id.data)
        except (TypeError, ValueError):
            return None


class GuestForm(OnceForm):
    """A guest not on the roster (来宾), checked in as 列席: name and unit, phone optional.
    The service checks the values (and answers at these fields); lengths only here."""

    name = StringField("来宾姓名", validators=[Optional(), Length(max=50)])
    unit = StringField("单位", validators=[Optional(), Length(max=100)])
    phone = StringField("手机号（可不填）", validators=[Optional(), Length(max=20)])
    NONCE_PREFIX = "gu-"


class SignatureForm(SignatureFields, ChineseForm):
    """签名签到 after a check-in (the member's phone, or the organizer's tablet)."""
