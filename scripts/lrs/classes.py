"""Create the LRS accounts of a class from its roster, and the sign-in slips to hand out.

Run it with the LRS virtualenv's python; `scripts/class.sh create ...` does:

    .venv-lrs/bin/python scripts/lrs/classes.py create CODE roster.csv [--trainer]
        [--auth-file FILE] [--home-page URL] [--portal URL] [--slips FILE]
        [--prefix PREFIX] [--demo-passwords]

The roster is a UTF-8 CSV file (a BOM is fine) with a header row and four columns, in this
order: họ tên, đơn vị, chức danh, email or phone (the header's words are not checked, its
place is). Every learner gets an account of Ralph's own accounts file (RALPH_AUTH_FILE):
`PREFIX01`, `PREFIX02`, ... in roster order (three digits from 100 learners on; PREFIX is
the class code in lower case and a dash unless given), scopes statements/write and
statements/read/mine, and the agent {account: {homePage, name: the account}, name: họ tên},
the same identifier as the actor the portal writes. `--trainer` adds `PREFIXgv`, scopes
statements/write and statements/read (the trainer reads the class). Passwords are drawn by
the `secrets` module; they are written only on the slips (the accounts file keeps bcrypt
hashes).

Slips: one self-contained HTML page (Vietnamese, print CSS, one slip per learner: account,
first password, class code, portal address), by default `phieu-dang-nhap-CODE.html`.

Nothing is changed on any error: every row is checked first (a bad row or a duplicate is
reported with its line number and reason, all of them at once), the accounts file is checked
with Ralph's own model, both files are written to temporary files and renamed into place.
An account that already exists refuses the whole run. The running LRS reads its accounts file
at start: restart it for the new accounts to sign in.

`--demo-passwords` gives every account the password `<account>-pass` (hashed at bcrypt's
lowest cost): only for simulated classes whose statements a seeding script posts (the demo
and the tests); the slips say so.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import os
import re
import secrets
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accounts import READ_SCOPES, SIMULATED_ROUNDS, WRITE, entry, simulated_names  # noqa: E402

COLUMNS = ("họ tên", "đơn vị", "chức danh", "email hoặc điện thoại")
# The portal's own rule (boiduong_core::xapi::class_code): the class activity is
# {base}/classes/CODE, CODE upper case.
CODE_RE = re.compile(r"^[A-Z0-9._-]{1,40}$")
EMAIL_RE = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
PHONE_RE = re.compile(r"^(\+84|0)\d{8,10}$")
# No 0/O, 1/l/I: a password is copied by hand from paper.
ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12
MAX_FIELD = 200


class RosterError(Exception):
    """Refusals, each `line N: reason`; nothing was changed."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Learner:
    line: int
    name: str
    unit: str
    title: str
    contact: str


@dataclass
class Slip:
    account: str
    password: str
    name: str
    unit: str
    title: str
    trainer: bool = False


def clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def contact_key(value: str) -> str | None:
    """The contact as compared for duplicates, or None when it is neither an email nor a
    Vietnamese phone number."""
    if EMAIL_RE.match(value):
        return value.lower()
    phone = re.sub(r"[\s.()-]", "", value)
    if PHONE_RE.match(phone):
        return "0" + phone[3:] if phone.startswith("+84") else phone
    return None


def parse_roster(data: bytes) -> list[Learner]:
    """The roster's learners, or RosterError listing every bad row (line numbers as in the
    file, the header being line 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterError([f"the roster is not UTF-8 (byte {exc.start}): save it as CSV UTF-8"]) from exc
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise RosterError(["the roster is empty: a header row, then one row per learner"])
    header = [clean(c) for c in rows[0]]
    if len(header) != len(COLUMNS):
        raise RosterError([f"line 1: the header has {len(header)} columns, expected {len(COLUMNS)}: "
                           + ", ".join(COLUMNS)])
    problems: list[str] = []
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # a blank line (spreadsheets often end with some)
        if len(row) != len(COLUMNS):
            problems.append(f"line {number}: {len(row)} columns, expected {len(COLUMNS)}")
            continue
        name, unit, title, contact = (clean(c) for c in row)
        bad = [label for label, value in zip(COLUMNS, (name, unit, title, contact)) if not value]
        if bad:
            problems.append(f"line {number}: empty {', '.join(bad)}")
            continue
        long = [label for label, value in zip(COLUMNS, (name, unit, title, contact))
                if len(value) > MAX_FIELD]
        if long:
            problems.append(f"line {number}: longer than {MAX_FIELD} characters: {', '.join(long)}")
            continue
        key = contact_key(contact)
        if key is None:
            problems.append(f"line {number}: '{contact}' is neither an email nor a phone number")
            continue
        if key in seen:
            problems.append(f"line {number}: same email or phone as line {seen[key]} (a learner twice?)")
            continue
        seen[key] = number
        learners.append(Learner(number, name, unit, title, contact))
    if problems:
        raise RosterError(problems)
    if not learners:
        raise RosterError(["the roster has a header but no learner"])
    return learners


def new_password() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(PASSWORD_LENGTH))


def plan(code: str, learners: list[Learner], prefix: str, trainer: bool,
         demo_passwords: bool) -> list[Slip]:
    """The slips (account and first password) of the class, in roster order."""
    names = simulated_names(prefix, len(learners))
    password = (lambda a: f"{a}-pass") if demo_passwords else (lambda _a: new_password())
    slips = [Slip(a, password(a), l.name, l.unit, l.title) for a, l in zip(names, learners)]
    if trainer:
        account = f"{prefix}gv"
        slips.append(Slip(account, password(account), f"Giảng viên lớp {code}", "", "", True))
    return slips


def accounts_file(existing: list[dict], slips: list[Slip], home_page: str,
                  demo_passwords: bool) -> str:
    """The accounts file with the class's accounts added (RosterError on a duplicate)."""
    taken = {e.get("username") for e in existing}
    duplicates = [s.account for s in slips if s.account in taken]
    if duplicates:
        raise RosterError([f"account {a} already exists in the accounts file" for a in duplicates])
    rounds = SIMULATED_ROUNDS if demo_passwords else None
    added = [
        entry(s.account, s.password, [WRITE, READ_SCOPES[1] if s.trainer else READ_SCOPES[0]],
              home_page, s.name, rounds)
        for s in slips
    ]
    return json.dumps(existing + added, ensure_ascii=False, indent=2)


