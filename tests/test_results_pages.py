"""The results pages over HTTP: the organizer sets an item up, makes judges' links,
types marks and publishes; judges score on their phones without an account (and two
judges of one item never share a phone); members see published results only. Bad input
is answered in Chinese at its field or row, never with a 500."""
import re

import pytest

from app.extensions import db
from app.results import judging, marks, publishing, service, setup
from app.results.models import ItemScoring, Judge, Mark, ScoreSheet

from .conftest import audit_entries, body_text, client_for, count, visible_text
from .event_factories import entrants, item_rows, make_contest

CRITERIA = [{"name": "内容", "max_x100": 6000, "weight_x100": 100},
            {"name": "表达", "max_x100": 4000, "weight_x100": 100}]


def text(response):
    return visible_text(body_text(response))


@pytest.fixture
def contest(org, factory):
    """「演讲比赛」: 主题演讲 (judged: 内容 60, 表达 40) with 张一, 王二 (第一党支部) and 赵四
    (第二党支部) as entries; 诗词诵读 with no rule yet."""
    org.event = make_contest(org.organizer, kind="contest", title="演讲比赛",
                             items=item_rows("主题演讲", "诗词诵读"), publish=True)
    org.talk, org.poem = org.event.items
    entrants(factory, org.organizer, org.event, org.talk, ["张一", "王二"], org.one)
    entrants(factory, org.organizer, org.event, org.talk, ["赵四"], org.two)
    setup.save_setup(org.organizer, org.talk.id, method="judged", criteria=CRITERIA,
                     award_levels=[{"label": "一等奖", "count": 1}, {"label": "二等奖", "count": 2}])
    setup.sync_entries(org.organizer, org.talk.id)
    org.entries = {e.registration.member.name: e for e in service.entries_of(org.talk.id)}
    return org


@pytest.fixture
def organizer(app, contest):
    return client_for(app, contest.organizer)


def judge_link(contest, name="王老师", item=None):
    judge, token = judging.add_judge(contest.organizer, (item or contest.talk).id, name)
    return judge, f"/j/{token}"


def criteria_ids(contest):
    return [c.id for c in service.scoring_of(contest.talk.id).criteria]


# ------------------------------------------------------------------ the organizer's pages

def test_the_staff_event_page_links_to_results_and_the_results_page_lists_items(organizer, contest):
    detail = organizer.get(f"/manage/events/{contest.event.id}")
    assert f'href="/results/events/{contest.event.id}"' in body_text(detail)
    page = organizer.get(f"/results/events/{contest.event.id}")
    assert page.status_code == 200
    words = text(page)
    assert "主题演讲 个人 评分中" in words and "评委打分 · 参赛 3 人" in words
    assert "诗词诵读 个人 未设置" in words and "设置评分规则" in words


def test_the_setup_form_puts_a_wrong_value_at_its_row_and_saves_a_right_one(organizer, contest):
    form = {"method": "judged", "drop_extremes": "y", "award_mode": "count",
            "criteria-0-name": "内容", "criteria-0-max": "四十", "criteria-0-weight": "",
            "criteria-1-name": "表达", "criteria-1-max": "30", "criteria-1-weight": "1.5",
            "awards-0-label": "一等奖", "awards-0-span": "1",
            "awards-1-label": "优秀奖", "awards-1-span": "", "points_factor": "1"}
    refused = organizer.post(f"/results/items/{contest.poem.id}/setup", data=form)
    assert refused.status_code == 400
    assert "「内容」的满分请填写大于 0、不超过 1000 的数字" in text(refused)
    assert service.scoring_of(contest.poem.id) is None  # nothing written
    saved = organizer.post(f"/results/items/{contest.poem.id}/setup",
                           data={**form, "criteria-0-max": "４０"})  # full-width digits
    assert saved.status_code == 302
    scoring = service.scoring_of(contest.poem.id)
    assert [(c.name, c.max_x100, c.weight_x100) for c in scoring.criteria] == [
        ("内容", 4000, 100), ("表达", 3000, 150)]
    assert scoring.award_levels == [{"label": "一等奖", "count": 1}, {"label": "优秀奖", "count": None}]
    again = organizer.get(f"/results/items/{contest.poem.id}/setup")
    assert 'value="1.5"' in body_text(again) and 'value="40"' in body_text(again)


