"""The authorization matrix (issue 8, item 15): every endpoint in ``app.url_map``, every
method it answers, for anonymous visitors, a member, the secretary of another branch, the
secretary of the own branch, an organizer, an admin and a phone holding a scanner link.
The rows live in tests/authz/<feature>.py; a route without a row fails here, by name."""
import pytest

from .authz import ROLES, all_cases, build_world
from .conftest import client_for

CASES = all_cases()
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes(app):
    """{(endpoint, method): rule} of the app."""
    return {(rule.endpoint, method): rule for rule in app.url_map.iter_rules()
            for method in rule.methods - IGNORED_METHODS}


def test_every_endpoint_and_method_has_a_row(app):
    listed = {(endpoint, case.method) for endpoint, cases in CASES.items() for case in cases}
    missing = sorted(set(routes(app)) - listed)
    assert not missing, "no row in tests/authz/ (add one to its feature's CASES):\n" + "\n".join(
        f"  {endpoint} {method} {routes(app)[endpoint, method].rule}" for endpoint, method in missing)
    stale = sorted(listed - set(routes(app)))
    assert not stale, f"rows in tests/authz/ for routes the app does not have: {stale}"


def test_every_row_names_its_seven_visitors():
    for endpoint, cases in CASES.items():
        for case in cases:
            assert set(case.statuses) == set(ROLES), endpoint


def visitors(app, people, ids):
    """A client for each role; the scanner link's phone opened its link first."""
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        if role not in ("anonymous", "scanner_link"):
            clients[role] = client_for(app, getattr(people, role))
    phone = app.test_client()
    assert phone.get(f"/checkin/link/{ids['token']}").status_code == 302
    clients["scanner_link"] = phone
    return clients


ROWS = [(endpoint, case) for endpoint, cases in sorted(CASES.items()) for case in cases]


@pytest.mark.parametrize("endpoint, case", ROWS,
                         ids=[f"{endpoint}-{case.method}" for endpoint, case in ROWS])
def test_each_visitor_gets_the_expected_status(app, factory, endpoint, case):
    people, ids = build_world(factory)
    clients = visitors(app, people, ids)
    url = case.url(ids)
    got = {}
    for role in ROLES:
        response = clients[role].open(url, method=case.method, data=case.form(ids),
                                     buffered=True)  # a streamed PDF is read in its request
        got[role] = response.status_code
        response.close()
    wrong = {role: f"{got[role]} (expected {status})" for role, status in case.statuses.items()
             if got[role] != status}
    assert not wrong, f"{endpoint} {case.method} {url}: {wrong}"
