"""Absurd numbers in URLs, query strings and forms get a plain answer, never a 500."""
import pytest

from .event_factories import make_lessons as make_event

HUGE = "99999999999999999999999"


@pytest.fixture
def admin_client(factory, login):
    committee = factory.branch(name="机关党委", kind="committee")
    admin = factory.member(name="管理员", branch=committee, role="admin")
    client = login(admin)
    client.event = make_event(admin)
    client.committee = committee
    return client


@pytest.mark.parametrize("path", [
    f"/events/{HUGE}", f"/admin/members/{HUGE}", f"/manage/events/{HUGE}",
    f"/registrations/{HUGE}/leave", f"/admin/branches/{HUGE}",
])
def test_huge_ids_in_urls_are_not_found(admin_client, path):
    assert admin_client.get(path).status_code == 404


@pytest.mark.parametrize("path", [
    "/admin/members", "/admin/audit", "/manage", "/manage/events",
    "/manage/events/{event}/registrants", "/manage/events/{event}/proxy",
])
def test_huge_page_numbers_fall_back_to_the_first_page(admin_client, path):
    url = path.format(event=admin_client.event.id) + f"?page={HUGE}"
    assert admin_client.get(url).status_code == 200
    url = path.format(event=admin_client.event.id) + "?page=-3&branch=" + HUGE + "&item=" + HUGE
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize("field,value", [
    ("capacity", HUGE), ("sessions-0-grace_minutes", HUGE), ("organizer_branch_id", HUGE),
    ("sessions-0-starts_at", "0001-01-01T00:00"), ("sessions-0-starts_at", "9999-12-31T23:59"),
])
def test_huge_values_in_the_event_form_are_answered_at_the_field(admin_client, field, value):
    data = {"title": "测试", "kind": "lecture", "organizer_branch_id": str(admin_client.committee.id),
            "sessions-0-starts_at": "2030-05-10T09:00", "sessions-0-ends_at": "2030-05-10T11:00",
            "sessions-0-credit_hours": "2", field: value}
    response = admin_client.post("/manage/events/new", data=data)
    assert response.status_code in (200, 400, 422)
    assert "系统出错了" not in response.get_data(as_text=True)


def test_huge_member_ids_in_proxy_registration(admin_client):
    response = admin_client.post(f"/manage/events/{admin_client.event.id}/proxy",
                                 data={"member_ids": [HUGE, "abc"]})
    assert response.status_code in (200, 302, 400, 422)
