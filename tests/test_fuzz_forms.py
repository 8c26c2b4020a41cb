"""Fuzzing the form parsers and the roster import with hypothesis (issue 8, item 16): any
text in any field is answered by a page, never a 500; a roster file with a problem writes
nothing. Bounded numbers of examples keep the run short."""
import io
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.org.models import Member
from app.registration import signup

from .conftest import body_text, client_for, count
from .event_factories import event_form, make_lessons
from .factories import ROSTER_HEADER, csv_file, person

pytestmark = pytest.mark.org("finance_staff")

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# What people and tampered forms type: words, numbers in every script, control
# characters, formulas, huge and tiny numbers, dates, ids, and plain junk.
TRICKY = st.sampled_from([
    "", " ", "0", "-1", "1e308", "-1e308", "nan", "inf", "9" * 30, "²", "١٢", "１２", "3.5",
    "2030-05-10T09:00", "2030-02-30T25:61", "0001-01-01T00:00", "=HYPERLINK(\"x\")", "\x00",
    "a\x00b", "\u202e", "𠮷", "第一党支部", "all", "None", "null", "[]", "{}", "<script>",
    "138 0000 0001", "13800000001", "％", "…",
])
TEXT = st.one_of(TRICKY, TRICKY, st.text(max_size=40), st.text(string.digits + ".-+e", max_size=25))


def fields(names):
    """Some of ``names``, each with a tricky value."""
    return st.dictionaries(st.sampled_from(names), TEXT, max_size=len(names))


EVENT_FIELDS = [*event_form(type("B", (), {"id": 1})), "kind", "items-0-name", "items-0-is_team",
                "items-0-capacity", "items-0-branch_quota", "items-0-team_min",
                "items-0-team_max", "items-0-min_age", "items-0-max_age", "branch_ids",
                "political_statuses", "sessions-1-starts_at", "sessions-0-id", "add_row"]
MEMBER_FIELDS = ["name", "phone", "gender", "birth_date", "branch_id", "unit", "position",
                 "rank", "political_status", "development_stage", "role"]


def answered(response):
    """A page or a redirect, never a server error."""
    assert response.status_code < 500, response.status_code
    assert "系统出错了" not in body_text(response)


@FUZZ
@given(data=fields(EVENT_FIELDS), base=st.booleans())
@example(data={"sessions-0-id": "²", "organizer_branch_id": "١٢"}, base=True)
def test_the_event_form_answers_any_input(org, app, data, base):
    client = client_for(app, org.organizer)
    posted = {**event_form(org.one), **data} if base else data
    answered(client.post("/manage/events/new", data=posted))


@FUZZ
@given(data=fields(MEMBER_FIELDS))
def test_the_member_forms_answer_any_input(org, app, data):
    client = client_for(app, org.admin)
    answered(client.post("/admin/members/new", data=data))
    answered(client.post(f"/admin/members/{org.member.id}/edit", data=data))


@pytest.fixture
def lessons(org):
    """Two lessons the member registered for."""
    event = make_lessons(org.organizer, sessions=2)
    return event, signup.register(org.member, event.id)


@FUZZ
@given(data=st.fixed_dictionaries({"session": TEXT, "reason": TEXT}),
       query=fields(["q", "page", "branch_id", "status", "role", "item_id", "kind"]))
@example(data={"session": "²", "reason": "出差"}, query={"page": "²", "branch_id": "9" * 30})
def test_member_pages_and_searches_answer_any_input(org, app, lessons, data, query):
    event, registration = lessons
    member = client_for(app, org.member)
    answered(member.post(f"/registrations/{registration.id}/leave", data=data))
    staff = client_for(app, org.secretary)
    for url in ("/admin/members", "/manage/events", f"/manage/events/{event.id}/registrants",
                "/manage", "/events"):
        answered(staff.get(url, query_string=query))


@FUZZ
@given(data=fields(["phone", "password", "remember", "next"]))
def test_the_login_form_answers_any_input(app, data):
    answered(app.test_client().post("/login", data=data))


# ------------------------------------------------------------------ the roster import

ROW = st.lists(TEXT, min_size=len(ROSTER_HEADER), max_size=len(ROSTER_HEADER))


@FUZZ
@given(rows=st.lists(st.one_of(ROW, st.builds(lambda n: person("张三", f"138{n:08d}", "预算党支部"),
                                              st.integers(0, 10**8 - 1))),
                     min_size=1, max_size=6))
def test_a_roster_upload_answers_any_rows_and_a_failed_one_writes_nothing(org, app, rows):
    admin = client_for(app, org.admin)
    before = count(Member)
    upload = admin.post("/admin/roster/", data={"file": (io.BytesIO(csv_file(rows)), "花名册.csv")},
                        content_type="multipart/form-data")
    answered(upload)
    if upload.status_code != 302:
        assert count(Member) == before  # refused as a file: nothing stored, nothing written
        return
    check = admin.get(upload.headers["Location"])
    answered(check)
    committed = admin.post(upload.headers["Location"] + "/commit")
    answered(committed)
    if "/result" in committed.headers.get("Location", ""):
        assert count(Member) >= before
    else:
        assert count(Member) == before  # a file with any problem writes nothing


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), name=st.sampled_from(["花名册.xlsx", "花名册.csv", "a.txt",
                                                            "", "x.xls"]))
def test_any_bytes_uploaded_as_a_roster_are_answered(org, app, data, name):
    admin = client_for(app, org.admin)
    before = count(Member)
    answered(admin.post("/admin/roster/", data={"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data"))
    assert count(Member) == before
