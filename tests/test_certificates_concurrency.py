"""Serials stay unique when organizers issue at the same instant: twelve threads, each
with its own database connection (as separate processes would have), issue the
certificates of three events at once, twice each, on whichever database the suite uses."""
import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from app.certificates import issuing
from app.certificates.models import Certificate
from app.extensions import db
from app.org.models import Member

from .event_factories import backfill, make_finished, signed_up

pytestmark = pytest.mark.slow


def test_issuing_at_once_gives_each_person_one_certificate_and_every_serial_once(app, org, factory):
    events = []
    for title in ("第一期培训班", "第二期培训班", "第三期培训班"):
        event = make_finished(org.organizer, title=title, sessions=2)
        for n in range(6):
            member = factory.member(name=f"学员{n}", branch=org.one)
            backfill(org.organizer, signed_up(org.organizer, event, member), event.sessions)
        events.append(event.id)
    organizer_id = org.organizer.id
    jobs = [(event_id, kind) for event_id in events for kind in ("completion", "participation")] * 2  # 12
    barrier = threading.Barrier(len(jobs))
    answers, errors = [], []

    def run(event_id, kind):
        with app.app_context():
            try:
                actor = db.session.get(Member, organizer_id)
                barrier.wait()
                answers.append(((event_id, kind), issuing.issue(actor, event_id, kind).count))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors

    issued = Counter()
    for key, number in answers:
        issued[key] += number
    assert set(issued.values()) == {6}  # each (event, kind): 6 once, then 0 the second time

    db.session.rollback()
    rows = db.session.execute(sa.select(Certificate.event_id, Certificate.kind, Certificate.subject,
                                        Certificate.sequence, Certificate.serial, Certificate.code)).all()
    assert len(rows) == 36
    assert len({row.serial for row in rows}) == 36 and len({row.code for row in rows}) == 36
    assert len({(row.event_id, row.kind, row.subject) for row in rows}) == 36
    for event_id in events:
        for kind in ("completion", "participation"):
            assert sorted(row.sequence for row in rows if (row.event_id, row.kind) == (event_id, kind)) \
                == [1, 2, 3, 4, 5, 6]
