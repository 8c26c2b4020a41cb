"""From a contest item to a verified award certificate, end to end in the browser: the
organizer sets up the item's scoring and a judge's link on the office PC, the judge
scores on a 360 px phone through that link, the organizer locks and publishes the
results and issues the award certificates, the winner finds hers under 我的证书 on her
phone, and the public verification page confirms it."""
import re

import pytest
from playwright.sync_api import expect

from app.certificates.models import Certificate
from app.extensions import db

from .conftest import fits, log_in
from .event_factories import item_rows, make_finished, signed_up

pytestmark = pytest.mark.browser


def test_a_judge_scores_on_a_phone_and_the_winner_verifies_her_award_certificate(
        desktop, small_phone, org, factory, fresh):
    event = make_finished(org.organizer, kind="contest", title="「强国复兴有我」主题演讲比赛",
                          sessions=1, credit=0, items=item_rows("主题演讲"))
    (talk,) = event.items
    people = {}
    for name, branch in (("张一", org.one), ("王秀梅", org.one), ("赵四", org.two)):
        people[name] = factory.member(name=name, branch=branch)
        signed_up(org.organizer, event, people[name], [talk.id])

    # The organizer keeps the default rule (内容 40、表达 30、形象 10、效果 20; 一等奖 1,
    # 二等奖 2 …), takes the entries from the registrations and makes a judge's link.
    log_in(desktop, org.organizer)
    desktop.goto(f"/results/items/{talk.id}/setup")
    expect(desktop.get_by_label("计分方式")).to_have_value("judged")
    desktop.get_by_role("button", name="保存评分规则").click()
    expect(desktop.locator(".flash-success")).to_have_text("「主题演讲」的评分规则已保存。")
    desktop.get_by_role("button", name="按报名生成参赛名单").click()
    desktop.get_by_role("link", name="评委链接").click()
    desktop.get_by_label("评委姓名").fill("王老师")
    desktop.get_by_role("button", name="添加评委并生成链接").click()
    link = re.search(r"/j/[\w-]+$", desktop.locator("#new-link-url").input_value()).group()

    # The judge opens the link (its path: the tests' PUBLIC_BASE_URL is not the live server)
    # on a small phone, no account, and scores in running order.
    small_phone.goto(link)
    expect(small_phone.get_by_text("1号评委 王老师")).to_be_visible()
    fits(small_phone, 360)
    small_phone.locator(".judge-entry").first.tap()
    for name, scores in (("张一", ("36", "27", "9", "18")),        # 90.00
                         ("王秀梅", ("38", "28", "10", "19")),     # 95.00
                         ("赵四", ("30", "20", "8", "15"))):        # 73.00
        expect(small_phone.locator("h1")).to_contain_text(name)
        for label, value in zip(("内容", "表达", "形象", "效果"), scores, strict=True):
            small_phone.get_by_label(label).fill(value)
        fits(small_phone, 360)
        small_phone.get_by_role("button", name="提交评分").tap()
        expect(small_phone.locator(".flash-success")).to_contain_text("已保存，总分")
    expect(small_phone.get_by_text("已评 3 / 3")).to_be_visible()
    small_phone.shot("awards-judge-360")

    # Lock, publish, then the award certificates: one for each of the three places.
    desktop.goto(f"/results/items/{talk.id}")
    desktop.locator("summary", has_text="锁定成绩").click()
    desktop.get_by_role("button", name="确认锁定").click()
    desktop.get_by_role("button", name="公布成绩").click()
    expect(desktop.locator(".flash-success")).to_have_text("成绩已公布，报名人员可以在活动页查看。")
    desktop.goto(f"/manage/events/{event.id}/certificates?kind=award")
    expect(desktop.get_by_text("主题演讲 第1名 一等奖")).to_be_visible()
    desktop.get_by_role("button", name="发放 3 张获奖证书").click()
    expect(desktop.get_by_text("已发放 3 张获奖证书")).to_be_visible()

    # The winner, on her phone: 我的证书, then the QR's public page, without logging in.
    fresh()
    winner = people["王秀梅"]
    code = db.session.scalar(db.select(Certificate.code).where(Certificate.member_id == winner.id))
    small_phone.context.clear_cookies()
    small_phone.goto("/login")
    log_in(small_phone, winner)
    small_phone.goto("/my/certificates")
    card = small_phone.locator(".cert-list li").first
    expect(card).to_contain_text("「强国复兴有我」主题演讲比赛")
    expect(card).to_contain_text("主题演讲 一等奖")
    expect(card.get_by_role("link", name="下载证书（PDF）")).to_be_visible()
    fits(small_phone, 360)
    small_phone.shot("awards-mine-360")
    small_phone.context.clear_cookies()
    small_phone.goto(f"/verify/{code}")
    expect(small_phone.get_by_text("证书有效")).to_be_visible()
    expect(small_phone.get_by_text("王*梅")).to_be_visible()
    expect(small_phone.locator("body")).to_contain_text("主题演讲 一等奖")
    fits(small_phone, 360)
    small_phone.shot("awards-verify-360")
