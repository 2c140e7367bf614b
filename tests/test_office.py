"""The office server for real: uvicorn on loopback, SQLite on disk, accounts made with the CLI, and a
client that logs in with a cookie and posts records as the phone will."""
from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import uvicorn
from conftest import REPO, demo_outreach

from generator.office.app import make_app
from generator.store import MAX_FAILURES, Store

PASSWORD = "青禾镇走访2027年"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    """A store with three accounts made by `wanjia users add`: a cadre of 新桥村's team, one of
    桃园村's, and the 综治办. Made once; each test gets its own copy."""
    import io
    import sys

    from generator.cli import main

    db = tmp_path_factory.mktemp("accounts") / "office.sqlite"
    project = demo_outreach().project
    village = project.village["xinqiao"]
    cadre = village.team.members[0]
    other = next(c for c in project.village["taoyuan"].team.members if c not in village.team.members)
    for name, role, extra in (("新桥干部", "干部", ["--cadre", cadre]), ("桃园干部", "干部", ["--cadre", other]),
                              ("综治办", "综治办", [])):
        sys.stdin = io.StringIO(PASSWORD + "\n")
        try:
            code = main(["-C", str(REPO), "users", "add", name, "--role", role, *extra, "--password-stdin",
                         "--db", str(db)])
        finally:
            sys.stdin = sys.__stdin__
        assert code == 0
    return db


