"""Fuzzing the JSON API against its own OpenAPI document (issue 8, item 16): schemathesis
sends requests that fit the document and requests that break it, as a staff login and as
a phone holding a scanner link; no answer may be a 5xx or fall outside the document (its
status, headers and body), a request outside the document must be refused, and one that
fits it must not be. The number of examples is bounded to keep CI quick."""
import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.auths import AuthContext, set_on_case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app.api.openapi import openapi_document
from app.checkin import service as checkin

from .conftest import client_for
from .event_factories import attendee, open_event

SESSION_ID = 1  # every test starts from empty tables, ids from 1 (tests/conftest.py)


def pinned_document():
    """The API's document with ``session_id`` pinned to the world's session, so requests
    that fit it reach a real session rather than a 404; and without the X-CSRFToken header,
    which the test sends itself: its one valid value belongs to the browser session, which
    a schema cannot say (tests/test_api.py checks the refusals of a missing or wrong one)."""
    document = copy.deepcopy(openapi_document())
    for path in document["paths"].values():
        for operation in path.values():
            operation["parameters"] = [p for p in operation.get("parameters", [])
                                       if p["name"] != "X-CSRFToken"]
            for parameter in operation["parameters"]:
                if parameter["name"] == "session_id":
                    parameter["schema"] = {"type": "integer", "enum": [SESSION_ID]}
    return document


schema = schemathesis.openapi.from_dict(pinned_document())
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
BROWSER = {}  # the current test's browser session: {"cookie": ..., "csrf": ...}


@schema.auth(refresh_interval=None)
class BrowserSession:
    """Every request carries the test's browser session (a staff login or a scanner link)
    and its CSRF token; schemathesis also probes each operation without them."""

    def get(self, case, context):
        return dict(BROWSER) or None  # None while collecting: no browser yet

    def set(self, case, data, context):
        case.cookies = {**(case.cookies or {}), "session": data["cookie"]}
        case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrf"]}


@pytest.fixture
def world(org, factory, live_server):
    """An event open for check-in with two ticket holders; the app served over HTTP."""
    org.event = open_event(org.organizer, walk_in=True)
    org.session = org.event.sessions[0]
    assert org.session.id == SESSION_ID
    for name, branch in (("王秀英", org.one), ("李建国", org.two)):
        attendee(factory, org.organizer, org.event, name, branch)
    org.base_url = live_server + "/api/v1"
    yield org
    BROWSER.clear()


def open_browser(client):
    """The browser session of ``client`` (logged in, or holding a scanner link)."""
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    BROWSER.update(cookie=client.get_cookie("session").value, csrf=token)


def call(case, world):
    """Send ``case`` and check the answer against the document. A member search by phone
    digits other than the last four or all eleven fits the document's string and is
    refused (400 search_phone_digits) for anyone but an admin: a rule of who searches
    (app/org/search.py) that a schema cannot state, so only there is a 400 to a
    schema-valid request expected."""
    # Statistics: a date the schema allows may be outside 2000-2099 or after the other.
    excluded = ([positive_data_acceptance]
                if case.path.endswith("/expected") or case.path.startswith("/stats/") else [])
    # Examples made while collecting (before there was a browser) carry made-up cookies:
    # the browser's own replace them, unless the example is about a missing credential.
    set_on_case(case, AuthContext(operation=case.operation, app=None), schema.auth)
    case.call_and_validate(base_url=world.base_url, excluded_checks=excluded)


@pytest.fixture
def as_staff(world, app):
    open_browser(client_for(app, world.organizer))


@pytest.fixture
def as_link(world, app):
    _, token = checkin.create_scanner_link(world.organizer, world.event, "东门志愿者")
    phone = app.test_client()
    assert phone.get(f"/checkin/link/{token}").status_code == 302
    open_browser(phone)


@schema.parametrize()
@FUZZ
def test_the_api_as_staff_keeps_to_its_document(case, world, as_staff):
    call(case, world)


@schema.parametrize()
@FUZZ
def test_the_api_as_a_scanner_link_keeps_to_its_document(case, world, as_link):
    call(case, world)
