"""秩序册 of a contest or sports meet: who competes in which item, by item and by branch,
with the teams of team items, as a PDF for the judges and the announcer.

Reads the confirmed registrations and teams through registration.queries (the same lists
as the staff pages, the same branch scope); the people of an item are ordered by branch,
then by name in 拼音 order.
"""
from collections import Counter

from app import printing
from app.errors import DomainError
from app.extensions import db
from app.printing import Column, Group, Table
from app.registration import queries
from app.timeutil import utcnow

from . import reports
from .name_order import pinyin_key
from .report_files import Document, filename_for, record_download


def _entries(event, scope):
    """Confirmed registrations in ``scope`` with member, branch and items, by branch then
    拼音 (one query)."""
    found = db.session.scalars(queries.registrants(event.id, status="confirmed",
                                                   scope_branch=scope)).all()
    found.sort(key=lambda r: (r.branch.path, pinyin_key(r.member.name), r.member_id))
    return found


def build_programme(event, scope=None, now=None):
    """(pdf bytes, number of people) of the 秩序册."""
    if not event.has_items or not event.items:
        raise DomainError("programme_no_items")
    now = now or utcnow()
    entries = _entries(event, scope)
    items = list(event.items)
    chosen = {r.id: [ri.item_id for ri in r.items if ri.active] for r in entries}
    names = {item.id: item.name for item in items}
    tables = [_branches_table(entries, chosen)]
    for number, item in enumerate(items, 1):
        people = [r for r in entries if item.id in chosen[r.id]]
        if item.is_team:
            tables.append(_team_table(number, item, people, scope))
        else:
            tables.append(Table(
                [Column("序号", 0.6, "center"), Column("姓名", 1.4), Column("性别", 0.6, "center"),
                 Column("所在支部", 2.6), Column("职务", 1.4)],
                [(n, r.member.name, r.member.gender_label, r.branch.name, r.member.position or "")
                 for n, r in enumerate(people, 1)],
                caption=f"{_numeral(number)}、{item.name}（个人项目，{len(people)}人）",
                empty_text="（暂无报名）"))
    tables.append(_by_branch_table(entries, chosen, names))
    info = [*reports.event_info(event, scope), ("比赛项目", f"{len(items)} 项"),
            ("参赛人数", f"{len(entries)} 人")]
    pdf = printing.table_pdf(title="秩序册", info=info, tables=tables,
                             printed_at=reports.printed_at(now), footer=event.title)
    return pdf, len(entries)


def _numeral(number):
    digits = "零一二三四五六七八九十"
    if number <= 10:
        return digits[number]
    if number < 20:
        return "十" + digits[number - 10]
    tens, ones = divmod(number, 10)
    return digits[tens] + "十" + (digits[ones] if ones else "") if number < 100 else str(number)


def _branches_table(entries, chosen):
    counts = {}
    for registration in entries:
        name = registration.branch.name
        people, slots = counts.get((registration.branch_id, name), (0, 0))
        counts[(registration.branch_id, name)] = (people + 1, slots + len(chosen[registration.id]))
    return Table([Column("序号", 0.6, "center"), Column("参赛单位", 3.0),
                  Column("参赛人数", 1.0, "center"), Column("报名项次", 1.0, "center")],
                 [(n, name, people, slots) for n, ((_, name), (people, slots))
                  in enumerate(counts.items(), 1)],
                 caption="参赛单位", empty_text="（暂无报名）")


def _team_table(number, item, people, scope):
    teams = queries.teams_of(item, scope)
    in_team = set()
    rows = []
    for n, team in enumerate(teams, 1):
        members = sorted((m.registration.member.name for m in team.members if m.active),
                         key=pinyin_key)
        in_team.update(m.registration_id for m in team.members if m.active)
        rows.append((n, team.name, team.branch.name, f"{'、'.join(members)}（{len(members)}人）"))
    loose = {}
    for registration in people:
        if registration.id not in in_team:
            loose.setdefault(registration.branch.name, []).append(registration.member.name)
    for branch, members in loose.items():
        rows.append(("—", "（未组队）", branch, "、".join(members)))
    return Table([Column("序号", 0.6, "center"), Column("队名", 1.4), Column("所在支部", 2.0),
                  Column("队员", 4.0)], rows,
                 caption=f"{_numeral(number)}、{item.name}（团体项目，{len(teams)}队）",
                 empty_text="（暂无队伍）")


def _by_branch_table(entries, chosen, names):
    sizes = Counter(registration.branch_id for registration in entries)
    rows, current, number = [], None, 0
    for registration in entries:
        if registration.branch_id != current:
            current = registration.branch_id
            rows.append(Group(f"{registration.branch.name}（{sizes[current]}人）"))
        number += 1
        rows.append((number, registration.member.name, registration.member.gender_label,
                     "、".join(names[item_id] for item_id in chosen[registration.id])))
    return Table([Column("序号", 0.6, "center"), Column("姓名", 1.4), Column("性别", 0.6, "center"),
                  Column("参赛项目", 4.0)], rows, caption="按参赛单位", empty_text="（暂无报名）")


def programme_file(actor, event, branch_id=None):
    scope = reports.report_scope(actor, event, branch_id)
    data, count = build_programme(event, scope)
    record_download(actor, event, "programme", "pdf", count, scope)
    return Document(data, filename_for(event, "秩序册", fmt="pdf"), "pdf", count)
