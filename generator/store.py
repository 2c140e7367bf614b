"""The township's database: SQLite (WAL), with numbered migrations — the one store of the visit and
法治课 records (captured on the phone at the door, or typed up from paper and imported), the office
server's accounts and sessions, and an audit log of who recorded or changed what, when.

It lives outside the repository (credentials and household records must never be committed): by
default in the user's data folder, one file per township; `--db` or WANJIA_DB names another.
data/records/*.csv are import and export formats only. `wanjia backup` copies the database with
SQLite's online backup, safe while the server runs."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
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
    # 2: every record in one table, imported ones too, with all the template's fields; one record per
    # household per day, keyed by the register id, else the door, else the head's name (`who`).
    """CREATE TABLE visits (
         id INTEGER PRIMARY KEY, day TEXT NOT NULL, time TEXT NOT NULL, village TEXT NOT NULL,
         grid TEXT NOT NULL, household TEXT NOT NULL, door TEXT NOT NULL, head TEXT NOT NULL,
         who TEXT NOT NULL, outcome TEXT NOT NULL, topics TEXT NOT NULL, materials TEXT NOT NULL,
         problems TEXT NOT NULL, note TEXT NOT NULL, follow_up INTEGER NOT NULL, cadres TEXT NOT NULL,
         visit TEXT NOT NULL, source TEXT NOT NULL, recorded_at TEXT NOT NULL,
         UNIQUE (village, grid, who, day));
       INSERT INTO visits (id, day, time, village, grid, household, door, head, who, outcome, topics, materials,
                           problems, note, follow_up, cadres, visit, source, recorded_at)
         SELECT id, day, '', village, grid, household, '', '', household, outcome, '[]', '[]', problems, note,
                follow_up, cadres, visit, source, recorded_at FROM records;
       DROP TABLE records;
       ALTER TABLE visits RENAME TO records;
       CREATE TABLE lessons (
         id INTEGER PRIMARY KEY, day TEXT NOT NULL, school TEXT NOT NULL, lesson TEXT NOT NULL,
         periods INTEGER NOT NULL, teachers TEXT NOT NULL, students INTEGER, note TEXT NOT NULL,
         visit TEXT NOT NULL, recorded_at TEXT NOT NULL, UNIQUE (school, lesson, day));
       CREATE TABLE imports (sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, rows INTEGER NOT NULL,
         at TEXT NOT NULL);""",
)
# The columns of a stored record, in order; lists are JSON arrays of ids.
VISIT_FIELDS = ("day", "time", "village", "grid", "household", "door", "head", "outcome", "topics", "materials",
                "problems", "note", "follow_up", "cadres", "visit", "source")
LESSON_FIELDS = ("day", "school", "lesson", "periods", "teachers", "students", "note", "visit")
ROLES = ("干部", "综治办")   # 干部 (and 网格员): their own villages; 综治办: everything and the assessment
SESSION_HOURS = 12
MAX_FAILURES, LOCK_MINUTES = 5, 15


def default_path(township_id: str) -> Path:
    base = Path(os.environ.get("APPDATA") or os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "wanjia" / f"{township_id}.sqlite"


def database_path(township_id: str, given: str | Path | None = None) -> Path:
    """--db, else WANJIA_DB, else the user's data folder."""
    return Path(given or os.environ.get("WANJIA_DB") or default_path(township_id))


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
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(f"数据库 {self.path} 是更新版本的 wanjia 写的（第 {version} 版），请升级 wanjia")
        # Tables are rebuilt with foreign keys off (SQLite's own recipe for changing a table), each step
        # in one transaction: a migration cut short leaves the previous version whole.
        self.db.execute("PRAGMA foreign_keys=OFF")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            self.db.executescript(f"BEGIN; {script} PRAGMA user_version={number}; COMMIT;")
        self.db.execute("PRAGMA foreign_keys=ON")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: an import that fails half-way writes nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # A command closes what it opened: closing checkpoints the WAL into the file, so a copy of the
    # file taken afterwards (a user's, not `wanjia backup`'s) holds every write.
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_) -> None:
        self.close()

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
        with self.transaction():
            if self.db.execute("SELECT 1 FROM entries WHERE client_id = ?", (entry["id"],)).fetchone():
                return "已收到过"
            old = self.db.execute("SELECT id, outcome, problems, note, follow_up, cadres, recorded_at FROM records "
                                  "WHERE village = ? AND grid = ? AND who = ? AND day = ?",
                                  (entry["village"], entry["grid"], entry["household"], entry["date"])).fetchone()
            if old is None:
                record = self._insert_visit({
                    "day": entry["date"], "time": _china_time(entry["recorded_at"]), "village": entry["village"],
                    "grid": entry["grid"], "household": entry["household"], "door": entry["door"],
                    "head": entry["head"], "outcome": entry["outcome"], "topics": [], "materials": [],
                    "problems": entry["problems"], "note": entry["note"], "follow_up": entry["follow_up"],
                    "cadres": entry["cadres"], "visit": entry.get("visit", ""), "source": "手机"},
                    entry["recorded_at"])
                answer = "已保存"
            else:
                record, answer = old[0], "已合并"
                later = entry["recorded_at"] >= old[6]
                problems = sorted(set(json.loads(old[2])) | set(entry["problems"]))
                cadres = sorted(set(json.loads(old[5])) | set(entry["cadres"]))
                notes = "；".join(n for n in dict.fromkeys([old[3], entry["note"]]) if n)
                self.db.execute("UPDATE records SET outcome = ?, problems = ?, note = ?, follow_up = ?, cadres = ?,"
                                " recorded_at = ?, source = '手机' WHERE id = ?",   # confirmed at the door
                                (entry["outcome"] if later else old[1], json.dumps(problems, ensure_ascii=False), notes,
                                 int(bool(old[4]) or bool(entry["follow_up"])), json.dumps(cadres, ensure_ascii=False),
                                 max(old[6], entry["recorded_at"]), record))
                if entry["outcome"] != old[1]:
                    self.db.execute("INSERT INTO conflicts (record, detail, at) VALUES (?, ?, ?)",
                                    (record, f"走访结果不一致：{old[1]} / {entry['outcome']}（取较晚的）", stamp))
            self.db.execute("INSERT INTO entries (client_id, record, user, received_at) VALUES (?, ?, ?, ?)",
                            (entry["id"], record, user.id, stamp))
            self.audit(user.name, "记录走访", f"{entry['household']} {entry['date']} {entry['outcome']}（{answer}）")
        return answer

    def _insert_visit(self, row: dict, recorded_at: str) -> int:
        values = [_column(row[f]) for f in VISIT_FIELDS]
        cur = self.db.execute(
            f"INSERT INTO records ({', '.join(VISIT_FIELDS)}, who, recorded_at) "
            f"VALUES ({', '.join('?' * (len(VISIT_FIELDS) + 2))})",
            (*values, _who(row), recorded_at))
        return int(cur.lastrowid or 0)

    def put(self, kind: str, row: dict, by: str | None, replace: bool = True) -> str:
        """An imported record (`kind` records or lessons), by its key: 新增, 更新 (the new row wins, unless
        not `replace`, as when migrating an old file beside newer records) or 未变; each change in the
        audit log as `by`'s (None: the caller logs the whole batch). Call inside transaction()."""
        fields, key, where = ((VISIT_FIELDS, (row["village"], row["grid"], _who(row), row["day"]),
                               "village = ? AND grid = ? AND who = ? AND day = ?")
                              if kind == "records" else
                              (LESSON_FIELDS, (row["school"], row["lesson"], row["day"]),
                               "school = ? AND lesson = ? AND day = ?"))
        values = [_column(row[f]) for f in fields]
        old = self.db.execute(f"SELECT id, {', '.join(fields)} FROM {kind} WHERE {where}", key).fetchone()
        stamp = _utc_of(row["day"], row.get("time", ""))   # when it happened, as the phone's stamps are
        if old is None:
            if kind == "records":
                self._insert_visit(row, stamp)
            else:
                self.db.execute(f"INSERT INTO lessons ({', '.join(fields)}, recorded_at) "
                                f"VALUES ({', '.join('?' * (len(fields) + 1))})", (*values, stamp))
            answer = "新增"
        elif list(old[1:]) == values or not replace:
            return "未变"
        else:
            self.db.execute(f"UPDATE {kind} SET {', '.join(f + ' = ?' for f in fields)}, recorded_at = ? WHERE id = ?",
                            (*values, stamp, old[0]))
            answer = "更新"
        if by is not None:
            self.audit(by, f"导入记录（{answer}）", " ".join(str(k) for k in key))
        return answer

    def rows(self, kind: str) -> list[dict]:
        """The stored records (`records` or `lessons`) as dicts of VISIT_FIELDS / LESSON_FIELDS (lists
        decoded), with their database id."""
        fields = VISIT_FIELDS if kind == "records" else LESSON_FIELDS
        out = []
        for row in self.db.execute(f"SELECT id, {', '.join(fields)} FROM {kind} ORDER BY day, id"):
            item = {"id": row[0], **dict(zip(fields, row[1:], strict=True))}
            for f in ("topics", "materials", "problems", "cadres", "teachers"):
                if f in item:
                    item[f] = json.loads(item[f])
            out.append(item)
        return out

    def imported(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM imports WHERE sha256 = ?", (digest,)).fetchone() is not None

    def mark_imported(self, digest: str, file: str, rows: int) -> None:
        self.db.execute("INSERT OR IGNORE INTO imports (sha256, file, rows, at) VALUES (?, ?, ?, ?)",
                        (digest, file, rows, now().isoformat()))

    def backup(self, dest: Path) -> None:
        target = sqlite3.connect(dest)
        with target:
            self.db.backup(target)
        target.close()


def _who(row: dict) -> str:
    """Which door a visit record is of, as Record.key says: the register id, else the door, else the head."""
    return row["household"] or row["door"] or row["head"]


def _utc_of(day: str, time: str) -> str:
    """A typed-up record's moment (Beijing time; noon when the form has no time) in UTC, comparable
    with the phones' stamps when two records of one door merge."""
    local = dt.datetime.fromisoformat(f"{day}T{time or '12:00'}")
    return (local - dt.timedelta(hours=8)).isoformat()


def _china_time(recorded_at: str) -> str:
    """The phone stamps entries in UTC; a record's time is Beijing time (UTC+8, no summer time), which
    the too-fast and late-hours checks read."""
    stamp = dt.datetime.fromisoformat(recorded_at)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return (stamp + dt.timedelta(hours=8)).strftime("%H:%M")


def _column(value: object) -> object:
    """Lists as JSON arrays (ids, never free text from a page), booleans as 0/1."""
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value