def test_judge_links_are_shown_once_and_only_their_hash_is_stored(organizer, contest):
    added = organizer.post(f"/results/items/{contest.talk.id}/judges",
                           data={"name": "王老师", "hours": "12"})
    assert added.status_code == 302
    page = body_text(organizer.get(added.headers["Location"]))
    url = re.search(r'value="(http://testserver/j/[^"]+)"', page).group(1)
    assert "<svg" in page and "1号评委「王老师」的二维码" in visible_text(page)
    token = url.rsplit("/", 1)[1]
    judge = db.session.scalar(db.select(Judge))
    assert token not in judge.token_hash and len(judge.token_hash) == 64
    assert url not in body_text(organizer.get(f"/results/items/{contest.talk.id}/judges"))
    bad = organizer.post(f"/results/items/{contest.talk.id}/judges", data={"name": "", "hours": "99"})
    assert bad.status_code == 400
    assert "请填写评委姓名" in text(bad) and "有效时长请填 1 到 72 之间的整数" in text(bad)
    (entry,) = audit_entries("judge.create")
    assert entry.details["name"] == "王老师"


def test_staff_pages_check_role_and_scope(app, contest, factory):
    secretary = factory.member("二支书记", branch=contest.two, role="secretary")
    member = factory.member("党员", branch=contest.one)
    urls = [f"/results/events/{contest.event.id}", f"/results/items/{contest.talk.id}",
            f"/results/items/{contest.talk.id}/setup", f"/results/items/{contest.talk.id}/judges",
            f"/results/items/{contest.talk.id}/board", f"/results/items/{contest.talk.id}/live"]
    anonymous = app.test_client()
    for url in urls:
        assert anonymous.get(url).status_code == 302, url
        assert client_for(app, member).get(url).status_code == 403, url
        assert client_for(app, secretary).get(url).status_code == 403, url
        assert client_for(app, contest.organizer).get(url).status_code == 200, url
    posted = client_for(app, secretary).post(f"/results/items/{contest.talk.id}/lock")
    assert posted.status_code == 403
    assert client_for(app, contest.organizer).get("/results/items/2147483648").status_code == 404


def test_marks_are_typed_per_row_and_a_wrong_row_saves_nothing(app, org, factory):
    event = make_contest(org.organizer, title="运动会", items=item_rows("100米"), publish=True)
    (run,) = event.items
    entrants(factory, org.organizer, event, run, ["甲", "乙"], org.one)
    setup.save_setup(org.organizer, run.id, method="time", award_mode="ranks",
                     award_levels=[{"label": "第一名", "first": 1, "last": 1}])
    setup.sync_entries(org.organizer, run.id)
    a, b = service.entries_of(run.id)
    staff = client_for(app, org.organizer)
    refused = staff.post(f"/results/items/{run.id}/marks",
                         data={"round": "final", f"mark-{a.id}": "12.5", f"mark-{b.id}": "12秒5"})
    assert refused.status_code == 400
    words = text(refused)
    assert "有 1 行成绩需要修改，本次没有保存任何成绩" in words
    assert "用时请写成 12.34（秒）或 1:02.35（分:秒）" in words
    assert 'value="12秒5"' in body_text(refused)  # what was typed stays in its row
    assert count(Mark) == 0
    saved = staff.post(f"/results/items/{run.id}/marks",
                       data={"round": "final", f"mark-{a.id}": "12.5", f"mark-{b.id}": "1:01.00"})
    assert saved.status_code == 302
    page = text(staff.get(saved.headers["Location"]))
    assert "1 甲 第一党支部 12.50秒 第一名" in page and "2 乙 第一党支部 1分01.00秒" in page
    stranger = staff.post(f"/results/items/{run.id}/marks", data={"round": "final", "mark-999": "1"})
    assert stranger.status_code == 400 and "不在「100米」的参赛名单中" in text(stranger)


# ------------------------------------------------------------------ the judge's phone

