"""The Chinese words of the audit log, collected from the features that record it.

Each feature declares, in its ``constants.py``, the actions its services record and the
detail keys they write:

    AUDIT_ACTIONS = {"branch.create": "新建组织", ...}
    AUDIT_DETAILS = {"branch": {"kind": ("类型", BRANCH_KINDS), ...}, ...}

AUDIT_DETAILS is keyed by the table an entry is about (its target), then by detail key;
each key maps to ``(label, values)`` or ``(label, values, shown for an empty value)``:
- values ``None``: text and numbers as they are, booleans as 是/否, times in local time;
- a ``{code: label}`` table or a function of the code: the code's Chinese name (a
  label of None leaves the part out, e.g. ``locked: False``);
- a kind of row, for ids: "branch", "member", "event", "session", "registration",
  "registrant" (the person of a registration), "item"; or "spec" for an eligibility spec.
A label of "" shows the value alone. A key mapped to None is left out: the entry's
target already names it. Keys every entry may carry (event_id, member_id ...) are in
COMMON_DETAILS below, and a change of X may be recorded as ``from_X``/``to_X``.
"""
from app.auth import constants as auth
from app.certificates import constants as certificates
from app.checkin import constants as checkin
from app.corrections import constants as corrections
from app.events import constants as events
from app.org import constants as org
from app.registration import constants as registration
from app.results import constants as results
from app.stats import constants as stats
from app.stats import record_constants as stats_records

FEATURES = (org, auth, events, registration, checkin, results, certificates, stats, corrections,
            stats_records)

COMMON_DETAILS = {
    "event_id": ("活动", "event"),
    "member_id": ("人员", "member"),
    "session_id": ("场次", "session"),
    "registration_id": ("报名", "registration"),
    "item_id": ("项目", "item"),
    "branch_id": ("组织", "branch"),
}

# Filters of the audit page: key -> (label, action prefixes, prefixes left out).
GROUPS = {
    "branch": ("组织", ("branch.",), ()),
    "member": ("人员", ("member.",), ("member.import",)),
    "auth": ("登录", ("auth.",), ()),
    "import": ("导入", ("member.import",), ()),
    "event": ("活动", ("event.",), ()),
    "registration": ("报名", ("registration.", "team."), ()),
    "leave": ("请假", ("leave.",), ()),
    "checkin": ("签到", ("checkin.", "scanner_link."), ()),
    "results": ("成绩", ("results.", "judge."), ()),
    "certificate": ("证书", ("certificate.",), ()),
    "stats": ("统计", ("stats.",), ()),
    "correction": ("补签申请", ("correction.",), ()),
    "hours_target": ("学时目标", ("hours_target.",), ()),
}


def _collect():
    actions, details = {}, {}
    for feature in FEATURES:
        for action, label in feature.AUDIT_ACTIONS.items():
            if action in actions:
                raise ValueError(f"audit action {action} is declared twice")
            actions[action] = label
        for table, keys in feature.AUDIT_DETAILS.items():
            known = details.setdefault(table, {})
            for key, declared in keys.items():
                if key in known and known[key] != declared:
                    raise ValueError(f"audit detail {table}.{key} is declared twice, differently")
                known[key] = declared
    return actions, details


ACTIONS, DETAILS = _collect()


def action_label(action):
    return ACTIONS.get(action, action)


def detail(table, key):
    """``(label, values, empty text)`` for a detail key of an entry about ``table``; None
    for a key left out; the key itself as label when nobody declared it."""
    declared = DETAILS.get(table, {}).get(key, COMMON_DETAILS.get(key, (key, None)))
    if declared is None:
        return None
    label, values, *empty = declared
    return label, values, (empty[0] if empty else "（空）")