@pytest.fixture
def office(tmp_path, accounts):
    """The office server running on loopback over its own copy of the accounts."""
    import shutil

    db = tmp_path / "office.sqlite"
    shutil.copy2(accounts, db)
    project = demo_outreach().project
    store = Store(db)
    site = tmp_path / "internal"
    (site / "internal").mkdir(parents=True)
    (site / "index.html").write_text("<h1>内部版首页</h1>", "utf-8")
    (site / "internal" / "index.html").write_text("<h1>入户走访登记表（内部）</h1>", "utf-8")
    server = uvicorn.Server(uvicorn.Config(make_app(project, store, site, secure=False), host="127.0.0.1", port=0,
                                           log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", store, project
    server.should_exit = True
    thread.join(5)
    store.close()


class Phone:
    """A browser-like client: cookies kept, the CSRF token sent on writes."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def call(self, method: str, path: str, body: dict | None = None, form: dict | None = None, csrf: bool = True):
        data, headers = None, {}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if csrf and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request) as r:
                return r.status, r.geturl(), r.read().decode("utf-8"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.url, e.read().decode("utf-8"), dict(e.headers)

    def login(self, name: str, password: str = PASSWORD):
        status, url, text, _ = self.call("POST", "/login", form={"name": name, "password": password})
        me = self.call("GET", "/api/me")
        if me[0] == 200:
            self.csrf = json.loads(me[2])["csrf"]
        return url, text, me


def entry(household: str, outcome: str = "已走访", **extra) -> dict:
    today = dt.date.today().isoformat()
    return {"id": uuid.uuid4().hex, "household": household, "date": today, "outcome": outcome, "problems": [],
            "note": "", "follow_up": False, "recorded_at": dt.datetime.now().isoformat(timespec="seconds"), **extra}


def test_login_record_and_replay_store_each_visit_once(office):
    base, store, project = office
    phone = Phone(base)
    _, _, me = phone.login("新桥干部")
    assert me[0] == 200 and json.loads(me[2])["villages"] == ["xinqiao"]
    cookie = next(c for c in phone.jar)
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.name == "wanjia_session"
    first = entry("xinqiao-1-001")
    batch = {"entries": [first, entry("xinqiao-1-002", "不在家")]}
    status, _, text, headers = phone.call("POST", "/api/records", batch)
    assert status == 200 and [r["status"] for r in json.loads(text)["results"]] == ["已保存", "已保存"]
    assert headers["x-content-type-options"] == "nosniff" and "no-store" in headers["cache-control"]
    again = phone.call("POST", "/api/records", batch)  # the phone retries after a lost answer
    assert [r["status"] for r in json.loads(again[2])["results"]] == ["已收到过", "已收到过"]
    assert len(_phone(store)) == 2
    actions = [a for (a,) in store.db.execute("SELECT action FROM audit")]
    assert "登录" in actions and actions.count("记录走访") == 2


def test_two_team_members_at_one_door_merge(office):
    base, store, project = office
    a = Phone(base)
    a.login("新桥干部")
    office_phone = Phone(base)
    office_phone.login("综治办")
    early = entry("xinqiao-1-003", "不在家", problems=["隐患"], recorded_at="2027-01-04T19:00:00")
    late = entry("xinqiao-1-003", "已走访", problems=["求助"], note="想问法律援助", recorded_at="2027-01-04T19:40:00")
    assert json.loads(a.call("POST", "/api/records", {"entries": [early]})[2])["results"][0]["status"] == "已保存"
    assert json.loads(office_phone.call("POST", "/api/records", {"entries": [late]})[2])["results"][0]["status"] == "已合并"
    (row,) = [r for r in _phone(store) if r["household"] == "xinqiao-1-003"]
    assert row["outcome"] == "已走访" and row["problems"] == ["求助", "隐患"] and len(row["cadres"]) == 2
    assert store.db.execute("SELECT count(*) FROM conflicts").fetchone()[0] == 1


@pytest.mark.parametrize("user,change,why", [
    ("桃园干部", {}, "不在您包的村或网格"),   # another village's household
    ("新桥干部", {"household": "no-such-house"}, "不在农户登记表里"),
    ("新桥干部", {"note": "很长" * 300}, "太长"),
    ("新桥干部", {"outcome": "没人"}, "走访结果应为"),
    ("新桥干部", {"problems": ["<script>"]}, "问题类别应为"),
])
def test_a_bad_entry_is_refused_with_its_reason_and_nothing_stored(office, user, change, why):
    base, store, project = office
    phone = Phone(base)
    phone.login(user)
    status, _, text, _ = phone.call("POST", "/api/records", {"entries": [{**entry("xinqiao-1-004"), **change}]})
    result = json.loads(text)["results"][0]
    assert status == 422 and result["status"] == "拒收" and why in result["reason"]
    assert _phone(store) == []


def test_writes_need_the_session_and_its_csrf_token(office):
    base, store, project = office
    stranger = Phone(base)
    status, _, text, _ = stranger.call("POST", "/api/records", {"entries": [entry("xinqiao-1-001")]})
    assert status == 401 and "请先登录" in text or "登录已过期" in text
    phone = Phone(base)
    phone.login("新桥干部")
    token = phone.csrf
    phone.csrf = ""
    assert phone.call("POST", "/api/records", {"entries": [entry("xinqiao-1-001")]})[0] == 403
    phone.csrf = "x" + token  # a token from elsewhere
    assert phone.call("POST", "/api/records", {"entries": [entry("xinqiao-1-001")]})[0] == 403
    assert _phone(store) == []


def test_wrong_passwords_lock_the_account_and_a_disabled_user_is_out(office, wanjia):
    base, store, project = office
    for _ in range(MAX_FAILURES):
        url, text, me = Phone(base).login("新桥干部", "不对的密码")
        assert me[0] == 401 and "账号或密码不对" in text
    url, text, me = Phone(base).login("新桥干部")  # even the right password, for a while
    assert me[0] == 401 and "锁定" in text
    store.db.execute("UPDATE users SET locked_until = NULL WHERE name = '综治办'")
    phone = Phone(base)
    assert phone.login("综治办")[2][0] == 200
    run = wanjia("-C", REPO, "users", "disable", "综治办", "--db", store.path)
    assert run.code == 0
    assert phone.call("GET", "/api/me")[0] == 401  # its session ended with it


def test_internal_site_only_behind_a_login_and_only_for_the_office(office):
    base, store, project = office
    status, url, text, _ = Phone(base).call("GET", "/internal/")
    assert url.endswith("/login?m=" + urllib.parse.quote("内部资料，请先登录")) or "登录" in text
    assert "入户走访登记表" not in text
    cadre = Phone(base)
    cadre.login("新桥干部")
    assert cadre.call("GET", "/internal/")[0] == 403
    office_phone = Phone(base)
    office_phone.login("综治办")
    status, _, text, _ = office_phone.call("GET", "/internal/internal/")
    assert status == 200 and "入户走访登记表" in text
    assert office_phone.call("GET", "/internal/../../etc/passwd")[0] == 404


def test_passwords_are_argon2_and_never_stored_in_clear(office):
    base, store, project = office
    stored = [p for (p,) in store.db.execute("SELECT password FROM users")]
    assert all(p.startswith("$argon2id$") for p in stored) and not any(PASSWORD in p for p in stored)
    data = Path(store.path).read_bytes()
    assert PASSWORD.encode() not in data


def test_plain_http_off_loopback_is_refused(wanjia):
    run = wanjia("-C", REPO, "office", "--host", "0.0.0.0", "--port", "0")
    assert run.code == 2 and "https" in run.err


def test_backup_copies_the_store_while_it_runs(office, tmp_path, wanjia):
    base, store, project = office
    phone = Phone(base)
    phone.login("新桥干部")
    phone.call("POST", "/api/records", {"entries": [entry("xinqiao-1-005")]})
    copy = tmp_path / "backup.sqlite"
    assert wanjia("-C", REPO, "backup", copy, "--db", store.path).code == 0
    assert len(_phone(Store(copy))) == 1


def test_a_phone_records_three_visits_offline_and_they_arrive_once(accounts, tmp_path):
    """Chromium at 360×740 logs in, opens 我的今天, loses the network, records three doors, gets the
    network back: the three rows are in SQLite exactly once, and sending again changes nothing."""
    import shutil

    from conftest import need_chromium

    need_chromium()
    from playwright.sync_api import sync_playwright

    from generator.dev.search_eval import CHROMIUM_ARGS

    outreach = demo_outreach()
    project = outreach.project
    cadre = project.village["xinqiao"].team.members[0]
    visit = next(v for v in outreach.plan.visits if v.kind == "入户走访" and v.village == "xinqiao"
                 and cadre in v.members and len(v.household_ids) >= 3)
    day = dt.datetime.combine(visit.date, dt.time(19, 0))
    db = tmp_path / "office.sqlite"
    shutil.copy2(accounts, db)
    store = Store(db)
    app = make_app(project, store, None, secure=False, plan=outreach.plan, clock=lambda: day.replace(tzinfo=dt.UTC))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                          locale="zh-CN", bypass_csp=True)  # the test's own probes are eval'd
            page = context.new_page()
            page.clock.set_fixed_time(day)  # the phone's date decides what 我的今天 lists
            page.goto(base + "/login")
            page.fill("input[name=name]", "新桥干部")
            page.fill("input[name=password]", PASSWORD)
            page.click("button")
            page.wait_for_selector(".house")
            listed = page.eval_on_selector_all(".house", "els => els.map(e => e.dataset.house)")
            assert set(visit.household_ids) <= set(listed)
            context.set_offline(True)
            for k in range(3):
                page.locator(".house").nth(k).click()
                if k == 1:
                    page.check("input[value=不在家]")
                if k == 2:
                    page.check("input[value=求助]")
                    page.check("input[name=follow]")
                    page.fill("textarea[name=note]", '=HYPERLINK("http://x","点我") 想问法律援助')
                page.click("#save")
                page.wait_for_function("k => document.getElementById('queue').textContent.includes('还有 ' + k + ' 条')",
                                       arg=k + 1, timeout=10000)
            assert _phone(store) == []
            context.set_offline(False)
            page.evaluate("window.dispatchEvent(new Event('online'))")
            page.wait_for_function("document.getElementById('queue').textContent === '没有待上传的记录'", timeout=15000)
            page.click("#send")  # again: nothing is doubled
            time.sleep(0.5)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
    rows = _phone(store)
    assert sorted(r["household"] for r in rows) == sorted(listed[:3])
    assert sorted(r["outcome"] for r in rows) == ["不在家", "已走访", "已走访"]
    note = next(r["note"] for r in rows if r["note"])
    assert '=HYPERLINK("http://x","点我") 想问法律援助' in note  # stored as typed; written out as text, never as a formula
    assert store.db.execute("SELECT count(*) FROM entries").fetchone()[0] == 3
    store.close()


def _serve(db: Path, port: int):
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "from generator.cli import main; raise SystemExit(main())",
                                "-C", str(REPO), "office", "--port", str(port), "--db", str(db)],
                               stderr=subprocess.PIPE)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.stderr.read().decode("utf-8", "replace")[-800:])


def test_killed_mid_sync_and_restarted_nothing_is_lost_or_doubled(accounts, tmp_path, wanjia):
    import shutil
    import signal
    import socket

    db = tmp_path / "office.sqlite"
    shutil.copy2(accounts, db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    households = [h.id for h in demo_outreach().project.households if h.grid.startswith("xinqiao")][:120]
    batch = {"entries": [entry(h, note='=HYPERLINK("http://x","点我")' if k == 0 else "") for k, h in enumerate(households)]}
    server = _serve(db, port)
    phone = Phone(base)
    phone.login("新桥干部")
    def send() -> None:
        try:
            phone.call("POST", "/api/records", batch)
        except OSError:
            pass  # the connection dies with the server: the phone keeps its queue
    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(0.15)
    server.send_signal(signal.SIGKILL)  # the box loses power in the middle of a sync
    server.wait()
    sender.join(10)
    server = _serve(db, port)
    try:
        status, _, text, _ = phone.call("POST", "/api/records", batch)  # the phone sends its queue again
        assert status == 200, text
        assert {r["status"] for r in json.loads(text)["results"]} <= {"已保存", "已收到过"}
    finally:
        server.terminate()
        server.wait()
    store = Store(db)
    assert len(_phone(store)) == len(households)
    assert store.db.execute("SELECT count(*) FROM entries").fetchone()[0] == len(households)
    out = tmp_path / "phone.csv"
    assert wanjia("-C", REPO, "records", "export", out, "--db", db).code == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert sum(line.endswith(",手机") for line in text.splitlines()) == len(households)
    assert ',=HYPERLINK' not in text and "'=HYPERLINK" in text  # a note never becomes a formula
    store.close()


def test_follow_ups_from_paper_and_phone_reach_the_next_visit_and_count_in_the_report(tmp_path, accounts, wanjia):
    """我的今天 shows what the last visit left open, whether it was typed up from paper and imported
    or captured on the phone; a later visit that found nothing closes it. The report reads the same
    database: the phone's records count at once, marked 手机."""
    import dataclasses
    import shutil

    from generator.plan.records import VISITS

    outreach = demo_outreach()
    project = outreach.project
    cadre = project.village["xinqiao"].team.members[0]
    last_typed = {}
    for r in outreach.field.records:
        last_typed[r.household] = max(r.date, last_typed.get(r.household, r.date))
    # A visit whose first two households the demo's own records say nothing of from three days before.
    visit = next(v for v in outreach.plan.visits if v.kind == "入户走访" and v.village == "xinqiao"
                 and cadre in v.members and len(v.household_ids) >= 2
                 and all(last_typed.get(h, dt.date.min) < v.date - dt.timedelta(days=3) for h in v.household_ids[:2]))
    h1, h2 = visit.household_ids[:2]
    paper = dataclasses.replace(outreach.field.records[0], household=h1, village="xinqiao", grid=visit.grid,
                                date=visit.date - dt.timedelta(days=3), follow_up=True, problems=("纠纷",),
                                note="纸质登记：宅基地界址有争议，待调解", source="导入")
    db = tmp_path / "office.sqlite"
    shutil.copy2(accounts, db)
    store = Store(db)
    with store.transaction():
        store.put("records", VISITS.stored(paper), "测试")
    noon = dt.datetime.combine(visit.date, dt.time(12, 0), tzinfo=dt.UTC)
    app = make_app(project, store, None, secure=False, plan=outreach.plan, clock=lambda: noon)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    phone = Phone(f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}")
    try:
        phone.login("新桥干部")

        def open_items() -> dict:
            status, _, text, _ = phone.call("GET", f"/api/today?date={visit.date.isoformat()}")
            assert status == 200
            return {h["id"]: h["follow_up"] for v in json.loads(text)["visits"] for h in v["households"] if h["follow_up"]}

        assert open_items()[h1] == paper.note
        day = visit.date.isoformat()
        asked = entry(h2, problems=["求助"], follow_up=True, note="想申请法律援助", date=day)
        assert phone.call("POST", "/api/records", {"entries": [asked]})[0] == 200
        assert open_items()[h2] == "想申请法律援助"
        assert phone.call("POST", "/api/records", {"entries": [entry(h1, date=day)]})[0] == 200
        assert h1 not in open_items()   # visited again, nothing left open
    finally:
        server.should_exit = True
        thread.join(5)
        store.close()
    report = wanjia("-C", REPO, "report", "--month", f"{visit.date.year}-{visit.date.month}", "--db", db)
    assert report.code == 0, report.err
    assert "手机上门录入 2 条" in report.out


def _phone(store: Store) -> list[dict]:
    """The records captured on the phone (the database also holds the demo's typed-up ones)."""
    return [r for r in store.rows("records") if r["source"] == "手机"]