def test_a_judge_scores_in_running_order_on_a_phone_without_an_account(app, contest):
    judge, link = judge_link(contest)
    phone = app.test_client()
    opened = phone.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == f"/judge/{judge.id}"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    listing = phone.get(f"/judge/{judge.id}")
    assert listing.status_code == 200
    assert "1号评委 王老师" in text(listing) and "已评 0 / 3" in text(listing)
    assert "1号 张一" in text(listing) and "第一党支部" in text(listing)
    content, expression = criteria_ids(contest)
    first = contest.entries["张一"]
    wrong = phone.post(f"/judge/{judge.id}/entries/{first.id}",
                       data={f"c-{content}": "61", f"c-{expression}": "-2"})
    assert wrong.status_code == 400
    assert "「内容」的得分不能超过满分 60 分" in text(wrong)
    assert "「表达」的得分请填写 0 到满分之间的数字" in text(wrong)
    assert count(ScoreSheet) == 0
    saved = phone.post(f"/judge/{judge.id}/entries/{first.id}",
                       data={f"c-{content}": "52.5", f"c-{expression}": "36"})
    # on to the next contestant in running order
    assert saved.headers["Location"] == f"/judge/{judge.id}/entries/{contest.entries['王二'].id}"
    assert "1号：已保存，总分 88.50" in text(phone.get(saved.headers["Location"]))
    assert "已评 1 / 3" in text(phone.get(f"/judge/{judge.id}"))


def test_blind_mode_shows_judges_numbers_instead_of_names(app, contest):
    setup.save_setup(contest.organizer, contest.talk.id, method="judged", criteria=CRITERIA,
                     blind=True, award_levels=[{"label": "一等奖", "count": 1}])
    judge, link = judge_link(contest)
    phone = app.test_client()
    phone.get(link)
    words = text(phone.get(f"/judge/{judge.id}"))
    assert "1号选手" in words and "3号选手" in words
    assert "张一" not in words and "第一党支部" not in words
    form = text(phone.get(f"/judge/{judge.id}/entries/{contest.entries['赵四'].id}"))
    assert "3号选手" in form and "赵四" not in form


def test_two_judges_of_one_item_cannot_share_a_phone(app, contest):
    first, first_link = judge_link(contest, "王老师")
    second, second_link = judge_link(contest, "李老师")
    phone = app.test_client()
    phone.get(first_link)
    refused = phone.get(second_link)
    assert refused.status_code == 409
    assert "这台手机已经是本项目1号评委「王老师」的评分手机" in text(refused)
    # the second judge's pages are not this phone's either
    assert phone.get(f"/judge/{second.id}").status_code == 403
    assert "请用组织者发给您的评委链接打开评分页面" in text(phone.get(f"/judge/{second.id}"))
    # on the second judge's own phone it works; the first phone still scores as the first judge
    other = app.test_client()
    assert other.get(second_link).headers["Location"] == f"/judge/{second.id}"
    assert phone.get(f"/judge/{first.id}").status_code == 200
    # handing the phone over: leave the first judge, then the second link opens
    phone.post(f"/judge/{first.id}/forget")
    assert phone.get(f"/judge/{first.id}").status_code == 403
    assert phone.get(second_link).headers["Location"] == f"/judge/{second.id}"


def test_one_phone_may_judge_two_items(app, contest):
    setup.save_setup(contest.organizer, contest.poem.id, method="judged", criteria=CRITERIA[:1],
                     award_levels=[{"label": "一等奖", "count": 1}])
    talk_judge, talk_link = judge_link(contest)
    poem_judge, poem_link = judge_link(contest, item=contest.poem)
    phone = app.test_client()
    phone.get(talk_link)
    phone.get(poem_link)
    assert phone.get(f"/judge/{talk_judge.id}").status_code == 200
    assert phone.get(f"/judge/{poem_judge.id}").status_code == 200
    home = text(phone.get("/judge"))
    assert "演讲比赛 · 主题演讲" in home and "演讲比赛 · 诗词诵读" in home
    # a contestant of the other item, asked for through this judge's pages
    other_item = phone.get(f"/judge/{poem_judge.id}/entries/{contest.entries['张一'].id}")
    assert other_item.status_code == 403
    assert "这个评委链接只能为「诗词诵读」打分" in text(other_item)


