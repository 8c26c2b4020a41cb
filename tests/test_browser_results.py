"""Judges on two phones score a speech contest while the organizer watches the ranking
fill in on the office PC (without reloading), then locks and publishes it; a judge who
tries to change a score afterwards is told the item is locked; the projector board
shows the ranking; members read the published results."""
import os

import pytest
from playwright.sync_api import expect

from app.results import judging, service, setup

from .conftest import PHONE, SCREENSHOTS, client_for, fits, log_in, visible_text
from .event_factories import entrants, item_rows, make_contest

pytestmark = pytest.mark.browser

CRITERIA = [{"name": "内容", "max_x100": 6000, "weight_x100": 100},
            {"name": "表达", "max_x100": 4000, "weight_x100": 100}]


@pytest.fixture
def second_phone(browser, live_server):
    """Another judge's own phone: a browser context of its own (its own cookies)."""
    context = browser.new_context(**PHONE, base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def score_all(phone, scores):
    """On the judge's phone: tap the first contestant, then score each in running order
    (the form moves on to the next one after each save)."""
    phone.locator(".judge-entry").first.tap()
    for name, (content, expression) in scores:
        expect(phone.locator("h1")).to_contain_text(name)
        phone.get_by_label("内容").fill(content)
        phone.get_by_label("表达").fill(expression)
        phone.get_by_role("button", name="提交评分").tap()
        expect(phone.locator(".flash-success")).to_contain_text("已保存，总分")


def test_judges_on_two_phones_score_and_the_organizer_locks_and_publishes(
        phone, second_phone, desktop, org, factory, app, fresh):
    event = make_contest(org.organizer, kind="contest", title="学习二十大精神演讲比赛",
                         items=item_rows("主题演讲"), publish=True)
    (talk,) = event.items
    entrants(factory, org.organizer, event, talk, ["张一", "王二"], org.one)
    entrants(factory, org.organizer, event, talk, ["赵四"], org.two)
    setup.save_setup(org.organizer, talk.id, method="judged", criteria=CRITERIA,
                     award_levels=[{"label": "一等奖", "count": 1}, {"label": "二等奖", "count": 1},
                                   {"label": "优秀奖", "count": None}])
    setup.sync_entries(org.organizer, talk.id)
    first, first_token = judging.add_judge(org.organizer, talk.id, "王老师")
    second, second_token = judging.add_judge(org.organizer, talk.id, "李老师")

    # The organizer follows the item on the office PC.
    log_in(desktop, org.organizer)
    desktop.goto(f"/results/items/{talk.id}")
    live = desktop.locator("#live")
    expect(live).to_contain_text("还差 6 个评分")

    # Each judge opens their own link on their own phone: no account, no login.
    phone.goto(f"/j/{first_token}")
    expect(phone.get_by_text("1号评委 王老师")).to_be_visible()
    expect(phone.get_by_text("已评 0 / 3")).to_be_visible()
    fits(phone, 390)
    phone.shot("results-judge-list")
    second_phone.goto(f"/j/{second_token}")
    expect(second_phone.get_by_text("2号评委 李老师")).to_be_visible()

    # The first judge sees the total as they type, and a score above the maximum at once.
    phone.locator(".judge-entry").first.tap()
    phone.get_by_label("内容").fill("65")
    expect(phone.get_by_text("「内容」的得分请填写 0 到 60 之间的数字")).to_be_visible()
    phone.get_by_label("内容").fill("52.5")
    phone.get_by_label("表达").fill("36")
    expect(phone.locator("[data-total]")).to_have_text("88.50")
    fits(phone, 390)
    phone.shot("results-judge-score")
    phone.goto(f"/judge/{first.id}")
    score_all(phone, [("张一", ("52.5", "36")), ("王二", ("50", "35")), ("赵四", ("55", "38"))])
    expect(phone.get_by_text("已评 3 / 3")).to_be_visible()

    # Halfway: the organizer's table has filled in by itself.
    expect(live).to_contain_text("还差 3 个评分", timeout=15_000)
    score_all(second_phone, [("张一", ("54", "37")), ("王二", ("48", "33")), ("赵四", ("56", "39"))])
    expect(live).to_contain_text("评分已全部收到", timeout=15_000)
    # 赵四 (93 + 95) / 2 = 94.00; 张一 (88.5 + 91) / 2 = 89.75; 王二 (85 + 81) / 2 = 83.00
    rows = live.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("赵四")
    expect(rows.nth(0)).to_contain_text("94.00")
    expect(rows.nth(0)).to_contain_text("一等奖")
    expect(rows.nth(1)).to_contain_text("89.75")
    expect(rows.nth(2)).to_contain_text("83.00")
    desktop.screenshot(path=os.path.join(SCREENSHOTS, "results-organizer-live.png"), full_page=True)

    # Lock, then publish.
    desktop.locator("summary", has_text="锁定成绩").click()
    desktop.get_by_role("button", name="确认锁定").click()
    expect(desktop.locator(".flash-success")).to_have_text("成绩已锁定，评委不能再修改评分。")
    desktop.get_by_role("button", name="公布成绩").click()
    expect(desktop.locator(".flash-success")).to_have_text("成绩已公布，报名人员可以在活动页查看。")

    # A judge who goes back to change a score is told it is locked.
    phone.goto(f"/judge/{first.id}")
    expect(phone.get_by_text("组织者已锁定本项目的成绩，评分不能再修改")).to_be_visible()
    phone.locator(".judge-entry").first.tap()
    expect(phone.get_by_text("组织者已锁定本项目的成绩，评分不能再修改")).to_be_visible()
    expect(phone.get_by_role("button", name="修改评分")).to_have_count(0)

    # The projector board shows the ranking.
    desktop.goto(f"/results/items/{talk.id}/board")
    expect(desktop.locator(".rank-board-table tbody tr").first).to_contain_text("赵四")
    desktop.screenshot(path=os.path.join(SCREENSHOTS, "results-board.png"), full_page=True)

    # Members read the published results from the event's page.
    fresh()
    member = factory.member("党员甲", branch=org.one)
    page = visible_text(client_for(app, member).get(f"/events/{event.id}/results").get_data(as_text=True))
    assert "1 赵四 第二党支部 94.00分 一等奖" in page
    assert "2 张一 第一党支部 89.75分 二等奖" in page
    assert [a.name for a in service.awards(event.id)] == ["赵四", "张一", "王二"]
    assert second.seat == 2


def test_a_sports_meet_typed_on_a_phone_and_read_by_a_member_at_360_pixels(
        browser, live_server, org, factory):
    from app.results import publishing

    event = make_contest(org.organizer, title="第五届职工运动会",
                         items=item_rows("男子100米", "4×100米接力"), publish=True)
    run, relay = event.items
    for item in (run, relay):
        entrants(factory, org.organizer, event, item, [f"{item.name}甲", f"{item.name}乙"], org.one)
        entrants(factory, org.organizer, event, item, [f"{item.name}丙"], org.two)
        defaults = setup.default_setup(item, event)
        setup.save_setup(org.organizer, item.id, method="time", award_mode="ranks",
                         award_levels=defaults["award_levels"],
                         points_factor=defaults["points_factor"])
        setup.sync_entries(org.organizer, item.id)
    narrow = {**PHONE, "viewport": {"width": 360, "height": 740}}
    context = browser.new_context(**narrow, base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, org.organizer)
        for item, times in ((run, ("12.80", "13.05", "12.61")), (relay, ("50.10", "49.80", "51.00"))):
            page.goto(f"/results/items/{item.id}")
            for field, value in zip(page.locator(".mark-list input").all(), times, strict=True):
                field.fill(value)
            page.get_by_role("button", name="保存决赛成绩").tap()
            expect(page.locator(".flash-success")).to_contain_text("已保存决赛成绩，3 条有变化")
            fits(page, 360)
            publishing.lock_results(org.organizer, item.id)
            publishing.publish_results(org.organizer, item.id)
        page.screenshot(path=os.path.join(SCREENSHOTS, "results-marks-phone.png"), full_page=True)
        page.goto(f"/results/events/{event.id}")
        expect(page.locator("#teams tbody tr").first).to_contain_text("第一党支部")
        fits(page, 360)
        page.screenshot(path=os.path.join(SCREENSHOTS, "results-event-phone.png"), full_page=True)
        page.get_by_role("link", name="评分规则").first.tap()
        expect(page.get_by_label("计分方式")).to_have_value("time")
        fits(page, 360)
        page.screenshot(path=os.path.join(SCREENSHOTS, "results-setup-phone.png"), full_page=True)

        member = factory.member("党员甲", branch=org.one)
        page.context.clear_cookies()
        page.goto("/login")
        log_in(page, member)
        page.goto(f"/events/{event.id}")
        page.get_by_role("link", name="查看比赛成绩").tap()
        expect(page.get_by_role("heading", name="比赛成绩")).to_be_visible()
        # 100米: 丙 12.61 (第二党支部) first; relay: 乙 49.80 first, doubled to 14 points
        expect(page.locator("section", has_text="男子100米").locator("tbody tr").first).to_contain_text(
            "男子100米丙")
        teams = page.locator("section", has_text="团体总分").locator("tbody tr")
        # 第一党支部: 100米 5 + 4, relay (7 + 5) × 2 = 33; 第二党支部: 7 + 4 × 2 = 15
        expect(teams.nth(0)).to_contain_text("第一党支部")
        expect(teams.nth(0)).to_contain_text("33")
        expect(teams.nth(1)).to_contain_text("15")
        fits(page, 360)
        page.screenshot(path=os.path.join(SCREENSHOTS, "results-member-360.png"), full_page=True)
    finally:
        context.close()
