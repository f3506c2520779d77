#!/usr/bin/env python3
"""Smoke test for the local reference LRS started by scripts/lrs/start.sh.

    python3 scripts/lrs/smoke.py [--port 8100 | --base-url URL]
                                 [--origin http://127.0.0.1:8080 ...]
                                 [--home-page http://127.0.0.1:8100]

Standard library only (urllib), so the system python3 runs it without the
LRS venv. Every request goes to the given loopback server; the run adds a
handful of statements whose activity ids carry a random run id, so it also
passes on a data dir that already holds statements (a fresh one is still
recommended: Ralph's history file grows with every request).

What it proves (xAPI 1.0.3, HTTP Basic with start.sh's demo accounts):
  - POST two statements with client UUIDs -> 200 and the same ids back;
  - POST one more new statement -> 200 (fs "create" defect 1 is fixed);
  - identical re-POST -> 204, same id with another body -> 409;
  - the stored authority is the posting account as an xAPI account agent
    {homePage: --home-page, name} (start.sh's accounts), the identifier the
    portal's actors carry, so the trainer review can match the two;
  - GET ?verb= and ?activity= return the statement and only matching ones
    (IRI-vs-str filter defect 2 is fixed);
  - hocvien2 cannot read hocvien1's statements (and the reverse);
  - giangvien (statements/read) reads everyone's;
  - no or wrong credentials -> 401;
  - CORS preflight from each --origin is allowed, another origin is not.

Exit status 0 only if every check passed; the last line is
"N passed, M failed".
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

XAPI_VERSION = "1.0.3"
ACCOUNTS = {
    "hocvien1": ("hocvien1-pass", "Nguyễn Văn An"),
    "hocvien2": ("hocvien2-pass", "Trần Thị Bình"),
    "giangvien": ("giangvien-pass", "Phạm Thu Hà"),
}
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VERB_EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
MAX_PAGES = 200  # bound on following `more` links (100 statements a page)
TIMEOUT = 10  # seconds per request


class CheckFailed(Exception):
    """A check's expectation was not met."""


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as error:
            raise CheckFailed(f"body is not JSON: {self.body[:200]!r}") from error

    def short(self) -> str:
        return f"HTTP {self.status} {self.body[:300].decode('utf-8', 'replace')!r}"