def test_a_revoked_or_unknown_link_stops_at_once(app, contest):
    judge, link = judge_link(contest)
    phone = app.test_client()
    phone.get(link)
    judging.revoke_judge_link(contest.organizer, contest.talk.id, judge.id)
    stopped = phone.get(f"/judge/{judge.id}")
    assert stopped.status_code == 403 and "评委链接已失效或已撤销" in text(stopped)
    assert phone.get(link).status_code == 403
    assert app.test_client().get("/j/not-a-token").status_code == 403
    content, expression = criteria_ids(contest)
    posted = phone.post(f"/judge/{judge.id}/entries/{contest.entries['张一'].id}",
                        data={f"c-{content}": "50", f"c-{expression}": "30"})
    assert posted.status_code == 403 and count(ScoreSheet) == 0


def test_a_locked_item_shows_the_judge_it_is_locked_and_refuses_a_change(app, contest):
    judge, link = judge_link(contest)
    phone = app.test_client()
    phone.get(link)
    content, expression = criteria_ids(contest)
    entry = contest.entries["张一"]
    phone.post(f"/judge/{judge.id}/entries/{entry.id}", data={f"c-{content}": "50", f"c-{expression}": "30"})
    publishing.lock_results(contest.organizer, contest.talk.id)
    page = phone.get(f"/judge/{judge.id}/entries/{entry.id}")
    assert "组织者已锁定本项目的成绩，评分不能再修改" in text(page) and "<input id=\"c-" not in body_text(page)
    changed = phone.post(f"/judge/{judge.id}/entries/{entry.id}",
                         data={f"c-{content}": "60", f"c-{expression}": "40"})
    assert changed.status_code == 409
    assert db.session.scalar(db.select(ScoreSheet.total_x10000)) == 800000


# ------------------------------------------------------------------ live page, board, members

def test_the_live_part_shows_who_scored_whom_and_the_ranking(app, organizer, contest):
    one, _ = judge_link(contest, "王老师")
    two, _ = judge_link(contest, "李老师")
    content, expression = criteria_ids(contest)
    judging.submit_scores(one.id, contest.entries["赵四"].id, {content: "55", expression: "35"})
    judging.submit_scores(two.id, contest.entries["赵四"].id, {content: "50", expression: "34"})
    judging.submit_scores(one.id, contest.entries["张一"].id, {content: "40", expression: "30"})
    live = organizer.get(f"/results/items/{contest.talk.id}/live")
    assert live.headers["Cache-Control"] == "no-store"
    words = text(live)
    assert "还差 3 个评分" in words  # 2 judges × 3 entries − 3 given
    # 赵四: (90 + 84) / 2 = 87.00, first; 张一: 70.00 from one judge; 王二 not scored
    assert re.search(r"1 3 赵四 第二党支部 90\.00 84\.00 87\.00 一等奖", words), words
    assert re.search(r"2 1 张一 第一党支部 70\.00 — 70\.00 二等奖", words), words
    assert re.search(r"— 2 王二 第一党支部 — — —", words), words
    page = body_text(organizer.get(f"/results/items/{contest.talk.id}"))
    assert f'data-live-url="/results/items/{contest.talk.id}/live"' in page
    assert "/static/js/results-live.js" in page


def test_the_board_shows_numbers_for_a_blind_item_until_it_is_published(app, organizer, contest):
    setup.save_setup(contest.organizer, contest.talk.id, method="judged", criteria=CRITERIA,
                     blind=True, award_levels=[{"label": "一等奖", "count": 1}])
    judge, _ = judge_link(contest)
    content, expression = criteria_ids(contest)
    judging.submit_scores(judge.id, contest.entries["王二"].id, {content: "55", expression: "35"})
    board = organizer.get(f"/results/items/{contest.talk.id}/board")
    assert board.status_code == 200 and 'data-live-url="/results/items/' in body_text(board)
    rows = text(organizer.get(f"/results/items/{contest.talk.id}/board/rows"))
    assert "1 2号选手 90.00分 一等奖" in rows and "王二" not in rows
    publishing.lock_results(contest.organizer, contest.talk.id)
    publishing.publish_results(contest.organizer, contest.talk.id)
    rows = text(organizer.get(f"/results/items/{contest.talk.id}/board/rows"))
    assert "1 王二 第一党支部 90.00分 一等奖" in rows


