"""`python -m bench.office [--clients 30] [--records 3000]`: the office server under a township's
evening sync — many phones at once, each sending its queue in batches — on loopback, real uvicorn and
SQLite on disk. Prints throughput and latency, and checks every record is stored exactly once."""
from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import uvicorn

from generator import pipeline
from generator.office.app import hash_password, make_app
from generator.store import Store

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-2027"
BATCH = 10


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--records", type=int, default=3000)
    args = parser.parse_args()
    outreach = pipeline.outreach(pipeline.checked(REPO))
    project = outreach.project
    households = [h.id for h in project.households]
    office_user = "综治办"
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "office.sqlite")
        store.add_user(office_user, None, "综治办", hash_password(PASSWORD), "bench")
        server = uvicorn.Server(uvicorn.Config(make_app(project, store, None, secure=False), host="127.0.0.1",
                                               port=0, log_level="error"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        today = dt.date.today()
        # one record per household and day: spread over the last days so that no two phones merge
        entries = [{"id": uuid.uuid4().hex, "household": households[k % len(households)],
                    "date": (today - dt.timedelta(days=k // len(households))).isoformat(), "outcome": "已走访",
                    "problems": [], "note": "", "follow_up": False,
                    "recorded_at": dt.datetime.now().isoformat(timespec="seconds")} for k in range(args.records)]
        per_client = [entries[i::args.clients] for i in range(args.clients)]
        latencies: list[float] = []

        def phone(mine: list[dict]) -> None:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            try:  # the login answers with a redirect to the internal site, which this bench has not built
                opener.open(base + "/login", urllib.parse.urlencode({"name": office_user, "password": PASSWORD}).encode())
            except urllib.error.HTTPError:
                pass
            csrf = json.loads(opener.open(base + "/api/me").read())["csrf"]
            for i in range(0, len(mine), BATCH):
                body = json.dumps({"entries": mine[i:i + BATCH]}).encode()
                request = urllib.request.Request(base + "/api/records", data=body, method="POST",
                                                 headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
                started = time.perf_counter()
                opener.open(request).read()
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(phone, per_client))
        elapsed = time.perf_counter() - started
        stored = store.db.execute("SELECT count(*) FROM entries").fetchone()[0]
        server.should_exit = True
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print("| 手机数 | 记录数 | 每批 | 用时 | 每秒记录 | 每批延迟中位数 | p95 | 存下的记录 |")
        print("|--:|--:|--:|--:|--:|--:|--:|--:|")
        print(f"| {args.clients} | {args.records} | {BATCH} | {elapsed:.1f} s | {args.records / elapsed:.0f} | "
              f"{statistics.median(latencies) * 1000:.0f} ms | {p95 * 1000:.0f} ms | {stored} |")
        return 0 if stored == args.records else 1


if __name__ == "__main__":
    raise SystemExit(main())
