"""Member search: one phone rule and one scope rule for every search box.

Used by the member list (org.service.search_members, also behind proxy registration),
the walk-in page and the scanner's expected-list search (its page and the JSON API).
Callers give a base query to narrow (e.g. "registrations of this session's event") and
add nothing but their own restriction.

- A name matches any part of the name (spaces inside a Chinese name are ignored).
- A phone: an admin may search any run of its digits. Anyone else may search only the
  last four digits or the whole 11-digit number: what the masked phone (139****0001)
  already shows, so no sequence of searches reveals a digit that was not shown.
- Scope: organizers and admins search every branch; a secretary (anyone else) the own
  branch's subtree; a scanner link only the base list its caller gives (the session's
  expected list).

A refused query (a phone by its middle digits) matches nothing; ``query_problem()`` says
why, for the page or the API to show. Search endpoints are rate-limited per searcher
(``app.web.search_rate_limit``).
"""
from dataclasses import dataclass

import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db

from .models import Branch, Member
from .normalize import clean_name, clean_text, normalize_phone
from .scope import scope_branch, sees_full_phones

PHONE_LENGTH = 11
PHONE_END = 4


@dataclass(frozen=True)
class Searcher:
    """Who searches: whether any digits of a phone may be searched, the branch whose
    subtree bounds the search (None: every branch), and whether the search is bound
    to a base list the caller gives (a scanner link)."""

    any_digits: bool = False
    branch: Branch | None = None
    base_only: bool = False


# A phone holding a scanner link: masked phones, and only the session's expected list.
SCANNER_LINK = Searcher(base_only=True)


def searcher(actor_or_searcher):
    """The Searcher of a member (or a Searcher as given, e.g. SCANNER_LINK)."""
    if isinstance(actor_or_searcher, Searcher):
        return actor_or_searcher
    actor = actor_or_searcher
    return Searcher(any_digits=sees_full_phones(actor), branch=scope_branch(actor))


def _parse(who, q):
    """(condition or None, refusal or None) for the text typed into a search box."""
    text = clean_text(q)
    if not text:
        return None, None
    digits = normalize_phone(text)
    if digits.isdigit():
        if who.any_digits:
            return Member.phone.contains(digits, autoescape=True), None
        if len(digits) == PHONE_END:
            return Member.phone.endswith(digits, autoescape=True), None
        if len(digits) == PHONE_LENGTH:
            return Member.phone == digits, None
        return sa.false(), DomainError("search_phone_digits", field="q")
    name = clean_name(text)
    return Member.name.contains(name, autoescape=True), None


def query_problem(actor_or_searcher, q):
    """The DomainError (field "q") a query is refused with, or None when it is fine."""
    return _parse(searcher(actor_or_searcher), q)[1]


def search_members(actor_or_searcher, q, query=None, *, branch_column=None):
    """``query`` narrowed to members who match ``q`` inside the searcher's scope.

    ``query`` defaults to every member with their branch loaded; a caller's own query
    must join Member. ``branch_column`` is the branch the scope applies to: the member's
    (default) or, in a registration list, the branch kept on the registration. An empty
    ``q`` narrows by scope only; a refused one matches nothing."""
    who = searcher(actor_or_searcher)
    if query is None:
        if who.base_only:
            raise ValueError("a scanner link searches only within a base list")
        query = (db.select(Member).join(Member.branch)
                 .options(sa.orm.contains_eager(Member.branch)))
    if who.branch is not None:
        column = Member.branch_id if branch_column is None else branch_column
        query = query.where(column.in_(
            db.select(Branch.id).where(who.branch.subtree_filter())))
    condition, _ = _parse(who, q)
    if condition is not None:
        query = query.where(condition)
    return query
