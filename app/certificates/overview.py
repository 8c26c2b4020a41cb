"""What an event's certificates page shows, gathered in one call: the kinds offered, why
one cannot be issued now, the preview of who qualifies, names that cannot be printed, the
wording and seal in use, the revoked certificates."""
from dataclasses import dataclass

from app import printing
from app.errors import DomainError
from app.timeutil import utcnow

from . import queries, rules, wording
from .issuing import managed_event


@dataclass
class EventOverview:
    event: object
    kind: str
    kinds: list
    refusal: str | None  # why this kind cannot be issued now (Chinese), or None
    candidates: list
    counts: dict
    unprintable: list
    wording: wording.Wording
    seal: object
    issued_by_kind: dict
    revoked: list

    @property
    def issued(self):
        return self.issued_by_kind.get(self.kind, 0)


def event_overview(actor, event_id, kind=None, now=None):
    """The certificates page of an event, for ``kind`` (default: the usual kind)."""
    event = managed_event(actor, event_id)
    kinds = rules.offered_kinds(event)
    kind = kind if kind in kinds else kinds[0]
    refused = rules.refusal(event, kind, now or utcnow())
    try:
        found = rules.candidates(event, kind)
    except DomainError as error:  # no published results yet
        found, refused = [], refused or error
    return EventOverview(
        event=event, kind=kind, kinds=kinds, refusal=refused.message if refused else None,
        candidates=found, counts=rules.summary(found),
        unprintable=printing.unprintable([event.title, *(c.name for c in found if c.qualifies)]),
        wording=wording.wording(event, kind), seal=wording.current_seal(event.id),
        issued_by_kind=queries.counts_by_kind(event.id),
        revoked=queries.revoked_certificates(event.id, kind))
