"""Award certificates follow the published results, as app/results scores and ranks them.

Two finished events, scored through the results services as on the day:

  学习贯彻党的二十大精神演讲比赛, 主题演讲 (three judges, 内容 60 + 表达 40, awards
  一等奖 1, 二等奖 1, 三等奖 1 by rank):
      王一 95.00 (1st, 一等奖)   李二 90.00 and 张三 90.00 (tied 2nd, both 二等奖)
      赵四 80.00 (4th: no award level is left for rank 4)
  第五届职工运动会 (sports):
      跳绳, decided by places typed in: 孙五 1, 周六 2, 吴七 3 (第一名 … 第三名)
      4×100米接力 (team, times): 第一党支部队 (郑一 … 郑四) 50.10 s 第一名,
      第二党支部队 (冯一 … 冯四) 51.30 s 第二名
"""
import pytest

from app.certificates import issuing, rules, verification
from app.certificates.models import Certificate
from app.errors import DomainError
from app.extensions import db
from app.registration import team_entries
from app.results import judging, marks, publishing, service, setup

from .conftest import body_text, count, visible_text
from .event_factories import item_rows, make_finished, signed_up

CRITERIA = [{"name": "内容", "max_x100": 6000, "weight_x100": 100},
            {"name": "表达", "max_x100": 4000, "weight_x100": 100}]
THREE_LEVELS = [{"label": "一等奖", "first": 1, "last": 1}, {"label": "二等奖", "first": 2, "last": 2},
                {"label": "三等奖", "first": 3, "last": 3}]
PLACES = [{"label": "第一名", "first": 1, "last": 1}, {"label": "第二名", "first": 2, "last": 2},
          {"label": "第三名", "first": 3, "last": 3}]


def sign_up(factory, org, event, item, names, branch):
    out = {}
    for name in names:
        member = factory.member(name=name, branch=branch)
        out[name] = signed_up(org.organizer, event, member, [item.id])
    return out


def score_everyone(judges, entries, scores):
    """Each judge gives each contestant the same (内容, 表达): the average is their sum."""
    for judge in judges:
        ids = [c.id for c in service.scoring_of(judge.item_id).criteria]
        for name, values in scores.items():
            judging.submit_scores(judge.id, entries[name].id,
                                  dict(zip(ids, map(str, values), strict=True)))


def lock_and_publish(organizer, item):
    publishing.lock_results(organizer, item.id)
    publishing.publish_results(organizer, item.id)


@pytest.fixture
def speech(org, factory):
    """The speech contest, scored by three judges and locked, not yet published."""
    event = make_finished(org.organizer, kind="contest", title="学习贯彻党的二十大精神演讲比赛",
                          sessions=1, credit=0, items=item_rows("主题演讲"))
    (talk,) = event.items
    regs = sign_up(factory, org, event, talk, ["王一", "李二", "张三"], org.one)
    regs |= sign_up(factory, org, event, talk, ["赵四"], org.two)
    setup.save_setup(org.organizer, talk.id, method="judged", criteria=CRITERIA,
                     award_mode="ranks", award_levels=THREE_LEVELS)
    setup.sync_entries(org.organizer, talk.id)
    org.entries = {e.registration.member.name: e for e in service.entries_of(talk.id)}
    org.judges = [judging.add_judge(org.organizer, talk.id, name)[0] for name in ("王老师", "李老师", "张老师")]
    score_everyone(org.judges, org.entries,
                   {"王一": (57, 38), "李二": (54, 36), "张三": (55, 35), "赵四": (48, 32)})
    publishing.lock_results(org.organizer, talk.id)
    org.event, org.talk, org.regs = event, talk, regs
    org.member = {name: reg.member for name, reg in regs.items()}
    return org


