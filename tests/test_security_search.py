"""Guessing a masked phone's hidden digits by searching its whole number (issue 8,
finding 1): the per-minute limit alone allowed the 10,000 tries in about three hours; an
hourly cap per searcher stretches them over days (tests/test_member_search.py has the
phone rule and the per-minute limit)."""
from .conftest import client_for


def test_an_hourly_cap_stops_a_searcher_who_keeps_guessing(app_with, scene, factory):
    limited = app_with(RATELIMIT_ENABLED=True, SEARCH_RATE_LIMIT="100 per minute",
                       SEARCH_HOURLY_LIMIT="8 per hour")
    client = client_for(limited, scene.organizer)
    guesses = [f"1380000{n:04d}" for n in range(9)]
    walkin = f"/checkin/sessions/{scene.session.id}/walkin?q="
    statuses = [client.get(walkin + guess).status_code for guess in guesses[:4]]
    statuses += [client.get(f"/admin/members?q={guess}").status_code for guess in guesses[4:]]
    assert statuses == [200] * 8 + [429]
    secretary = factory.member(name="一支书记", branch=scene.one, role="secretary")
    other = client_for(limited, secretary)  # a searcher of their own
    assert other.get(f"/admin/members?q={guesses[0]}").status_code == 200


def test_the_defaults_cap_an_hour_at_three_hundred_searches(app):
    assert app.config["SEARCH_RATE_LIMIT"] == "60 per minute"
    assert app.config["SEARCH_HOURLY_LIMIT"] == "300 per hour"
