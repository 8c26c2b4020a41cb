"""A phone holding a judge link, as an eighth visitor of the authorization matrix
(tests/authz): it scores as its judge and nothing more. Every GET of the matrix answers it
as it answers an anonymous visitor, except the judge's own pages; it never becomes a
scanner phone nor a judge of another item."""
from app.results import judging, service

from .authz import all_cases, build_world
from .conftest import body_text, visible_text

# Links that make the phone something else (a scanner phone, another judge): visited apart.
OPENERS = {"checkin.open_link", "judge.open_link"}
# The judge's own pages, for the phone holding the link.
OWN = {"judge.home": 302, "judge.entries": 200, "judge.score": 200}


def judge_phone(app, world):
    phone = app.test_client()
    opened = phone.get(f"/j/{world['judge_token']}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/judge/{world['judge']}"
    return phone


def test_a_judge_phone_gets_what_an_anonymous_visitor_gets_but_its_own_pages(app, factory):
    people, world = build_world(factory)
    phone = judge_phone(app, world)
    wrong = {}
    for endpoint, cases in sorted(all_cases().items()):
        for case in cases:
            if case.method != "GET" or endpoint in OPENERS:
                continue
            url = case.url(world)
            expected = OWN.get(endpoint, case.statuses["anonymous"])
            response = phone.get(url, buffered=True)
            if response.status_code != expected:
                wrong[url] = f"{response.status_code} (expected {expected})"
            response.close()
    assert not wrong, wrong
    # the staff pages of the judge's own item send it to the login page
    item_page = phone.get(f"/results/items/{world['item']}")
    assert item_page.status_code == 302 and item_page.headers["Location"].startswith("/login")


def test_a_judge_phone_scores_only_its_own_item_and_stops_when_it_leaves(app, factory):
    people, world = build_world(factory)
    phone = judge_phone(app, world)
    criteria = [c.id for c in service.scoring_of(world["item"]).criteria]
    # another judge's pages, whose link this phone never opened
    other, _token = judging.add_judge(people.organizer, world["item"], "赵老师")
    assert phone.get(f"/judge/{other.id}").status_code == 403
    # an entry of another item, through this judge's pages
    assert phone.get(f"/judge/{world['judge']}/entries/{world['track_entry']}").status_code == 403
    score_url = f"/judge/{world['judge']}/entries/{world['entry']}"
    saved = phone.post(score_url, data={f"c-{criteria[0]}": "50", f"c-{criteria[1]}": "30"})
    assert saved.status_code == 302
    assert "已评 1 / 1" in visible_text(body_text(phone.get(f"/judge/{world['judge']}")))
    # a scanner link's pages stay closed to the judge phone
    assert phone.get(f"/checkin/sessions/{world['session']}/scan").status_code == 302
    # 退出评委身份: the pages close
    assert phone.post(f"/judge/{world['judge']}/forget").status_code == 302
    assert phone.get(f"/judge/{world['judge']}").status_code == 403
    assert phone.post(score_url, data={f"c-{criteria[0]}": "40"}).status_code == 403