@pytest.fixture
def meet(org, factory):
    """The sports meet: 跳绳 by places and the relay by times, both published."""
    event = make_finished(org.organizer, kind="sports", title="第五届职工运动会", sessions=1, credit=0,
                          items=item_rows("跳绳") + [{"name": "4×100米接力", "is_team": True,
                                                     "team_min": 4, "team_max": 6}])
    rope, relay = event.items
    sign_up(factory, org, event, rope, ["孙五", "周六", "吴七"], org.one)
    teams = {}
    for branch, family in ((org.one, "郑"), (org.two, "冯")):
        regs = sign_up(factory, org, event, relay, [f"{family}{n}" for n in "一二三四"], branch)
        team_entries.save_team(org.organizer, relay.id, branch.id, f"{branch.name}队",
                               [r.id for r in regs.values()])
        teams[f"{branch.name}队"] = [r.member_id for r in regs.values()]
    setup.save_setup(org.organizer, rope.id, method="place", award_mode="ranks", award_levels=PLACES)
    setup.save_setup(org.organizer, relay.id, method="time", award_mode="ranks", award_levels=PLACES,
                     points_factor=2)
    for item in (rope, relay):
        setup.sync_entries(org.organizer, item.id)
    entries = {e.registration.member.name: e.id for e in service.entries_of(rope.id)}
    marks.save_marks(org.organizer, rope.id, "final", {entries["孙五"]: "1", entries["周六"]: "2",
                                                       entries["吴七"]: "3"})
    entries = {e.team.name: e.id for e in service.entries_of(relay.id)}
    marks.save_marks(org.organizer, relay.id, "final", {entries["第一党支部队"]: "50.10",
                                                        entries["第二党支部队"]: "51.30"})
    for item in (rope, relay):
        lock_and_publish(org.organizer, item)
    org.event, org.rope, org.relay, org.teams = event, rope, relay, teams
    return org


def preview(event):
    return {c.name: c for c in rules.candidates(event, "award")}


def certificate_of(member):
    return db.session.scalar(db.select(Certificate).where(Certificate.member_id == member.id,
                                                          Certificate.revoked_at.is_(None)))


# ------------------------------------------------------------------ published only

def test_locked_but_unpublished_results_give_no_award_candidates(speech, login):
    assert service.awards(speech.event.id) == []
    assert rules.candidates(speech.event, "award") == []
    assert issuing.issue(speech.organizer, speech.event.id, "award").count == 0
    page = visible_text(body_text(login(speech.organizer).get(
        f"/manage/events/{speech.event.id}/certificates?kind=award")))
    assert "还没有公布的获奖名单" in page
    assert count(Certificate) == 0

    publishing.publish_results(speech.organizer, speech.talk.id)
    assert set(preview(speech.event)) == {"王一", "李二", "张三"}
    publishing.unpublish_results(speech.organizer, speech.talk.id)  # withdrawn again: nothing
    assert rules.candidates(speech.event, "award") == []


# ------------------------------------------------------------------ ties, levels, the certificate

def test_tied_contestants_share_a_rank_and_its_award_level(speech):
    publishing.publish_results(speech.organizer, speech.talk.id)
    found = preview(speech.event)
    assert {name: (c.reason, c.state) for name, c in found.items()} == {
        "王一": ("主题演讲 第1名 一等奖", "due"),
        "李二": ("主题演讲 第2名 二等奖", "due"),
        "张三": ("主题演讲 第2名 二等奖", "due"),
    }  # 赵四 is 4th: 三等奖 was for rank 3, which nobody holds after the tie
    assert found["李二"].award == {"item": "主题演讲", "award": "二等奖", "rank": 2, "score": "90.00分"}
    assert "赵四" not in found

    issued = issuing.issue(speech.organizer, speech.event.id, "award")
    assert issued.count == 3 and "-HJ-" in issued.first_serial
    wang = certificate_of(speech.member["王一"])
    assert (wang.snapshot["award"], wang.snapshot["item"], wang.snapshot["rank"]) == ("一等奖", "主题演讲", 1)
    assert wang.snapshot["body"] == ("王一 同志：\n在「学习贯彻党的二十大精神演讲比赛」主题演讲中荣获一等奖。\n"
                                     "特发此证，以资鼓励。")
    assert certificate_of(speech.member["张三"]).snapshot["award"] == "二等奖"
    assert certificate_of(speech.member["赵四"]) is None


def test_issuing_twice_issues_nothing_new(speech):
    publishing.publish_results(speech.organizer, speech.talk.id)
    assert issuing.issue(speech.organizer, speech.event.id, "award").count == 3
    assert issuing.issue(speech.organizer, speech.event.id, "award").count == 0
    assert count(Certificate) == 3
    assert {c.state for c in preview(speech.event).values()} == {"issued"}


