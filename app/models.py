"""Imports every feature's models, so Alembic and create_all see the whole schema."""
from app.audit.models import AuditLog  # noqa: F401
from app.auth.models import LoginSession  # noqa: F401
from app.certificates.models import (  # noqa: F401
    Certificate,
    CertificateCounter,
    CertificateJob,
    CertificateSeal,
    CertificateTemplate,
    VerificationDay,
)
from app.checkin.models import Checkin, CheckinSignature, ScannerLink, Ticket, WalkInGuest  # noqa: F401
from app.corrections.models import Correction  # noqa: F401
from app.events.models import Event, EventItem, EventSession  # noqa: F401
from app.org.models import Branch, ImportBatch, Member, Membership  # noqa: F401
from app.registration.models import (  # noqa: F401
    Leave,
    Registration,
    RegistrationItem,
    Team,
    TeamMember,
)
from app.results.models import (  # noqa: F401
    Criterion,
    Entry,
    ItemScoring,
    Judge,
    Mark,
    PlacePoints,
    ScoreSheet,
)
from app.stats.models import HoursTarget  # noqa: F401
