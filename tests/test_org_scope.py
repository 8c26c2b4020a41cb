"""The role and branch-scope decisions of app.org.scope, each once, for every role.

The tree: 机关党委 (1) > 第一党总支 (2) > 第一党支部 (3); 机关党委 > 第二党支部 (4). One person
of each role; the secretary leads 第一党总支, the member belongs to 第一党支部. Rows are
built in memory: the decisions read the tree's paths and the roles, never the database.
"""
import pytest

from app.org import scope
from app.org.models import Branch, Member

TOP = Branch(id=1, name="机关党委", kind="committee", path="/1/")
GENERAL = Branch(id=2, name="第一党总支", kind="general_branch", path="/1/2/")
FIRST = Branch(id=3, name="第一党支部", path="/1/2/3/")
SECOND = Branch(id=4, name="第二党支部", path="/1/4/")


def person(person_id, role, branch):
    return Member(id=person_id, name=role, role=role, branch=branch, branch_id=branch.id,
                  phone=f"1380000000{person_id}")


ADMIN = person(1, "admin", TOP)
ORGANIZER = person(2, "organizer", TOP)
SECRETARY = person(3, "secretary", GENERAL)
MEMBER = person(4, "member", FIRST)
OTHER = person(5, "member", SECOND)  # someone the secretary does not lead
EVERYONE = {"admin": ADMIN, "organizer": ORGANIZER, "secretary": SECRETARY, "member": MEMBER}


def who(decision):
    """The roles for which ``decision(actor)`` holds."""
    return {role for role, actor in EVERYONE.items() if decision(actor)}


def test_staff_pages_are_for_secretaries_organizers_and_admins():
    assert who(scope.is_staff) == {"secretary", "organizer", "admin"}


def test_the_organisation_is_changed_by_admins_only():
    assert who(scope.is_admin) == {"admin"}


def test_organizers_and_admins_see_every_branch():
    assert who(scope.sees_all_branches) == {"organizer", "admin"}


def test_lists_are_limited_to_the_own_branch_for_everyone_else():
    assert {role: scope.scope_branch(actor) for role, actor in EVERYONE.items()} == {
        "admin": None, "organizer": None, "secretary": GENERAL, "member": FIRST}


@pytest.mark.parametrize("branch, expected", [
    (TOP, {"organizer", "admin"}),
    (GENERAL, {"secretary", "organizer", "admin"}),
    (FIRST, {"secretary", "organizer", "admin"}),
    (SECOND, {"organizer", "admin"}),
])
def test_a_secretary_sees_the_own_subtree_and_a_member_no_branch(branch, expected):
    assert who(lambda actor: scope.can_see_branch(actor, branch)) == expected


@pytest.mark.parametrize("branch, expected", [
    (TOP, set()),
    (FIRST, {"secretary"}),
    (SECOND, set()),
])
def test_a_secretary_acts_for_the_people_of_the_own_subtree(branch, expected):
    # Organizers and admins act by managing the event instead (registration.rights).
    assert who(lambda actor: scope.is_secretary_of(actor, branch)) == expected


def test_everyone_sees_themselves_and_staff_the_people_of_the_branches_they_see():
    assert who(lambda actor: scope.can_see_member(actor, MEMBER)) == {
        "member", "secretary", "organizer", "admin"}
    assert who(lambda actor: scope.can_see_member(actor, OTHER)) == {"organizer", "admin"}
    assert scope.can_see_member(OTHER, OTHER)


def test_staff_register_the_people_they_see_on_their_behalf():
    assert who(lambda actor: scope.can_proxy_for(actor, MEMBER)) == {
        "secretary", "organizer", "admin"}
    assert who(lambda actor: scope.can_proxy_for(actor, OTHER)) == {"organizer", "admin"}
    assert not scope.can_proxy_for(OTHER, MEMBER)


def test_full_phone_numbers_for_admins_and_the_member_only():
    assert who(lambda actor: scope.can_see_full_phone(actor, MEMBER)) == {"admin", "member"}
    assert scope.shown_phone(ADMIN, OTHER) == "13800000005"
    assert scope.shown_phone(SECRETARY, MEMBER) == "138****0004"
    assert scope.shown_phone(MEMBER, MEMBER) == "13800000004"
    assert MEMBER.is_staff is False and ADMIN.is_admin is True  # the model asks scope too
