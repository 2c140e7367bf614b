"""The office's store: SQLite (WAL), with numbered migrations, holding accounts, sessions, the visit
records captured at the door, and an audit log of who recorded or changed what, when.

It lives outside the repository (credentials must never be committed): by default in the user's data
folder, one file per township. `wanjia backup` copies it with SQLite's online backup, safe while the
server runs."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

MIGRATIONS = (
    """CREATE TABLE users (
         id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, cadre TEXT, role TEXT NOT NULL,
         password TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
         failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT);
       CREATE TABLE sessions (
         token TEXT PRIMARY KEY, user INTEGER NOT NULL REFERENCES users(id), csrf TEXT NOT NULL,
         expires TEXT NOT NULL);
       CREATE TABLE records (
         id INTEGER PRIMARY KEY, household TEXT NOT NULL, day TEXT NOT NULL, village TEXT NOT NULL,
         grid TEXT NOT NULL, outcome TEXT NOT NULL, problems TEXT NOT NULL, note TEXT NOT NULL,
         follow_up INTEGER NOT NULL, cadres TEXT NOT NULL, visit TEXT NOT NULL, source TEXT NOT NULL,
         recorded_at TEXT NOT NULL, UNIQUE (household, day));
       CREATE TABLE entries (client_id TEXT PRIMARY KEY, record INTEGER NOT NULL REFERENCES records(id),
         user INTEGER NOT NULL, received_at TEXT NOT NULL);
       CREATE TABLE conflicts (id INTEGER PRIMARY KEY, record INTEGER NOT NULL, detail TEXT NOT NULL,
         at TEXT NOT NULL);
       CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL,
         action TEXT NOT NULL, detail TEXT NOT NULL);""",
)
ROLES = ("干部", "综治办")   # 干部 (and 网格员): their own villages; 综治办: everything and the assessment
SESSION_HOURS = 12
MAX_FAILURES, LOCK_MINUTES = 5, 15


def default_path(township_id: str) -> Path:
    base = Path(os.environ.get("APPDATA") or os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "wanjia" / f"{township_id}.sqlite"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _hash_token(token: str) -> str:
    """Sessions are stored by the hash of their token: a copy of the database logs no one in."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    id: int
    name: str
    cadre: str | None
    role: str
    disabled: bool


