"""The demo's finished training (app/certificates/demo.py, for `flask seed-demo`)."""
from app.certificates import rules
from app.certificates.demo import seed_finished_training
from app.certificates.models import Certificate

from .conftest import count
from .factories import people


def test_the_demo_training_is_finished_with_completion_certificates_issued(org, factory):
    members = people(factory, org.one, 20)
    event = seed_finished_training(org.organizer, members, people=20)
    found = rules.candidates(event, "completion")
    states = {c.state for c in found}
    assert len(found) == 20 and states == {"issued", "no"}  # all issued who qualify, some do not
    assert count(Certificate) == sum(c.qualifies for c in found) == 16
    assert any(c.hours == 9 and c.qualifies for c in found)  # missed one lesson: 75 %, completes
    assert any("请假 2 场" in c.reason for c in found)
    assert sum(c.qualifies for c in rules.candidates(event, "participation")) == 20  # everyone came once