def test_members_see_published_results_from_the_event_page(app, contest, factory):
    member = factory.member("党员", branch=contest.one)
    reader = client_for(app, member)
    judge, _ = judge_link(contest)
    content, expression = criteria_ids(contest)
    judging.submit_scores(judge.id, contest.entries["张一"].id, {content: "58", expression: "38"})
    assert "查看比赛成绩" not in text(reader.get(f"/events/{contest.event.id}"))
    assert "成绩尚未公布" in text(reader.get(f"/events/{contest.event.id}/results"))
    staff = client_for(app, contest.organizer)
    locked = staff.post(f"/results/items/{contest.talk.id}/lock")
    assert locked.status_code == 302
    assert "注意：还有 2 个评委评分没有完成" in text(staff.get(locked.headers["Location"]))
    staff.post(f"/results/items/{contest.talk.id}/publish")
    event_page = body_text(reader.get(f"/events/{contest.event.id}"))
    assert f'href="/events/{contest.event.id}/results"' in event_page
    words = text(reader.get(f"/events/{contest.event.id}/results"))
    assert "主题演讲" in words and "1 张一 第一党支部 96.00分 一等奖" in words
    assert "诗词诵读" not in words  # no published results
    assert app.test_client().get(f"/events/{contest.event.id}/results").status_code == 302


def test_state_changes_are_audited_in_chinese(app, contest, factory):
    admin = factory.member("管理员", branch=contest.committee, role="admin")
    judge, _ = judge_link(contest)
    content, expression = criteria_ids(contest)
    judging.submit_scores(judge.id, contest.entries["张一"].id, {content: "58", expression: "38"})
    staff = client_for(app, contest.organizer)
    for action in ("lock", "publish"):
        assert staff.post(f"/results/items/{contest.talk.id}/{action}").status_code == 302
    words = text(client_for(app, admin).get("/admin/audit?group=results"))
    assert "公布成绩 项目：主题演讲；活动：演讲比赛" in words
    assert "锁定成绩 项目：主题演讲；活动：演讲比赛；未评完：2" in words
    assert "添加评委 评委：王老师；项目：主题演讲；活动：演讲比赛；有效期至：" in words
    assert "设置评分规则 计分方式：（空） → 评委打分" in words
    assert "评分标准：（空） → 内容 满分60×1、表达 满分40×1；项目：主题演讲；活动：演讲比赛" in words
    assert "生成参赛名单 项目：主题演讲；活动：演讲比赛；新增：3；退出：0" in words
    assert db.session.scalar(db.select(ItemScoring.published_at)) is not None


def test_absurd_input_is_answered_in_chinese_never_with_a_500(app, organizer, contest):
    talk = contest.talk
    judge, link = judge_link(contest)
    phone = app.test_client()
    phone.get(link)
    content, expression = criteria_ids(contest)
    entry = contest.entries["张一"]
    answers = {
        "setup, a row past the last": organizer.post(f"/results/items/{talk.id}/setup", data={
            "method": "judged", "award_mode": "count", "points_factor": "x",
            "criteria-0-name": "内容", "criteria-0-max": "1e9", "criteria-40-name": "多余"}),
        "setup, an unknown method": organizer.post(f"/results/items/{talk.id}/setup",
                                                   data={"method": "drop table", "points_factor": "1"}),
        "order, words": organizer.post(f"/results/items/{talk.id}/order",
                                       data={f"order-{entry.id}": "第一", "order-99999999999": "1"}),
        "marks of a judged item": organizer.post(f"/results/items/{talk.id}/marks",
                                                 data={"round": "semi", f"mark-{entry.id}": "1"}),
        "judge, hours": organizer.post(f"/results/items/{talk.id}/judges",
                                       data={"name": "甲" * 80, "hours": "1e3"}),
        "renew, hours in words": organizer.post(f"/results/items/{talk.id}/judges/{judge.id}/renew",
                                               data={"hours": "十二"}),
        "points of a contest": organizer.get(f"/results/events/{contest.event.id}/points"),
        "score, huge": phone.post(f"/judge/{judge.id}/entries/{entry.id}",
                                  data={f"c-{content}": "9" * 40, f"c-{expression}": "\x00"}),
        "score, another item's criterion": phone.post(f"/judge/{judge.id}/entries/{entry.id}",
                                                      data={"c-999999": "1"}),
        "score, a superscript criterion id": phone.post(f"/judge/{judge.id}/entries/{entry.id}",
                                                        data={"c-²": "1"}),
        "order, superscript digits": organizer.post(f"/results/items/{talk.id}/order",
                                                    data={f"order-{entry.id}": "²", "order-²": "1"}),
        "an unknown entry": phone.get(f"/judge/{judge.id}/entries/2147483647"),
        "an item that is not there": organizer.get("/results/items/2147483647/board"),
    }
    for what, answer in answers.items():
        assert answer.status_code in (400, 403, 404, 409), what
        if answer.status_code == 400:
            assert re.search(r"[\u4e00-\u9fff]", text(answer)), what
    assert "有效时长请填 1 到 72 之间的整数" in text(answers["judge, hours"])
    assert "请从列表中选择" in text(answers["marks of a judged item"])
    assert "出场顺序请填写 1 到 9999 之间的整数" in text(answers["order, words"])
    assert count(ScoreSheet) == 0