class Store:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=FULL")  # a record acknowledged to the phone survives a power cut
        self._migrate()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.executescript(f"BEGIN; {script} PRAGMA user_version={number}; COMMIT;")

    def close(self) -> None:
        self.db.close()

    def audit(self, user: str, action: str, detail: str) -> None:
        self.db.execute("INSERT INTO audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
                        (now().isoformat(), user, action, detail))

    # ------------------------------------------------------------ accounts
    def user(self, name: str) -> User | None:
        row = self.db.execute("SELECT id, name, cadre, role, disabled FROM users WHERE name = ?", (name,)).fetchone()
        return User(row[0], row[1], row[2], row[3], bool(row[4])) if row else None

    def add_user(self, name: str, cadre: str | None, role: str, password_hash: str, by: str) -> None:
        self.db.execute("INSERT INTO users (name, cadre, role, password) VALUES (?, ?, ?, ?)",
                        (name, cadre, role, password_hash))
        self.audit(by, "新增账号", f"{name}（{role}）")

    def set_password(self, name: str, password_hash: str, by: str) -> None:
        self.db.execute("UPDATE users SET password = ?, failures = 0, locked_until = NULL WHERE name = ?",
                        (password_hash, name))
        self.db.execute("DELETE FROM sessions WHERE user = (SELECT id FROM users WHERE name = ?)", (name,))
        self.audit(by, "重设密码", name)

    def disable(self, name: str, by: str) -> None:
        self.db.execute("UPDATE users SET disabled = 1 WHERE name = ?", (name,))
        self.db.execute("DELETE FROM sessions WHERE user = (SELECT id FROM users WHERE name = ?)", (name,))
        self.audit(by, "停用账号", name)

    def password_of(self, name: str) -> tuple[str, int, str | None] | None:
        return self.db.execute("SELECT password, failures, locked_until FROM users WHERE name = ?", (name,)).fetchone()

    def failed_login(self, name: str) -> None:
        failures = self.db.execute("UPDATE users SET failures = failures + 1 WHERE name = ? RETURNING failures",
                                   (name,)).fetchone()
        if failures and failures[0] >= MAX_FAILURES:
            until = now() + dt.timedelta(minutes=LOCK_MINUTES)
            self.db.execute("UPDATE users SET locked_until = ?, failures = 0 WHERE name = ?", (until.isoformat(), name))
            self.audit(name, "账号锁定", f"连续 {MAX_FAILURES} 次密码错误，锁定到 {until.isoformat()}")

    # ------------------------------------------------------------ sessions
    def open_session(self, user: User) -> tuple[str, str]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = now() + dt.timedelta(hours=SESSION_HOURS)
        self.db.execute("UPDATE users SET failures = 0, locked_until = NULL WHERE id = ?", (user.id,))
        self.db.execute("INSERT INTO sessions (token, user, csrf, expires) VALUES (?, ?, ?, ?)",
                        (_hash_token(token), user.id, csrf, expires.isoformat()))
        self.audit(user.name, "登录", "")
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        row = self.db.execute(
            "SELECT u.id, u.name, u.cadre, u.role, u.disabled, s.csrf, s.expires FROM sessions s "
            "JOIN users u ON u.id = s.user WHERE s.token = ?", (_hash_token(token),)).fetchone()
        if not row or row[4] or dt.datetime.fromisoformat(row[6]) < now():
            return None
        return User(row[0], row[1], row[2], row[3], bool(row[4])), row[5]

    def close_session(self, token: str) -> None:
        self.db.execute("DELETE FROM sessions WHERE token = ?", (_hash_token(token),))

    # ------------------------------------------------------------ records
    def upsert(self, entry: dict, user: User) -> str:
        """One entry from a phone, idempotent by its client id. Two entries for one household and day
        merge: the problems of both kept, the later result wins, both cadres credited, the difference
        listed as a conflict for 综治办. Returns 已保存, 已合并 or 已收到过."""
        stamp = now().isoformat()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if self.db.execute("SELECT 1 FROM entries WHERE client_id = ?", (entry["id"],)).fetchone():
                self.db.execute("COMMIT")
                return "已收到过"
            old = self.db.execute("SELECT id, outcome, problems, note, follow_up, cadres, recorded_at FROM records "
                                  "WHERE household = ? AND day = ?", (entry["household"], entry["date"])).fetchone()
            if old is None:
                cur = self.db.execute(
                    "INSERT INTO records (household, day, village, grid, outcome, problems, note, follow_up, cadres,"
                    " visit, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '手机', ?)",
                    (entry["household"], entry["date"], entry["village"], entry["grid"], entry["outcome"],
                     json.dumps(entry["problems"], ensure_ascii=False), entry["note"], int(entry["follow_up"]),
                     json.dumps(entry["cadres"], ensure_ascii=False), entry.get("visit", ""), entry["recorded_at"]))
                record, answer = cur.lastrowid, "已保存"
            else:
                record, answer = old[0], "已合并"
                later = entry["recorded_at"] >= old[6]
                problems = sorted(set(json.loads(old[2])) | set(entry["problems"]))
                cadres = sorted(set(json.loads(old[5])) | set(entry["cadres"]))
                notes = "；".join(n for n in dict.fromkeys([old[3], entry["note"]]) if n)
                self.db.execute("UPDATE records SET outcome = ?, problems = ?, note = ?, follow_up = ?, cadres = ?,"
                                " recorded_at = ? WHERE id = ?",
                                (entry["outcome"] if later else old[1], json.dumps(problems, ensure_ascii=False), notes,
                                 int(bool(old[4]) or bool(entry["follow_up"])), json.dumps(cadres, ensure_ascii=False),
                                 max(old[6], entry["recorded_at"]), record))
                if entry["outcome"] != old[1]:
                    self.db.execute("INSERT INTO conflicts (record, detail, at) VALUES (?, ?, ?)",
                                    (record, f"走访结果不一致：{old[1]} / {entry['outcome']}（取较晚的）", stamp))
            self.db.execute("INSERT INTO entries (client_id, record, user, received_at) VALUES (?, ?, ?, ?)",
                            (entry["id"], record, user.id, stamp))
            self.audit(user.name, "记录走访", f"{entry['household']} {entry['date']} {entry['outcome']}（{answer}）")
            self.db.execute("COMMIT")
            return answer
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def records(self) -> list[tuple]:
        return self.db.execute("SELECT household, day, village, grid, outcome, problems, note, follow_up, cadres,"
                               " visit, source FROM records ORDER BY day, household").fetchall()

    def backup(self, dest: Path) -> None:
        target = sqlite3.connect(dest)
        with target:
            self.db.backup(target)
        target.close()


def export_csv(store: Store, project, dest: Path) -> int:
    """The phone's records as a visit-records file (the template's columns), for `wanjia records import`:
    the one path by which records reach the report, 研判 and 考核, with the same checks as typed ones.
    Written as text cells (csv_bytes): a note typed at the door never becomes a formula."""
    from ..content.model import RECORD_COLUMNS
    from ..content.tables import csv_bytes

    register = {h.id: h for h in project.households}
    rows = []
    for household, day, village, grid, outcome, problems, note, follow_up, cadres, visit, _ in store.records():
        h = register.get(household)
        cells = {"日期": day, "村（社区）": project.village[village].name, "网格": project.grid[grid][1].name,
                 "户号": household, "门牌": h.door if h else "", "户主": h.head if h else "", "走访结果": outcome,
                 "问题类别": "、".join(json.loads(problems)), "问题说明": note, "需跟进": "是" if follow_up else "否",
                 "干部": project.who([c for c in json.loads(cadres) if c in project.cadre]), "走访编号": visit, "来源": "手机"}
        rows.append([cells.get(c, "") for c in RECORD_COLUMNS])
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.write_bytes(csv_bytes(RECORD_COLUMNS, rows))
    os.replace(tmp, dest)
    return len(rows)
