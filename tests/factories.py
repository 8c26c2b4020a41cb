"""Rows and files for tests: branches and members committed like production data, the
test organisations, and roster files. Events and registrations are in
tests/event_factories.py, fixtures in tests/conftest.py.

    factory.branch("第一党支部", parent=committee)
    factory.member("张三", branch=one, role="secretary")    # logs in with TEST_PASSWORD
    factory.member(initial=True)                           # a one-time initial password
    factory.member(password="Another1pass")                # hashed now, by set_own_password

Members share one scrypt hash of TEST_PASSWORD made once per run (scrypt costs a large
part of a second; a few hundred members per run made it most of the suite's time).
"""
import csv
import io
import itertools
import secrets
from datetime import date

from openpyxl import Workbook

from app.extensions import db
from app.org.memberships import sync_memberships
from app.org.models import Branch, Member
from app.org.passwords import set_initial_password, set_own_password
from app.org.roster.columns import COLUMNS

TEST_PASSWORD = "Passw0rd!"
MEMBER_SINCE = date(2000, 1, 1)

_phones = itertools.count(13800000001)


class Factory:
    def __init__(self, password, password_hash):
        self.password = password
        self.password_hash = password_hash  # scrypt of ``password``, made once per run

    def branch(self, name="第一党支部", kind="branch", parent=None, active=True):
        if parent is None and kind != "committee":
            parent = self.branch(name=f"{name}所属机关党委", kind="committee")
        branch = Branch(name=name, kind=kind, parent=parent, active=active, path="")
        db.session.add(branch)
        db.session.flush()
        branch.path = (parent.path if parent else "/") + f"{branch.id}/"
        db.session.commit()
        return branch

    def member(self, name="张三", branch=None, role="member", phone=None, initial=False,
               password=None, since=MEMBER_SINCE, **fields):
        """A member who logs in with ``self.password``; ``initial=True`` gives a one-time
        initial password instead, returned on ``member.test_initial_password``;
        ``password=`` sets another own password through set_own_password (a real scrypt).
        Their membership of ``branch`` starts on ``since`` (a local day; long ago by
        default, so every test period finds them active)."""
        member = Member(
            name=name,
            phone=phone or str(next(_phones)),
            branch=branch or self.branch(),
            role=role,
            political_status=fields.pop("political_status", "01"),
            **fields,
        )
        if initial:
            member.test_initial_password = set_initial_password(member)
        elif password is not None:
            set_own_password(member, password)
        else:
            # What set_own_password(member, self.password) stores, with the run's one hash.
            member.password_hash = self.password_hash
            member.initial_password_salt = None
            member.must_change_password = False
            member.login_token = secrets.token_hex(8)
        db.session.add(member)
        db.session.flush()
        sync_memberships([member.id], day=since)
        db.session.commit()
        return member


def people(factory, branch, count, **fields):
    """``count`` members of ``branch`` named 人员0, 人员1 ..."""
    return [factory.member(name=f"人员{n}", branch=branch, **fields) for n in range(count)]


class Org:
    """The named rows of a test organisation. Read them as attributes (``org.one``), by
    name (``org["one"]``) or in the order they were given (``committee, one, two,
    organizer = org``, ``org[1]``): the test files use all three. A test may add rows
    (``org.event = ...``)."""

    def __init__(self, **rows):
        self.__dict__.update(rows)

    def __getitem__(self, key):
        return list(self)[key] if isinstance(key, int) else self.__dict__[key]

    def __iter__(self):
        return iter(self.__dict__.values())


# ------------------------------------------------------------------ organisations
# A test module picks one with ``pytestmark = pytest.mark.org("<name>")``; the ``org``
# fixture (tests/conftest.py) builds it. Names, kinds and the people in them are what
# the tests read, so each organisation stays as its tests first drew it.

def two_branches(factory):
    """机关党委 > 第一党支部, 第二党支部; 组织者 (organizer) in the committee. The default."""
    committee = factory.branch(name="机关党委", kind="committee")
    return Org(
        committee=committee,
        one=factory.branch(name="第一党支部", parent=committee),
        two=factory.branch(name="第二党支部", parent=committee),
        organizer=factory.member(name="组织者", branch=committee, role="organizer"),
    )


def office(factory):
    """机关党委 > 办公室党支部 (``branch``); 组织者 in the committee."""
    committee = factory.branch(name="机关党委", kind="committee")
    return Org(
        committee=committee,
        branch=factory.branch(name="办公室党支部", parent=committee),
        organizer=factory.member(name="组织者", branch=committee, role="organizer"),
    )


def finance(factory):
    """机关党委 > 财务党总支 > 预算党支部 (``one``); 机关党委 > 办公室党支部 (``two``);
    组织者 in the committee."""
    committee = factory.branch(name="机关党委", kind="committee")
    general = factory.branch(name="财务党总支", kind="general_branch", parent=committee)
    return Org(
        committee=committee,
        general=general,
        one=factory.branch(name="预算党支部", parent=general),
        two=factory.branch(name="办公室党支部", parent=committee),
        organizer=factory.member(name="组织者", branch=committee, role="organizer"),
    )


