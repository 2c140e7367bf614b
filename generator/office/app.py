"""`wanjia office`: the township's office server (Starlette on uvicorn, both maintained ASGI parts
with TLS built in; SQLite as the store). It serves the internal site and a small records API, and
nothing internal without a login.

Access is checked on every request from the township's own files: a cadre or 网格员 records only
households of the villages whose team they are on (a grid worker: the grids they serve); 综治办 sees
everything. Passwords are argon2 hashes; sessions are random tokens stored hashed, in an HttpOnly,
SameSite=Strict cookie (Secure over https); every write carries the session's CSRF token.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..content.model import OUTCOMES, PROBLEM_KINDS, Project
from ..store import ROLES, SESSION_HOURS, Store, User, now

COOKIE = "wanjia_session"
NOTE_LIMIT = 500
BATCH_LIMIT = 200
HASHER = PasswordHasher()
DUMMY_HASH = HASHER.hash("不是任何人的密码")  # unknown names take as long as wrong passwords


@dataclass(frozen=True)
class Reach:
    """Which villages and grids a user may record in."""
    villages: frozenset[str]
    grids: frozenset[str]
    village_of: dict[str, str]   # grid → its village, for every grid of the township


def reach_of(project: Project, user: User) -> Reach:
    village_of = {g.id: v.id for v in project.township.villages for g in v.grids}
    if user.role == "综治办":
        return Reach(frozenset(v.id for v in project.township.villages), frozenset(village_of), village_of)
    villages: set[str] = set()
    grids: set[str] = set()
    for v in project.township.villages:
        if user.cadre in v.team.members:
            villages.add(v.id)
            grids.update(g.id for g in v.grids)
        for g in v.grids:
            if g.worker == user.cadre:
                villages.add(v.id)
                grids.add(g.id)
    return Reach(frozenset(villages), frozenset(grids), village_of)


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _check_entry(raw: object, households: dict, reach: Reach, user: User, today: dt.date) -> tuple[dict | None, str]:
    """An entry from a phone, checked field by field; (entry, "") or (None, why in Chinese)."""
    if not isinstance(raw, dict):
        return None, "格式不对"
    cid = raw.get("id")
    if not isinstance(cid, str) or not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", cid):
        return None, "缺少记录编号"
    household = households.get(str(raw.get("household", "")))
    if household is None:
        return None, f"户号「{str(raw.get('household', ''))[:40]}」不在农户登记表里"
    if household.grid not in reach.grids:
        return None, "这一户不在您包的村或网格，不能记录"
    try:
        day = dt.date.fromisoformat(str(raw.get("date", "")))
        recorded = dt.datetime.fromisoformat(str(raw.get("recorded_at", "")))
    except ValueError:
        return None, "日期或时间格式不对"
    if not -31 <= (day - today).days <= 1:
        return None, "日期不对：只能记录今天和一个月以内的走访"
    outcome = raw.get("outcome")
    if outcome not in OUTCOMES:
        return None, f"走访结果应为 {'、'.join(OUTCOMES)} 之一"
    problems = raw.get("problems") or []
    if not isinstance(problems, list) or not set(problems) <= set(PROBLEM_KINDS):
        return None, f"问题类别应为 {'、'.join(PROBLEM_KINDS)}"
    note = raw.get("note") or ""
    if not isinstance(note, str) or len(note) > NOTE_LIMIT:
        return None, f"问题说明太长（最多 {NOTE_LIMIT} 字）"
    village = reach.village_of[household.grid]
    return {"id": cid, "household": household.id, "door": household.door, "head": household.head,
            "date": day.isoformat(), "village": village,
            "grid": household.grid, "outcome": outcome, "problems": sorted(set(problems)), "note": note.strip(),
            "follow_up": bool(raw.get("follow_up")), "cadres": [user.cadre or user.name],
            "visit": str(raw.get("visit", ""))[:80], "recorded_at": recorded.isoformat()}, ""


STATIC = Path(__file__).parent / "static"
APP_FILES = {"": "app.html", "app.js": "app.js", "app.css": "app.css", "sw.js": "sw.js"}


def make_app(project: Project, store: Store, internal_site: Path | None, secure: bool, plan=None,
             clock=now) -> Starlette:
    """`plan`: the year's Plan, for 我的今天 (without it the app lists no visits); `clock`: the
    server's time (a test may set it to a day of the plan)."""
    households = {h.id: h for h in project.households}

    def current(request: Request) -> tuple[User, str] | None:
        token = request.cookies.get(COOKIE)
        return store.session(token) if token else None

    async def login_page(request: Request) -> Response:
        message = escape(request.query_params.get("m", ""))
        return HTMLResponse(
            '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width,initial-scale=1"><title>登录</title><body style="font-size:18px;'
            'max-width:22rem;margin:2rem auto;font-family:sans-serif"><h1>万家：登录</h1>'
            f'<p style="color:#b71c1c">{message}</p><form method="post" action="/login">'
            '<p><label>账号<br><input name="name" autocomplete="username" required></label></p>'
            '<p><label>密码<br><input name="password" type="password" autocomplete="current-password" required>'
            '</label></p><p><button>登录</button></p></form></body></html>')

    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        row = store.password_of(name)
        user = store.user(name)
        if row and row[2] and dt.datetime.fromisoformat(row[2]) > now():
            return RedirectResponse("/login?m=" + "密码错误次数太多，账号暂时锁定，请过一会儿再试", status_code=303)
        try:
            HASHER.verify(row[0] if row else DUMMY_HASH, password)
            ok = row is not None
        except VerificationError:
            ok = False
        if not ok or user is None or user.disabled:
            if row:
                store.failed_login(name)
            store.audit(name[:40], "登录失败", "")
            return RedirectResponse("/login?m=" + ("账号已停用" if user and user.disabled and ok else "账号或密码不对"),
                                    status_code=303)
        token, _ = store.open_session(user)
        response = RedirectResponse("/internal/" if user.role == "综治办" else "/app/", status_code=303)
        response.set_cookie(COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                            secure=secure, path="/")
        return response

    async def logout(request: Request) -> Response:
        session = current(request)
        if session and request.headers.get("x-csrf-token") == session[1]:
            store.close_session(request.cookies[COOKIE])
            store.audit(session[0].name, "退出", "")
        response = JSONResponse({"ok": True})
        response.delete_cookie(COOKIE, path="/")
        return response

    async def me(request: Request) -> Response:
        session = current(request)
        if session is None:
            return _refuse(401, "请先登录")
        user, csrf = session
        reach = reach_of(project, user)
        return JSONResponse({"name": user.name, "role": user.role, "csrf": csrf,
                             "villages": sorted(reach.villages)}, headers={"Cache-Control": "no-store"})

    async def records(request: Request) -> Response:
        session = current(request)
        if session is None:
            return _refuse(401, "登录已过期，请重新登录（手机上没发出的记录会保留）")
        user, csrf = session
        if request.headers.get("x-csrf-token") != csrf:
            return _refuse(403, "请求没有有效的校验码，请刷新页面后重试")
        try:
            body = await request.json()
        except ValueError:
            return _refuse(400, "格式不对")
        entries = body.get("entries") if isinstance(body, dict) else None
        if not isinstance(entries, list) or len(entries) > BATCH_LIMIT:
            return _refuse(400, f"一次最多发送 {BATCH_LIMIT} 条")
        reach = reach_of(project, user)
        results = []
        for raw in entries:
            entry, why = _check_entry(raw, households, reach, user, clock().date())
            if entry is None:
                rid = str(raw.get("id", "")) if isinstance(raw, dict) else ""
                results.append({"id": rid[:64], "status": "拒收", "reason": why})
                store.audit(user.name, "拒收记录", why)
                continue
            results.append({"id": entry["id"], "status": store.upsert(entry, user)})
        refused = any(r["status"] == "拒收" for r in results)
        return JSONResponse({"results": results}, status_code=422 if refused and len(results) == 1 else 200,
                            headers={"Cache-Control": "no-store"})

    async def app_file(request: Request) -> Response:
        name = APP_FILES.get(request.path_params.get("name", ""))
        if name is None:
            return _refuse(404, "没有这个页面")
        headers = {"Cache-Control": "no-cache"}
        if name == "sw.js":
            headers["Service-Worker-Allowed"] = "/app/"
        return FileResponse(STATIC / name, headers=headers)

    async def today(request: Request) -> Response:
        """The day's door-to-door visits in the user's villages, with the register's households and
        what the last visit left to follow up."""
        session = current(request)
        if session is None:
            return _refuse(401, "请先登录")
        user = session[0]
        try:
            day = dt.date.fromisoformat(request.query_params.get("date", ""))
        except ValueError:
            day = clock().date()
        reach = reach_of(project, user)
        # The last record of each household decides (captured here or typed up from paper and
        # imported): a later visit that found nothing closes it.
        last = {r["household"]: (r["note"] or "、".join(r["problems"])) if r["follow_up"] else ""
                for r in store.rows("records") if r["household"]}  # ordered by day
        follow = {h: note for h, note in last.items() if note}
        visits = []
        for v in (plan.visits if plan else ()):
            if v.date != day or v.kind != "入户走访" or v.grid not in reach.grids:
                continue
            if user.role != "综治办" and user.cadre not in v.members:
                continue
            village, grid = project.grid[v.grid]
            visits.append({"uid": v.uid, "slot": v.slot.name, "village": village.name, "grid": grid.name,
                           "households": [{"id": h, "door": households[h].door, "head": households[h].head,
                                           "flags": list(households[h].flags), "follow_up": follow.get(h, "")}
                                          for h in v.household_ids if h in households]})
        return JSONResponse({"date": day.isoformat(), "visits": visits}, headers={"Cache-Control": "no-store"})

    async def internal(request: Request) -> Response:
        session = current(request)
        if session is None:
            return RedirectResponse("/login?m=" + "内部资料，请先登录", status_code=303)
        if session[0].role != "综治办":
            return _refuse(403, "内部版只有综治办可以看")
        if internal_site is None:
            return _refuse(404, "还没有生成内部版：先运行 wanjia build --internal")
        rel = request.path_params.get("path", "")
        target = (internal_site / rel).resolve()
        if internal_site.resolve() not in (target, *target.parents):
            return _refuse(404, "没有这个页面")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return _refuse(404, "没有这个页面")
        return FileResponse(target, headers={"Cache-Control": "no-store"})

    class SecurityHeaders(BaseHTTPMiddleware):
        async def dispatch(self, request: Request, call_next):
            response = await call_next(request)
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "same-origin"
            response.headers["Content-Security-Policy"] = ("default-src 'self'; img-src 'self' data:; "
                                                           "style-src 'self' 'unsafe-inline'")
            if secure:
                response.headers["Strict-Transport-Security"] = "max-age=31536000"
            return response

    return Starlette(middleware=[Middleware(SecurityHeaders)], routes=[
        Route("/login", login_page, methods=["GET"]), Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]), Route("/api/me", me), Route("/api/records", records, methods=["POST"]),
        Route("/internal/{path:path}", internal), Route("/internal", internal),
        Route("/api/today", today), Route("/app/{name:path}", app_file),
    ])


def hash_password(password: str) -> str:
    return HASHER.hash(password)


__all__ = ["ROLES", "make_app", "hash_password", "reach_of", "Store"]
