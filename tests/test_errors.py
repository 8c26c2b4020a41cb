"""One error class and one table of messages (app/errors.py): every code raised in app/
has a Chinese message, every message is raised somewhere, the JSON error body has one
shape, and a refusal's HTTP status travels with it."""
import ast
from pathlib import Path

import pytest

from app.api.openapi import ERROR_CODES
from app.checkin.constants import CHECKIN_REFUSALS
from app.errors import HTTP_CODES, MESSAGES, DomainError, error_body
from app.extensions import db

APP = Path(__file__).resolve().parent.parent / "app"

# Calls that take a code, and the position of the code among their arguments.
CODE_ARGUMENT = {
    "DomainError": 0, "message_for": 0, "error_body": 0,
    "_CellError": 0,  # one cell of a roster row (org/roster)
    "_refuse_without_row": 0,  # checkin.service: a refusal no row is written for
    "_problem": 3,  # org/roster: (row number, column, value, code)
    "_error": 1,  # api.views: (status, code)
    "page": 3,  # app/__init__.py error pages: (status, title, text, code)
}
# perform_checkin()'s refusals are data: returned by these functions, or assigned to these
# names, in app/checkin; they must be the codes of constants.CHECKIN_REFUSALS.
REFUSAL_FUNCTIONS = {"_identify", "_check", "_timing", "_check_state", "already_done"}
REFUSAL_NAMES = {"refusal", "code"}


def _name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _strings(node):
    """String constants an expression can evaluate to (a literal, either side of an
    if-else, the items of a tuple)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.Tuple):
        return set().union(*(_strings(e) for e in node.elts)) if node.elts else set()
    return set()


def _sources():
    for path in sorted(APP.rglob("*.py")):
        yield path, ast.parse(path.read_text(), str(path))


def raised_codes():
    """{code: where} for every code handed to a call that raises or shows one."""
    found = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in CODE_ARGUMENT:
                position = CODE_ARGUMENT[_name(node)]
                if len(node.args) > position:
                    for code in _strings(node.args[position]):
                        found.setdefault(code, f"{path.relative_to(APP.parent)}:{node.lineno}")
    return found


def refusal_codes_in_checkin():
    """Codes app/checkin hands around as data (perform_checkin's ordered checks)."""
    found = set()
    for path, tree in _sources():
        if path.parent.name != "checkin":
            continue
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef) and func.name in REFUSAL_FUNCTIONS:
                for node in ast.walk(func):
                    if isinstance(node, ast.Return) and node.value is not None:
                        found |= _strings(node.value)
            if isinstance(func, ast.FunctionDef):
                for node in ast.walk(func):
                    if isinstance(node, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id in REFUSAL_NAMES for t in node.targets):
                        found |= _strings(node.value)
    return found


def test_every_code_raised_has_a_message():
    missing = {code: where for code, where in raised_codes().items() if code not in MESSAGES}
    assert missing == {}


def test_the_check_in_refusals_handed_around_as_data_are_the_listed_ones():
    assert refusal_codes_in_checkin() == set(CHECKIN_REFUSALS)
    assert set(CHECKIN_REFUSALS) <= set(MESSAGES)


def codes_as_data():
    """Codes app/ hands around as values before raising or showing them: perform_checkin's
    refusals (checkin), registration's refusals returned by its checks (item_full,
    cannot_cancel_now ...), the form readers' codes passed as arguments (events/forms.py),
    the codes of HTTP errors: every string literal outside errors.py and the API's
    documentation that is a code."""
    found = set()
    for path, tree in _sources():
        if path.name == "errors.py" or path.name == "openapi.py":
            continue
        found |= {node.value for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in MESSAGES}
    return found


def test_every_message_is_raised_somewhere():
    assert set(raised_codes()) <= codes_as_data()
    assert sorted(set(MESSAGES) - codes_as_data() - set(HTTP_CODES.values())) == []


def test_the_api_documents_only_codes_with_messages():
    assert set(ERROR_CODES) <= set(MESSAGES)
    assert set(HTTP_CODES.values()) <= set(ERROR_CODES)


def test_one_error_class_with_an_optional_http_status():
    assert DomainError("not_found").http_status == 404
    assert DomainError("event_not_found").http_status == 404
    assert DomainError("forbidden", http_status=403).http_status == 403
    error = DomainError("api_bad_field", field="age", name="age", why="应为数字。")
    assert (error.http_status, error.field) == (400, "age")
    assert error.message == "请求中的「age」有误：应为数字。"
    error = {"code": "event_cancelled", "message": "活动已取消。"}
    assert error_body("event_cancelled") == {"result": "error", **error, "error": error}
    # Only one error class of that shape is left in app/.
    classes = {node.name for _, tree in _sources() for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef) and node.name in ("ScanDenied", "ApiError")}
    assert classes == set()


def test_a_writer_inside_another_writer_is_refused_before_it_commits_anything(factory):
    # A nested write_transaction() would commit the outer one's half-done work.
    from app.org.models import Branch
    from app.txn import write_transaction

    with pytest.raises(RuntimeError, match="wrapped twice"):
        with write_transaction():
            db.session.add(Branch(name="半途", kind="committee", path="/x/"))
            with write_transaction():
                pass
    assert db.session.scalar(db.select(Branch).filter_by(name="半途")) is None
    with write_transaction():  # the guard is released: the next writer runs
        pass