class Lrs:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def request(self, method, path, user=None, password=None, body=None, headers=None):
        url = path if path.startswith("http") else self.base_url + path
        all_headers = {"X-Experience-API-Version": XAPI_VERSION}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json; charset=utf-8"
        if user is not None:
            if password is None:
                password = ACCOUNTS[user][0]
            token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
            all_headers["Authorization"] = f"Basic {token}"
        all_headers.update(headers or {})
        req = urllib.request.Request(url, data=data, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                return Response(resp.status, resp.headers, resp.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())
        except (urllib.error.URLError, OSError) as error:
            raise CheckFailed(f"{method} {url}: cannot reach the LRS ({error})") from error

    def post(self, user, statements):
        return self.request("POST", "/xAPI/statements", user=user, body=statements)

    def get_ids(self, user, **params) -> list[str]:
        """GET statements with filters, following `more`; return their ids."""
        query = urllib.parse.urlencode(params)
        path = "/xAPI/statements" + (f"?{query}" if query else "")
        ids: list[str] = []
        for _ in range(MAX_PAGES):
            resp = self.request("GET", path, user=user)
            expect_status(resp, 200, f"GET {path} as {user}")
            payload = resp.json()
            ids.extend(s["id"] for s in payload.get("statements", []))
            more = payload.get("more")
            if not more:
                return ids
            path = more  # a relative URL, e.g. /xAPI/statements?...&pit_id=...
        raise CheckFailed(f"more than {MAX_PAGES} pages for {params}")

    def get_statements(self, user, **params) -> list[dict]:
        query = urllib.parse.urlencode(params)
        resp = self.request("GET", f"/xAPI/statements?{query}", user=user)
        expect_status(resp, 200, f"GET ?{query} as {user}")
        return resp.json().get("statements", [])


def expect_status(resp: Response, expected: int, what: str) -> None:
    if resp.status != expected:
        raise CheckFailed(f"{what}: expected HTTP {expected}, got {resp.short()}")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def make_statement(user: str, verb: str, activity: str, verb_vi: str) -> dict:
    # timestamp: when it happened, never in the future (a second ago).
    when = datetime.now(timezone.utc) - timedelta(seconds=1)
    return {
        "id": str(uuid.uuid4()),  # client-generated, as the portal does
        "actor": {
            "objectType": "Agent",
            "name": ACCOUNTS[user][1],
            "mbox": f"mailto:{user}@boiduong.example",
        },
        "verb": {"id": verb, "display": {"vi-VN": verb_vi}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"vi-VN": "Bài kiểm tra khói (smoke test)"}},
        },
        "timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Smoke test of the local Ralph LRS.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LRS_PORT", "8100")))
    parser.add_argument("--base-url", help="default http://127.0.0.1:PORT")
    parser.add_argument(
        "--origin",
        action="append",
        help="origin that start.sh allowed (repeatable; default http://127.0.0.1:8080)",
    )
    parser.add_argument(
        "--home-page",
        default="http://127.0.0.1:8100",
        help="the accounts' homePage that start.sh was given (default its default)",
    )
    args = parser.parse_args(argv)
    lrs = Lrs(args.base_url or f"http://127.0.0.1:{args.port}")
    origins = args.origin or ["http://127.0.0.1:8080"]

    run = uuid.uuid4().hex[:8]
    base = f"https://boiduong.example/xapi/activities/smoke/{run}"
    act1, act2 = f"{base}/bai-1", f"{base}/bai-2"
    s1 = make_statement("hocvien1", VERB_COMPLETED, act1, "đã hoàn thành")
    s2 = make_statement("hocvien1", VERB_ATTEMPTED, act2, "đã thử")
    s3 = make_statement("hocvien1", VERB_EXPERIENCED, act1, "đã xem")
    s4 = make_statement("hocvien2", VERB_COMPLETED, act1, "đã hoàn thành")
    mine = {s1["id"], s2["id"], s3["id"]}

    passed = failed = 0

    def check(name):
        def run_check(func):
            nonlocal passed, failed
            try:
                func()
            except CheckFailed as error:
                failed += 1
                print(f"FAIL - {name}: {error}", flush=True)
            else:
                passed += 1
                print(f"ok   - {name}", flush=True)
            return func

        return run_check

    print(f"smoke.py: LRS {lrs.base_url}, run {run}", flush=True)

    @check("health: GET /__heartbeat__ -> 200")
    def _():
        expect_status(lrs.request("GET", "/__heartbeat__"), 200, "heartbeat")

    @check("auth: no credentials -> 401, wrong password -> 401")
    def _():
        expect_status(lrs.request("GET", "/xAPI/statements"), 401, "GET without credentials")
        expect_status(
            lrs.request("GET", "/xAPI/statements", user="hocvien1", password="wrong"),
            401,
            "GET with a wrong password",
        )

    @check("POST 2 statements (client UUIDs) as hocvien1 -> 200 with their ids")
    def _():
        resp = lrs.post("hocvien1", [s1, s2])
        expect_status(resp, 200, "POST [s1, s2]")
        expect(resp.json() == [s1["id"], s2["id"]], f"ids back {resp.json()} != sent ids")

    @check("POST a new statement after the first write -> 200 (defect 1: fs create)")
    def _():
        resp = lrs.post("hocvien1", [s3])
        expect_status(resp, 200, "second POST (fs backend still in 'create' mode?)")
        expect(resp.json() == [s3["id"]], f"ids back {resp.json()} != [{s3['id']}]")

    @check("re-POST identical statement -> 204 (idempotent)")
    def _():
        expect_status(lrs.post("hocvien1", [s3]), 204, "identical re-POST")

    @check("same id, different body -> 409")
    def _():
        changed = dict(s3, verb={"id": VERB_COMPLETED, "display": {"vi-VN": "đã hoàn thành"}})
        expect_status(lrs.post("hocvien1", [changed]), 409, "conflicting re-POST")

    @check("GET by statementId returns the stored statement, Vietnamese intact")
    def _():
        got = lrs.get_statements("hocvien1", statementId=s1["id"])
        expect(len(got) == 1, f"expected 1 statement, got {len(got)}")
        expect(got[0]["actor"].get("name") == "Nguyễn Văn An", f"actor name {got[0]['actor']}")
        expect(got[0]["verb"]["id"] == VERB_COMPLETED, f"verb {got[0]['verb']}")

    @check("authority: the posting account as an account agent {homePage, name}")
    def _():
        got = lrs.get_statements("giangvien", statementId=s1["id"])
        expect(len(got) == 1, f"expected 1 statement, got {len(got)}")
        account = got[0].get("authority", {}).get("account")
        want = {"homePage": args.home_page, "name": "hocvien1"}
        expect(account == want, f"authority {got[0].get('authority')} has not the account {want}")

    @check("GET ?verb= returns matching statements only (defect 2: IRI vs str)")
    def _():
        ids = set(lrs.get_ids("hocvien1", verb=VERB_COMPLETED))
        expect(s1["id"] in ids, f"verb={VERB_COMPLETED} did not return s1 (got {len(ids)} ids)")
        expect(not ids & {s2["id"], s3["id"]}, "verb filter returned statements with other verbs")

    @check("GET ?activity= returns matching statements only (defect 2: IRI vs str)")
    def _():
        ids = set(lrs.get_ids("hocvien1", activity=act2))
        expect(ids == {s2["id"]}, f"activity={act2} returned {sorted(ids)}, expected [{s2['id']}]")
        ids = set(lrs.get_ids("hocvien1", activity=act1, verb=VERB_EXPERIENCED))
        expect(ids == {s3["id"]}, f"activity+verb returned {sorted(ids)}, expected [{s3['id']}]")

    @check("GET ?since= compares stored, not timestamp (defect 3): a late-synced statement is new")
    def _():
        # Recorded offline a week ago, synced now: a reader who asks for what was stored
        # since a minute ago must get it.
        late = make_statement("hocvien1", VERB_EXPERIENCED, act2, "đã xem")
        late["timestamp"] = (datetime.now(timezone.utc) - timedelta(days=7)).isoformat(
            timespec="milliseconds"
        ).replace("+00:00", "Z")
        since = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat(
            timespec="milliseconds"
        ).replace("+00:00", "Z")
        expect_status(lrs.post("hocvien1", [late]), 200, "POST a late statement")
        ids = set(lrs.get_ids("hocvien1", since=since))
        expect(late["id"] in ids, "since= did not return a statement stored after it")
        until = (datetime.now(timezone.utc) - timedelta(days=3)).isoformat(
            timespec="milliseconds"
        ).replace("+00:00", "Z")
        ids = set(lrs.get_ids("hocvien1", until=until))
        expect(late["id"] not in ids, "until= (3 days ago) returned a statement stored now")

    @check("hocvien2 posts its own statement -> 200")
    def _():
        resp = lrs.post("hocvien2", [s4])
        expect_status(resp, 200, "POST s4 as hocvien2")

    @check("hocvien2 cannot read hocvien1's statements (and the reverse)")
    def _():
        got = lrs.get_statements("hocvien2", statementId=s1["id"])
        expect(got == [], f"hocvien2 read hocvien1's statement by id: {got}")
        ids = set(lrs.get_ids("hocvien2"))
        expect(not ids & mine, "hocvien2's unfiltered GET contains hocvien1's statements")
        expect(s4["id"] in ids, "hocvien2 does not see its own statement")
        ids = set(lrs.get_ids("hocvien2", activity=act1))
        expect(ids == {s4["id"]}, f"hocvien2 activity={act1} returned {sorted(ids)}")
        got = lrs.get_statements("hocvien1", statementId=s4["id"])
        expect(got == [], "hocvien1 read hocvien2's statement by id")

    @check("giangvien (statements/read) reads every learner's statements")
    def _():
        for st in (s1, s4):
            got = lrs.get_statements("giangvien", statementId=st["id"])
            expect(len(got) == 1, f"giangvien cannot read {st['id']}")
        ids = set(lrs.get_ids("giangvien", activity=act1))
        expect(ids == {s1["id"], s3["id"], s4["id"]}, f"giangvien activity={act1} -> {sorted(ids)}")

    for origin in origins:

        @check(f"CORS preflight from {origin} is allowed")
        def _(origin=origin):
            resp = lrs.request(
                "OPTIONS",
                "/xAPI/statements",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": (
                        "authorization,content-type,x-experience-api-version"
                    ),
                },
            )
            expect_status(resp, 200, f"preflight from {origin}")
            allow_origin = resp.headers.get("Access-Control-Allow-Origin")
            expect(allow_origin == origin, f"Access-Control-Allow-Origin={allow_origin!r}")
            methods = resp.headers.get("Access-Control-Allow-Methods", "")
            expect("POST" in methods, f"Access-Control-Allow-Methods={methods!r}")
            allowed = resp.headers.get("Access-Control-Allow-Headers", "").lower()
            for header in ("authorization", "content-type", "x-experience-api-version"):
                expect(header in allowed, f"{header} not in Access-Control-Allow-Headers")
            # And the actual request carries the header the browser needs.
            resp = lrs.request(
                "GET",
                f"/xAPI/statements?statementId={s1['id']}",
                user="hocvien1",
                headers={"Origin": origin},
            )
            expect_status(resp, 200, f"GET with Origin {origin}")
            allow_origin = resp.headers.get("Access-Control-Allow-Origin")
            expect(allow_origin == origin, f"GET: Access-Control-Allow-Origin={allow_origin!r}")

    @check("CORS preflight from an unlisted origin is refused")
    def _():
        other = "http://127.0.0.1:1"
        resp = lrs.request(
            "OPTIONS",
            "/xAPI/statements",
            headers={"Origin": other, "Access-Control-Request-Method": "POST"},
        )
        allow_origin = resp.headers.get("Access-Control-Allow-Origin")
        expect(resp.status >= 400 and allow_origin != other, f"{resp.short()}, ACAO={allow_origin!r}")

    if failed:
        print("smoke.py: LRS smoke test FAILED (see FAIL lines above)", file=sys.stderr, flush=True)
    # Last line, alone: the summary format CI runners recognise.
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