def test_the_verification_page_shows_the_award_level(speech, client):
    publishing.publish_results(speech.organizer, speech.talk.id)
    issuing.issue(speech.organizer, speech.event.id, "award")
    li = certificate_of(speech.member["李二"])
    text = visible_text(body_text(client.get(f"/verify/{li.code}")))
    assert "李*" in text and "获奖证书" in text and "获奖 主题演讲 二等奖" in text
    assert verification.verify(li.code).facts["award"] == "二等奖"


# ------------------------------------------------------------------ a result changed later

def test_a_later_result_change_shows_in_the_preview_and_is_corrected_by_revoking(speech, login):
    publishing.publish_results(speech.organizer, speech.talk.id)
    issuing.issue(speech.organizer, speech.event.id, "award")
    # A review finds 张三's scores mistyped: withdrawn, unlocked, re-scored to 97, published again.
    publishing.unpublish_results(speech.organizer, speech.talk.id)
    publishing.unlock_results(speech.organizer, speech.talk.id)
    score_everyone(speech.judges, speech.entries, {"张三": (58, 39)})
    lock_and_publish(speech.organizer, speech.talk)

    found = preview(speech.event)
    assert {name: (c.reason, c.state) for name, c in found.items()} == {
        "张三": ("主题演讲 第1名 一等奖", "check"),  # holds a 二等奖 certificate
        "王一": ("主题演讲 第2名 二等奖", "check"),  # holds a 一等奖 certificate
        "李二": ("主题演讲 第3名 三等奖", "check"),
    }
    page = visible_text(body_text(login(speech.organizer).get(
        f"/manage/events/{speech.event.id}/certificates?kind=award")))
    assert page.count("已发放，需核对") >= 3
    assert issuing.issue(speech.organizer, speech.event.id, "award").count == 0  # never silently

    issuing.revoke(speech.organizer, found["张三"].certificate.id, "成绩复核后改为一等奖")
    assert issuing.issue(speech.organizer, speech.event.id, "award").count == 1
    assert certificate_of(speech.member["张三"]).snapshot["award"] == "一等奖"
    assert preview(speech.event)["张三"].state == "issued"


# ------------------------------------------------------------------ sports: places and teams

def test_places_and_a_relay_award_each_member_of_the_winning_teams(meet):
    found = {(c.name, c.award["item"]): c for c in rules.candidates(meet.event, "award")}
    assert {name: c.reason for (name, item), c in found.items() if item == "跳绳"} == {
        "孙五": "跳绳 第1名 第一名", "周六": "跳绳 第2名 第二名", "吴七": "跳绳 第3名 第三名"}
    relay = {name: c for (name, item), c in found.items() if item == "4×100米接力"}
    assert {name: (c.reason, c.branch) for name, c in relay.items()} == {
        **{f"郑{n}": ("4×100米接力 第1名 第一名", "第一党支部") for n in "一二三四"},
        **{f"冯{n}": ("4×100米接力 第2名 第二名", "第二党支部") for n in "一二三四"},
    }
    assert {c.member_id for c in relay.values()} == set(meet.teams["第一党支部队"] + meet.teams["第二党支部队"])

    assert issuing.issue(meet.organizer, meet.event.id, "award").count == 3 + 8
    first_team = db.session.scalars(db.select(Certificate).where(
        Certificate.item_id == meet.relay.id, Certificate.member_id.in_(meet.teams["第一党支部队"]))).all()
    assert len(first_team) == 4 and {c.snapshot["award"] for c in first_team} == {"第一名"}
    assert {c.snapshot["score"] for c in first_team} == {"50.10秒"}
    assert len({c.serial for c in first_team}) == 4  # one certificate, one serial, each
    assert issuing.issue(meet.organizer, meet.event.id, "award").count == 0


def test_a_contest_offers_award_and_participation_not_completion(speech):
    assert rules.offered_kinds(speech.event) == ["award", "participation"]
    with pytest.raises(DomainError) as refused:
        issuing.issue(speech.organizer, speech.event.id, "completion")
    assert refused.value.code == "certificate_kind_unavailable"
    assert refused.value.message == "这个活动不发放结业证书。"
