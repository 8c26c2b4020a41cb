"""Award certificates follow published results.

The results feature (app/results, built in parallel) provides
``app.results.service.awards(event_id) -> [AwardRow(item_id, item_name, registration_id,
team_id, member_ids, rank, award_level_label, score_text)]``. Until it is merged these
tests put a stand-in module in its place, holding the rows results would publish: the
worked example of a speech contest and a tug of war:

  演讲  1 王一 一等奖 (92.50)   2 李二 二等奖 (90.00)   3 张三 no award (85.00)
  拔河  1 第一党支部 (孙六, 周七) 一等奖
"""
import sys
import types
from dataclasses import dataclass

import pytest

from app.certificates import issuing, rules, verification
from app.certificates.models import Certificate
from app.errors import DomainError
from app.extensions import db

from .conftest import body_text, count, visible_text
from .event_factories import item_rows, make_finished, signed_up


@dataclass
class AwardRow:
    item_id: int
    item_name: str
    registration_id: int | None
    team_id: int | None
    member_ids: list
    rank: int
    award_level_label: str | None
    score_text: str


@pytest.fixture
def published(monkeypatch):
    """The stand-in for app.results.service: ``published[event_id] = [AwardRow, ...]``."""
    table = {}
    package = types.ModuleType("app.results")
    service = types.ModuleType("app.results.service")
    service.awards = lambda event_id: list(table.get(event_id, []))
    package.service = service
    monkeypatch.setitem(sys.modules, "app.results", package)
    monkeypatch.setitem(sys.modules, "app.results.service", service)
    return table


@pytest.fixture
def contest(org, factory, published):
    event = make_finished(org.organizer, kind="contest", title="学习贯彻党的二十大精神演讲比赛", sessions=1,
                          credit=0, items=item_rows("演讲") + [{"name": "拔河", "is_team": True}])
    speech, tug = event.items
    people = {}
    for name, branch, item in [("王一", org.one, speech), ("李二", org.two, speech), ("张三", org.one, speech),
                               ("孙六", org.one, tug), ("周七", org.one, tug)]:
        member = factory.member(name=name, branch=branch)
        people[name] = (member, signed_up(org.organizer, event, member, [item.id]))

    def row(item, name, rank, level, score):
        member, registration = people[name]
        return AwardRow(item.id, item.name, registration.id, None, [member.id], rank, level, score)

    published[event.id] = [
        row(speech, "王一", 1, "一等奖", "92.50"), row(speech, "李二", 2, "二等奖", "90.00"),
        row(speech, "张三", 3, None, "85.00"),
        AwardRow(tug.id, tug.name, None, 7, [people["孙六"][0].id, people["周七"][0].id], 1, "一等奖", ""),
    ]
    org.event, org.people, org.published = event, people, published
    return org


def test_award_certificates_follow_the_published_levels(contest):
    found = {c.name: c for c in rules.candidates(contest.event, "award")}
    assert {name for name, c in found.items() if c.qualifies} == {"王一", "李二", "孙六", "周七"}
    assert found["王一"].reason == "演讲 第1名 一等奖"
    assert found["张三"].reason == "演讲 第3名，未获奖" and found["张三"].state == "no"
    assert found["孙六"].branch == "第一党支部" and found["孙六"].award["item"] == "拔河"

    issued = issuing.issue(contest.organizer, contest.event.id, "award")
    assert issued.count == 4 and "-HJ-" in issued.first_serial
    wang = db.session.scalar(db.select(Certificate).where(Certificate.member_id == contest.people["王一"][0].id))
    assert wang.snapshot["award"] == "一等奖" and wang.snapshot["item"] == "演讲" and wang.snapshot["rank"] == 1
    assert wang.snapshot["body"] == ("王一 同志：\n在「学习贯彻党的二十大精神演讲比赛」演讲中荣获一等奖。\n"
                                     "特发此证，以资鼓励。")
    assert issuing.issue(contest.organizer, contest.event.id, "award").count == 0


def test_a_changed_result_is_flagged_and_corrected_by_revoking_and_issuing_again(contest):
    issuing.issue(contest.organizer, contest.event.id, "award")
    speech = contest.event.items[0]
    li, li_registration = contest.people["李二"]
    rows = contest.published[contest.event.id]
    rows[1] = AwardRow(speech.id, "演讲", li_registration.id, None, [li.id], 1, "一等奖", "92.50")  # re-scored
    found = {c.name: c for c in rules.candidates(contest.event, "award")}
    assert found["李二"].changed and found["李二"].state == "check"
    assert issuing.issue(contest.organizer, contest.event.id, "award").count == 0  # never silently
    issuing.revoke(contest.organizer, found["李二"].certificate.id, "成绩复核后改为一等奖")
    assert issuing.issue(contest.organizer, contest.event.id, "award").count == 1
    current = db.session.scalar(db.select(Certificate).where(Certificate.member_id == li.id,
                                                             Certificate.revoked_at.is_(None)))
    assert current.snapshot["award"] == "一等奖"


def test_the_verification_page_shows_the_award_level(contest, client):
    issuing.issue(contest.organizer, contest.event.id, "award")
    li = db.session.scalar(db.select(Certificate).where(Certificate.member_id == contest.people["李二"][0].id))
    text = visible_text(body_text(client.get(f"/verify/{li.code}")))
    assert "李*" in text and "获奖证书" in text and "获奖 演讲 二等奖" in text  # an edit to 一等奖 shows
    assert verification.verify(li.code).facts["award"] == "二等奖"


def test_nothing_published_means_no_award_certificates(contest, login):
    contest.published[contest.event.id] = []
    assert rules.candidates(contest.event, "award") == []
    assert issuing.issue(contest.organizer, contest.event.id, "award").count == 0
    page = visible_text(body_text(login(contest.organizer).get(
        f"/manage/events/{contest.event.id}/certificates?kind=award")))
    assert "还没有公布的获奖名单" in page


def test_without_a_results_feature_awards_are_refused_in_words(contest, monkeypatch, login):
    monkeypatch.setitem(sys.modules, "app.results.service", None)  # importing it fails
    with pytest.raises(DomainError) as refused:
        issuing.issue(contest.organizer, contest.event.id, "award")
    assert refused.value.message == "还没有公布比赛成绩，暂时不能发放获奖证书。"
    page = visible_text(body_text(login(contest.organizer).get(
        f"/manage/events/{contest.event.id}/certificates?kind=award")))
    assert "还没有公布比赛成绩" in page
    assert count(Certificate) == 0


def test_a_contest_offers_award_and_participation_not_completion(contest):
    assert rules.offered_kinds(contest.event) == ["award", "participation"]
    with pytest.raises(DomainError) as refused:
        issuing.issue(contest.organizer, contest.event.id, "completion")
    assert refused.value.code == "certificate_kind_unavailable"
    assert refused.value.message == "这个活动不发放结业证书。"
