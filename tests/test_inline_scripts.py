"""No inline script anywhere, so that a Content-Security-Policy without 'unsafe-inline'
for scripts can be switched on: every <script> of a page is a file (src=) or a JSON data
block, no element has an on…= handler, and no link is a javascript: URL. Checked on the
template sources and on every page the app renders for an admin and for a member."""
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from app.checkin import service as checkin
from app.registration import signup
from app.timeutil import utcnow

from .conftest import TEST_PASSWORD
from .event_factories import make_event, session_rows

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SCRIPTS = ROOT / "static" / "js"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class InlineScripts(HTMLParser):
    """Collects what a strict script-src would block, as readable lines."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.in_inline_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append("<script> without src")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def inline_scripts(html):
    parser = InlineScripts()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_each_kind_of_inline_script():
    assert inline_scripts('<p><script>alert(1)</script><button onclick="x()">a</button>'
                          '<a href=" JavaScript:void(0)">b</a><svg onload="x()"/></p>') == [
        "<script> without src", "<button onclick=…>", "<a href=javascript:…>", "<svg onload=…>"]
    assert inline_scripts('<script src="/static/js/forms.js"></script>'
                          '<script type="application/json" id="data">{"a": 1}</script>'
                          '<a href="/events" data-confirm="确定吗？">c</a>') == []


def test_templates_hold_no_inline_script_or_handler():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
            if "src=" not in tag and 'type="application/json"' not in tag:
                found.append(f"{name}: {tag}")
        found += [f"{name}: {m}" for m in re.findall(r"\son[a-z]+\s*=\s*[\"'{]", text, flags=re.I)]
        found += [f"{name}: javascript:" for _ in re.findall(r"javascript:", text, flags=re.I)]
    assert found == []


def test_scripts_need_no_eval():
    """A strict script-src also blocks eval() and new Function()."""
    for path in SCRIPTS.rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\(\s*['\"]", text), path


def log_in(app, member):
    client = app.test_client()
    response = client.post("/login", data={"phone": member.phone, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_every_page_renders_without_inline_script(app, factory):
    committee = factory.branch(name="机关党委", kind="committee")
    branch = factory.branch(name="办公室党支部", parent=committee)
    admin = factory.member(name="管理员", branch=committee, role="admin")
    member = factory.member(name="王秀英", branch=branch)
    start = (utcnow() - timedelta(minutes=5)).replace(microsecond=0)
    event = make_event(admin, sessions=session_rows(1, start=start), publish=True,
                       title="专题党课")
    session = event.sessions[0]
    reg = signup.register(admin, event.id, member_id=member.id)
    code = checkin.ticket_for(reg).code
    _, token = checkin.create_scanner_link(admin, event, "东门")
    values = {"event_id": event.id, "session_id": session.id, "registration_id": reg.id,
              "member_id": member.id, "branch_id": branch.id, "token": token}

    pages = {}
    for who, client in (("admin", log_in(app, admin)), ("member", log_in(app, member)),
                        ("anonymous", app.test_client())):
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static", "onsite.self_checkin"):
                continue
            args = {name: values[name] if name != "code" else code for name in rule.arguments
                    if name in values or name == "code"}
            if set(args) != set(rule.arguments):
                continue  # an id we have no row for (a roster batch): the template scan covers it
            url = rule.build(args, append_unknown=False)[1]
            response = client.get(url, follow_redirects=True)
            if response.mimetype == "text/html":
                pages[f"{who} {url}"] = inline_scripts(response.get_data(as_text=True))
    # The self check-in link checks the member in: once, at the end.
    self_url = f"/s/{session.id}/{checkin.current_slot_code(session.id)[0]}"
    answer = log_in(app, member).get(self_url, follow_redirects=True)
    pages[f"member {self_url}"] = inline_scripts(answer.get_data(as_text=True))

    assert {page: found for page, found in pages.items() if found} == {}
    seen = " ".join(pages)
    for url in (f"/checkin/sessions/{session.id}/scan", f"/checkin/sessions/{session.id}/board",
                f"/checkin/sessions/{session.id}/self", f"/events/{event.id}",
                f"/manage/events/{event.id}/registrants", f"/t/{code}", "/admin/audit", "/login"):
        assert url in seen
    assert len(pages) >= 40
