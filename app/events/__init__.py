"""Events: activities of every kind, their sessions, contest items, eligibility, publishing."""