def finance_staff(factory):
    """``finance`` with a 管理员 (admin), the general branch's 总支书记 (secretary) and
    党员甲 (member) of 预算党支部."""
    org = finance(factory)
    org.admin = factory.member(name="管理员", branch=org.committee, role="admin")
    org.secretary = factory.member(name="总支书记", branch=org.general, role="secretary")
    org.member = factory.member(name="党员甲", branch=org.one)
    return org


def admin_tree(factory):
    """机关党委 (``top``) > 第一党总支 > 第一党支部 (``first``); 机关党委 > 第二党支部
    (``second``); 管理员 (admin, phone 13900000000) at the top."""
    top = factory.branch("机关党委", kind="committee")
    general = factory.branch("第一党总支", kind="general_branch", parent=top)
    return Org(
        top=top,
        general=general,
        first=factory.branch("第一党支部", parent=general),
        second=factory.branch("第二党支部", parent=top),
        admin=factory.member("管理员", branch=top, role="admin", phone="13900000000"),
    )


def admin_branch(factory):
    """机关党委 (``top``) > 第一党支部 (``first``); 管理员 (admin) at the top."""
    top = factory.branch("机关党委", kind="committee")
    return Org(top=top, first=factory.branch("第一党支部", parent=top),
               admin=factory.member("管理员", branch=top, role="admin"))


def scopes(factory):
    """For role and branch scope: 机关党委 > 第一党支部 > 第一支部第一党小组 (``one_sub``);
    机关党委 > 第二党支部; 组织员 (organizer) and 管理员 (admin) in the committee, a
    secretary of each branch (``sec_one``, ``sec_two``) and members ``a`` (王一, 第一党支部,
    phone 13812341234), ``b`` (李二, the group below it) and ``c`` (赵三, 第二党支部)."""
    committee = factory.branch(name="机关党委", kind="committee")
    one = factory.branch(name="第一党支部", parent=committee)
    one_sub = factory.branch(name="第一支部第一党小组", parent=one)
    two = factory.branch(name="第二党支部", parent=committee)
    return Org(
        committee=committee, one=one, one_sub=one_sub, two=two,
        organizer=factory.member(name="组织员", branch=committee, role="organizer"),
        admin=factory.member(name="管理员", branch=committee, role="admin"),
        sec_one=factory.member(name="一支书记", branch=one, role="secretary"),
        sec_two=factory.member(name="二支书记", branch=two, role="secretary"),
        a=factory.member(name="王一", branch=one, position="科长", phone="13812341234"),
        b=factory.member(name="李二", branch=one_sub, position="科员"),
        c=factory.member(name="赵三", branch=two, position="主任"),
    )


def roster(factory):
    """For roster imports: 机关党委 (``top``) > 机关第一党委 (``c1``) > 第一党支部 (``c1_first``),
    第二党支部 (``c1_second``); 机关党委 > 机关第二党委 (``c2``) > 第一党支部 (``c2_first``)
    and an inactive 已撤销党支部 (``closed``); 管理员 (admin, phone 13900000000) at the top.
    「第一党支部」 is ambiguous on purpose."""
    top = factory.branch("机关党委", kind="committee")
    first_committee = factory.branch("机关第一党委", kind="committee", parent=top)
    second_committee = factory.branch("机关第二党委", kind="committee", parent=top)
    return Org(
        top=top,
        c1=first_committee,
        c2=second_committee,
        c1_first=factory.branch("第一党支部", parent=first_committee),
        c1_second=factory.branch("第二党支部", parent=first_committee),
        c2_first=factory.branch("第一党支部", parent=second_committee),
        closed=factory.branch("已撤销党支部", parent=second_committee, active=False),
        admin=factory.member("管理员", branch=top, role="admin", phone="13900000000"),
    )


ORGS = {build.__name__: build for build in
        (two_branches, office, finance, finance_staff, admin_tree, admin_branch, scopes, roster)}


# ------------------------------------------------------------------ roster files

ROSTER_HEADER = [header for _, header in COLUMNS]


def person(name="张三", phone="13811110001", branch="机关第一党委/第一党支部", **fields):
    """One roster row (a list in template column order); ``fields`` by Member field name."""
    values = {"name": name, "gender": "男", "birth_date": "1985-03", "phone": phone,
              "branch": branch, "unit": "办公室", "position": "科员", "rank": "一级科员",
              "political_status": "中共党员", "development_stage": "", "role": "", **fields}
    return [values[name] for name, _ in COLUMNS]


def xlsx_file(rows, header=ROSTER_HEADER, title=None, merge_title=False, before=None):
    """An XLSX roster: optional title row (merged across the header), header, rows.
    ``before(sheet)`` may change the sheet before it is saved."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    if title:
        sheet.append([title])
        if merge_title:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if before:
        before(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_file(rows, encoding="utf-8", header=ROSTER_HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
