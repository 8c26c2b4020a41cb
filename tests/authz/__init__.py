"""The authorization matrix (issue 8, item 15): for every endpoint of ``app.url_map`` and
every method it answers, the HTTP status each kind of visitor gets. tests/test_authz_matrix.py
runs it and fails on an endpoint without an entry.

Each feature keeps its rows in one module here (``tests/authz/<feature>.py``), a dict
``CASES = {endpoint: [Case, ...]}``, listed in FEATURES below. A new route adds its row
to its feature's module (a new feature: a new module, listed below).

A row is the URL (with ``{names}`` of the world below), the method, form data for a POST
(its keys and values may name the world too), and the seven statuses in the order of ROLES:

    "manage.detail": [Case("/manage/events/{event}", "302 403 403 200 200 200 302")],

Every row runs in a world of its own (build_world), visitors in the order of ROLES, so a
POST one visitor is allowed to make is seen by the ones after it. The objects only some
rows need (a contest with a judge link, an issued certificate, a print job ...) are
EXTRAS: built the first time a row names one of their ids, so the other rows do not pay
for them.
"""
import base64
import importlib
import io
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from PIL import Image, ImageDraw

from app.certificates import documents, issuing
from app.certificates.models import Certificate
from app.checkin import service as checkins
from app.events.models import EventSession
from app.extensions import db
from app.org.roster.batches import commit_batch, create_batch
from app.registration import leave_requests, signup
from app.results import judging, marks, service, setup
from app.timeutil import utcnow
from app.txn import write_transaction

from ..event_factories import (
    backfill,
    item_rows,
    make_contest,
    make_event,
    make_finished,
    session_rows,
    signed_up,
)
from ..factories import csv_file, person

ROLES = ("anonymous", "member", "other_secretary", "own_secretary", "organizer", "admin",
         "scanner_link")

FEATURES = ("auth", "api", "org", "roster", "events", "registration", "checkin", "onsite",
            "home", "auditlog", "static", "results", "judge", "certificates", "reports", "ops",
            "stats", "records", "corrections")


@dataclass(frozen=True)
class Case:
    """One request: ``path`` formatted with the world, ``expect`` the statuses in ROLES
    order (one string, space separated)."""

    path: str
    expect: str
    method: str = "GET"
    data: dict = field(default_factory=dict)

    def url(self, world):
        return self.path.format_map(world)

    def form(self, world):
        """The form data of one request: ``{names}`` in its keys and values taken from the
        world, a callable value called (an upload is a new file for each visitor)."""
        return {key.format_map(world): value.format_map(world) if isinstance(value, str)
                else value() if callable(value) else value for key, value in self.data.items()}

    @property
    def statuses(self):
        statuses = tuple(int(status) for status in self.expect.split())
        if len(statuses) != len(ROLES):
            raise ValueError(f"{self.path}: {len(ROLES)} statuses expected, in ROLES order")
        return dict(zip(ROLES, statuses, strict=True))


def post(path, expect, **data):
    return Case(path, expect, "POST", data)


def png(width=300, height=100):
    """A small PNG with a stroke on it (a seal, a signature)."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 80), (150, 20), (290, 70)], fill=(200, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(name="印章.png"):
    """A form value that uploads a new PNG file for each visitor."""
    return lambda: (io.BytesIO(png()), name)


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
    leave (pending); a scanner link for it; a roster upload checked and one committed.
    The ids are a World: the EXTRAS below are added when a row first names one of theirs."""
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
    ids = World(factory, people, {
        "branch": one.id, "member": people.member.id, "event": event.id,
        "session": session.id, "registration": registration.id, "leave": leave.id,
        "link": link.id, "token": token, "ticket": checkins.ticket_for(registration).code,
        "slot": checkins.current_slot_code(session.id)[0], "batch": checked.id,
        "committed": committed.id,
    })
    return people, ids


# ------------------------------------------------------------------ extras, built on demand

EXTRAS = {}  # id name -> the builder that makes it (with its other ids)


def extra(*names):
    """Register a builder ``build(factory, people, world) -> {name: id}`` of ``names``."""
    def register(build):
        for name in names:
            EXTRAS[name] = build
        return build
    return register


class World(dict):
    """The ids of build_world; an id of EXTRAS is built the first time it is asked for."""

    def __init__(self, factory, people, ids):
        super().__init__(ids)
        self.factory, self.people = factory, people

    def __missing__(self, name):
        if name not in EXTRAS:
            raise KeyError(name)
        self.update(EXTRAS[name](self.factory, self.people, self))
        return self[name]


CRITERIA = [{"name": "动作", "max_x100": 6000, "weight_x100": 100},
            {"name": "精神面貌", "max_x100": 4000, "weight_x100": 100}]


@extra("meet", "item", "entry", "judge", "judge_token", "track", "track_entry")
def _sports_meet(factory, people, world):
    """职工运动会 of 第一党支部 (published) with two items, the member the one entry of
    each: 广播操 scored by judges (王老师's link: ``judge_token``), no score yet, and
    100米 timed, its final mark typed."""
    meet = make_contest(people.organizer, title="职工运动会", items=item_rows("广播操", "100米"),
                        publish=True, branch=people.member.branch)
    item, track = meet.items
    signup.register(people.member, meet.id, item_ids=[item.id, track.id])
    setup.save_setup(people.organizer, item.id, method="judged", criteria=CRITERIA)
    setup.save_setup(people.organizer, track.id, method="time")
    for each in (item, track):
        setup.sync_entries(people.organizer, each.id)
    [entry], [track_entry] = service.entries_of(item.id), service.entries_of(track.id)
    marks.save_marks(people.organizer, track.id, "final", {track_entry.id: "12.50"})
    judge, token = judging.add_judge(people.organizer, item.id, "王老师")
    return {"meet": meet.id, "item": item.id, "entry": entry.id, "judge": judge.id,
            "judge_token": token, "track": track.id, "track_entry": track_entry.id}


@extra("finished", "finished_session")
def _finished(factory, people, world):
    """党务知识培训班 of 第一党支部, its one session ended two days ago; the member came."""
    finished = make_finished(people.organizer, sessions=1, branch=people.member.branch)
    backfill(people.organizer, signed_up(people.organizer, finished, people.member),
             finished.sessions)
    return {"finished": finished.id, "finished_session": finished.sessions[0].id}


@extra("certificate", "code", "job")
def _certificate(factory, people, world):
    """The member's participation certificate of the finished training (its verification
    ``code``), and a print ``job`` of it."""
    issuing.issue(people.organizer, world["finished"], "participation")
    certificate = db.session.scalar(db.select(Certificate).where(
        Certificate.event_id == world["finished"]))
    job = documents.start_print(people.organizer, world["finished"], "participation")
    return {"certificate": certificate.id, "code": certificate.code, "job": job.id}


@extra("signing", "signature_png")
def _signing(factory, people, world):
    """The world's session asks for 签名签到 and the member checked in (not signed yet)."""
    session = db.session.get(EventSession, world["session"])
    with write_transaction():
        session.signature_required = True
    result = checkins.perform_checkin(session.id, method="manual", operator=people.organizer,
                                      registration_id=world["registration"])
    assert result.result == "ok", result.message
    return {"signing": session.id,
            "signature_png": "data:image/png;base64," + base64.b64encode(png()).decode()}
