"""The authorization matrix (issue 8, item 15): for every endpoint of ``app.url_map`` and
every method it answers, the HTTP status each kind of visitor gets. tests/test_authz_matrix.py
runs it and fails on an endpoint without an entry.

Each feature keeps its rows in one module here (``tests/authz/<feature>.py``), a dict
``CASES = {endpoint: [Case, ...]}``, listed in FEATURES below. A new route adds its row
to its feature's module (a new feature: a new module, listed below).

A row is the URL (with ``{names}`` of the world below), the method, form data for a POST,
and the seven statuses in the order of ROLES:

    "manage.detail": [Case("/manage/events/{event}", "302 403 403 200 200 200 302")],

Every row runs in a world of its own (build_world), visitors in the order of ROLES, so a
POST one visitor is allowed to make is seen by the ones after it.
"""
import importlib
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from app.checkin import service as checkins
from app.org.roster.batches import commit_batch, create_batch
from app.registration import leave_requests, signup
from app.timeutil import utcnow

from ..event_factories import make_event, session_rows
from ..factories import csv_file, person

ROLES = ("anonymous", "member", "other_secretary", "own_secretary", "organizer", "admin",
         "scanner_link")

FEATURES = ("auth", "api", "org", "roster", "events", "registration", "checkin", "onsite",
            "home", "auditlog", "static", "stats", "records", "corrections")


@dataclass(frozen=True)
class Case:
    """One request: ``path`` formatted with the world, ``expect`` the statuses in ROLES
    order (one string, space separated)."""

    path: str
    expect: str
    method: str = "GET"
    data: dict = field(default_factory=dict)

    @property
    def statuses(self):
        statuses = tuple(int(status) for status in self.expect.split())
        if len(statuses) != len(ROLES):
            raise ValueError(f"{self.path}: {len(ROLES)} statuses expected, in ROLES order")
        return dict(zip(ROLES, statuses, strict=True))


def post(path, expect, **data):
    return Case(path, expect, "POST", data)


def all_cases():
    """{endpoint: [Case]} of every feature module (an endpoint in two modules is an error)."""
    cases = {}
    for name in FEATURES:
        module = importlib.import_module(f"{__name__}.{name}")
        for endpoint, rows in module.CASES.items():
            if endpoint in cases:
                raise ValueError(f"{endpoint} has rows in two modules of tests/authz/")
            cases[endpoint] = rows
    return cases


def build_world(factory):
    """The organisation every row runs in, and its ids for the URLs.

    机关党委 (organizer, admin) > 第一党支部 (own_secretary, member) and 第二党支部
    (other_secretary). The event is organised by 第一党支部, published, walk-ins allowed,
    its one session open for check-in now; the member registered (a ticket) and asked for
    leave (pending); a scanner link for it; a roster upload checked and one committed."""
    committee = factory.branch(name="机关党委", kind="committee")
    one = factory.branch(name="第一党支部", parent=committee)
    two = factory.branch(name="第二党支部", parent=committee)
    people = SimpleNamespace(
        organizer=factory.member(name="组织者", branch=committee, role="organizer"),
        admin=factory.member(name="管理员", branch=committee, role="admin"),
        own_secretary=factory.member(name="一支书记", branch=one, role="secretary"),
        other_secretary=factory.member(name="二支书记", branch=two, role="secretary"),
        member=factory.member(name="王秀英", branch=one),
    )
    start = (utcnow() + timedelta(minutes=30)).replace(microsecond=0)
    event = make_event(people.organizer, sessions=session_rows(1, start=start), publish=True,
                       title="支部学习", branch=one, walk_in=True)
    session = event.sessions[0]
    registration = signup.register(people.member, event.id)
    [leave] = leave_requests.request_leave(people.member, registration.id, session.id, "出差")
    link, token = checkins.create_scanner_link(people.organizer, event, "东门志愿者")
    checked = create_batch(people.admin, csv_file([person("张三", "13811110001", "第一党支部")]),
                           "花名册.csv")
    committed = create_batch(people.admin, csv_file([person("李四", "13811110002", "第二党支部")]),
                             "花名册.csv")
    commit_batch(people.admin, committed.id)
    ids = {
        "branch": one.id, "member": people.member.id, "event": event.id,
        "session": session.id, "registration": registration.id, "leave": leave.id,
        "link": link.id, "token": token, "ticket": checkins.ticket_for(registration).code,
        "slot": checkins.current_slot_code(session.id)[0], "batch": checked.id,
        "committed": committed.id,
    }
    return people, ids