# ------------------------------------------------------------------ a sports meet's points

def team_rows(page):
    """(支部, 总积分) of the 团体总分 table, top first."""
    table = page.split('id="teams"', 1)[1]
    return re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', table)


def test_a_custom_points_table_posted_on_the_form_changes_the_team_totals(app, org, factory):
    meet = make_contest(org.organizer, title="职工运动会", items=item_rows("100米", "4×100米接力"),
                        publish=True)
    run, relay = meet.items
    for item in (run, relay):
        entrants(factory, org.organizer, meet, item, [f"{item.name}甲", f"{item.name}乙"], org.one)
        entrants(factory, org.organizer, meet, item, [f"{item.name}丙"], org.two)
        defaults = setup.default_setup(item, meet)
        setup.save_setup(org.organizer, item.id, method="time", award_mode="ranks",
                         award_levels=defaults["award_levels"], points_factor=defaults["points_factor"])
        setup.sync_entries(org.organizer, item.id)

    def typed(item, *times):  # 甲, 乙 (第一党支部), 丙 (第二党支部)
        by_name = dict(zip((f"{item.name}{n}" for n in "甲乙丙"), times, strict=True))
        return {e.id: by_name[e.registration.member.name] for e in service.entries_of(item.id)}

    marks.save_marks(org.organizer, run.id, "final", typed(run, "12.10", "12.20", "12.30"))
    marks.save_marks(org.organizer, relay.id, "final", typed(relay, "50.00", "51.00", "49.00"))
    client = client_for(app, org.organizer)
    url = f"/results/events/{meet.id}"

    # 7-5-4-3-2-1, relays double: 第一党支部 100米 7 + 5, relay (5 + 4) × 2 -> 30;
    # 第二党支部 100米 4, relay 7 × 2 -> 18
    before = body_text(client.get(url))
    assert team_rows(before) == [("第一党支部", "30"), ("第二党支部", "18")]
    assert "名次积分：7-5-4-3-2-1（第一名起）" in visible_text(before)
    form = body_text(client.get(f"{url}/points"))
    assert 'name="points"' in form and 'value="7-5-4-3-2-1"' in form

    saved = client.post(f"{url}/points", data={"points": "9-7-6-5-4-3-2-1"})
    assert saved.status_code == 302 and saved.headers["Location"] == url
    after = body_text(client.get(url))
    assert "名次积分已保存。" in visible_text(after)
    # 第一党支部 9 + 7 + (7 + 6) × 2 = 42; 第二党支部 6 + 9 × 2 = 24
    assert team_rows(after) == [("第一党支部", "42"), ("第二党支部", "24")]
    assert "名次积分：9-7-6-5-4-3-2-1（第一名起）" in visible_text(after)
    (entry,) = audit_entries("results.points")
    assert entry.details["changes"]["place_points"] == [[7, 5, 4, 3, 2, 1], [9, 7, 6, 5, 4, 3, 2, 1]]

    rising = client.post(f"{url}/points", data={"points": "5-7"})
    assert rising.status_code == 400
    assert "名次积分应从第一名起依次不增加，例如 7-5-4-3-2-1。" in text(rising)
    assert 'value="5-7"' in body_text(rising)  # what was typed stays
    words = client.post(f"{url}/points", data={"points": "九-七"})
    assert words.status_code == 400 and "名次积分请填写 1 到 100 之间的整数" in text(words)
    assert team_rows(body_text(client.get(url))) == [("第一党支部", "42"), ("第二党支部", "24")]