def check_with_ralph(text: str) -> None:
    # Importing Ralph's API loads the configured backend: the one this setup runs.
    os.environ.setdefault("RALPH_RUNSERVER_BACKEND", "fs")
    try:
        from ralph.api.auth.basic import ServerUsersCredentials  # noqa: PLC0415

        ServerUsersCredentials.model_validate_json(text)
    except Exception as exc:  # noqa: BLE001 - any refusal is reported as is
        raise RosterError([f"Ralph would refuse the accounts file: {exc}"]) from exc


SLIP_CSS = """
body{font-family:"Noto Sans","Segoe UI",Arial,sans-serif;margin:1.5rem;color:#111}
h1{font-size:1.3rem}.note{max-width:60rem}
.slips{display:grid;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:1rem}
.slip{border:1px dashed #333;padding:.75rem 1rem;break-inside:avoid;page-break-inside:avoid}
.slip h2{font-size:1.05rem;margin:0 0 .4rem}
.slip dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .75rem;margin:0}
.slip dt{font-weight:600}.slip dd{margin:0}
.secret{font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:1.1rem;letter-spacing:.05em}
@media print{body{margin:0}.note{display:none}.slips{grid-template-columns:1fr 1fr;gap:.5cm}
.slip{border-color:#000}@page{margin:1cm}}
"""


def slips_html(code: str, portal: str, slips: list[Slip], demo: bool) -> str:
    e = html.escape
    cards = []
    for s in slips:
        who = "Giảng viên" if s.trainer else "Học viên"
        rows = [("Họ tên", s.name)]
        if s.unit:
            rows.append(("Đơn vị", s.unit))
        if s.title:
            rows.append(("Chức danh", s.title))
        rows += [("Mã lớp", code), ("Cổng học tập", portal), ("Tài khoản", s.account)]
        body = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
        body += f'<dt>Mật khẩu</dt><dd class="secret">{e(s.password)}</dd>'
        cards.append(f'<section class="slip"><h2>{e(who)} · {e(s.name)}</h2><dl>{body}</dl>'
                     '<p>Đăng nhập tại cổng học tập bằng tài khoản và mật khẩu này, nhập mã lớp '
                     'ở ô “Mã lớp”. Giữ phiếu cho riêng mình.</p></section>')
    demo_note = ("<p><strong>Lớp mô phỏng: mật khẩu theo quy ước công khai "
                 "(&lt;tài khoản&gt;-pass), chỉ dùng cho demo và kiểm thử.</strong></p>") if demo else ""
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>Phiếu đăng nhập lớp {e(code)}</title><style>{SLIP_CSS}</style></head><body>"
        f"<h1>Phiếu đăng nhập · lớp {e(code)} ({len(slips)} phiếu)</h1>"
        '<div class="note"><p>In trang này (Ctrl+P), cắt theo đường gạch và phát cho từng người. '
        "Mật khẩu chỉ có trên phiếu này: cất giữ hoặc huỷ bản in sau khi phát.</p>"
        "<p lang=\"en\">Sign-in slips: print, cut along the dashed lines, hand one to each person. "
        f"The passwords exist only on this page.</p>{demo_note}</div>"
        f'<main class="slips">{"".join(cards)}</main></body></html>\n'
    )


