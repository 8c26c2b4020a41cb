"""The demo's year of history gives the statistics pages something to show."""
from datetime import timedelta

from app.org.demo import seed as seed_organisation
from app.org.memberships import today
from app.stats.branches import branch_table
from app.stats.demo import seed_history
from app.stats.periods import Filters, Period


def test_the_demo_history_fills_a_year_of_statistics(app):
    seed_organisation(member_count=80)
    assert seed_history() >= 24
    end = today()
    table = branch_table(Filters(Period(end - timedelta(days=365), end)))
    total = table.total
    assert total["presences"] > 100 and total["hours"] > 0
    assert 0 < total["participation_rate"] <= 1
    assert total["m_expected"] > 0  # the warning education meetings invite everyone
    rates = {row.numbers["participation_rate"] for row in table.rows if row.depth == 1}
    assert len(rates) > 1  # branches differ