def write_atomically(pairs: list[tuple[Path, str]]) -> None:
    """Writes every file to a temporary file beside it, then renames them all; on a failure
    before the renames nothing is changed."""
    temps: list[tuple[Path, str]] = []
    try:
        for path, text in pairs:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temps.append((path, tmp))
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
        for path, tmp in temps:
            os.replace(tmp, path)
    finally:
        for _path, tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def create(args: argparse.Namespace) -> int:
    code = args.code.strip().upper()
    if not CODE_RE.match(code):
        raise RosterError([f"class code '{args.code.strip()}': 1 to 40 letters A-Z, digits, '.', "
                           "'_' and '-' only (e.g. QLNN-2027-03)"])
    if not args.home_page.startswith(("http://", "https://")):
        raise RosterError([f"--home-page must be an http(s) address, got {args.home_page!r}"])
    prefix = args.prefix if args.prefix is not None else f"{code.lower()}-"
    if not re.match(r"^[a-z0-9][a-z0-9._-]*$", prefix):
        raise RosterError([f"--prefix '{prefix}': lower-case letters, digits, '.', '_', '-'"])
    roster = Path(args.roster)
    try:
        data = roster.read_bytes()
    except OSError as exc:
        raise RosterError([f"cannot read the roster {roster}: {exc.strerror}"]) from exc
    learners = parse_roster(data)
    auth = Path(args.auth_file)
    existing: list[dict] = []
    if auth.exists():
        try:
            existing = json.loads(auth.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RosterError([f"cannot read the accounts file {auth}: {exc}"]) from exc
        if not isinstance(existing, list):
            raise RosterError([f"the accounts file {auth} is not a list of accounts"])
    elif not auth.parent.is_dir():
        raise RosterError([f"no directory for the accounts file: {auth.parent}"])
    slips_path = Path(args.slips or f"phieu-dang-nhap-{code}.html")
    if slips_path.exists() and not args.slips_overwrite:
        raise RosterError([f"{slips_path} already exists (its passwords would be lost): "
                           "move it or give --slips"])
    slips = plan(code, learners, prefix, args.trainer, args.demo_passwords)
    text = accounts_file(existing, slips, args.home_page, args.demo_passwords)
    check_with_ralph(text)
    page = slips_html(code, args.portal, slips, args.demo_passwords)
    write_atomically([(slips_path.resolve(), page), (auth.resolve(), text)])
    learners_n = sum(1 for s in slips if not s.trainer)
    print(f"class {code}: {learners_n} learner accounts {slips[0].account} … "
          f"{slips[learners_n - 1].account}" + (f", trainer {slips[-1].account}" if args.trainer else ""))
    print(f"accounts file: {auth} ({len(existing) + len(slips)} accounts); restart the LRS so "
          "they can sign in")
    print(f"sign-in slips: {slips_path}")
    return 0


def simulated_roster(count: int) -> str:
    """A roster of `count` simulated learners (the demo and test classes, whose statements
    boiduong-synth makes): fictitious names, units and contacts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in range(1, count + 1):
        writer.writerow([f"Học viên mô phỏng {i:03d}", "Đơn vị mô phỏng", "Công chức",
                         f"hoc-vien-{i:03d}@mo-phong.invalid"])
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="class.sh", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("simulated-roster", help="print a roster of N simulated learners")
    r.add_argument("count", type=int)
    c = sub.add_parser("create", help="accounts and sign-in slips of a class from its roster")
    c.add_argument("code", help="class code (mã lớp), e.g. QLNN-2027-03")
    c.add_argument("roster", help="CSV UTF-8: họ tên, đơn vị, chức danh, email or phone")
    c.add_argument("--trainer", action="store_true", help="also one trainer account")
    c.add_argument("--auth-file", default=os.environ.get("RALPH_AUTH_FILE"),
                   help="Ralph's accounts file (default: $RALPH_AUTH_FILE)")
    c.add_argument("--home-page", required=True, help="the portal's account_home_page")
    c.add_argument("--portal", default="http://127.0.0.1:8080", help="address on the slips")
    c.add_argument("--slips", help="the slips' HTML file (default phieu-dang-nhap-CODE.html)")
    c.add_argument("--slips-overwrite", action="store_true", help=argparse.SUPPRESS)
    c.add_argument("--prefix", help="account names PREFIX01 … (default: the code in lower case and '-')")
    c.add_argument("--demo-passwords", action="store_true",
                   help="passwords <account>-pass: simulated classes only")
    args = parser.parse_args(argv)
    if args.command == "simulated-roster":
        if args.count < 1:
            parser.error("simulated-roster needs a count of at least 1")
        sys.stdout.write(simulated_roster(args.count))
        return 0
    if not args.auth_file:
        parser.error("--auth-file (or RALPH_AUTH_FILE) is required")
    try:
        return create(args)
    except RosterError as exc:
        print(f"class.sh: nothing was changed; {len(exc.problems)} problem(s):", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
