"""Write Ralph's accounts file (RALPH_AUTH_FILE) for the local LRS, in one process.

Run it with the LRS virtualenv's python (scripts/lrs/start.sh does):

    .venv-lrs/bin/python scripts/lrs/accounts.py --out FILE --home-page URL \
        [--account 'USER|PASS|NAME|READ_SCOPE']... [--keep]

Every account's agent is identified by an xAPI *account* {homePage, name}: the account name
on the LRS, under the home page the portal puts in its statements' actors
(config.json `account_home_page`). Ralph stamps that agent as the `authority` of every
statement the account posts, so the trainer review can check that the authority is the
actor (a learner posting as another is set aside).

--account    a demo account (password hashed with bcrypt's default cost, as `ralph auth`);
             an empty READ_SCOPE makes a write-only account (the portal's anonymous account:
             statements/write alone, it reads nothing).
--keep       keep the other accounts of the file already there (the accounts of classes,
             made by scripts/class.sh, which also makes the simulated learners' accounts).

The file is checked with Ralph's own model of it before it is moved in place, so a file
Ralph would refuse at its first request fails here instead. Same effect as one
`ralph auth ... -A NAME HOMEPAGE -w` per account (about 2 s each: python start-up and
bcrypt), without the wait.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import bcrypt

WRITE = "statements/write"
READ_SCOPES = ("statements/read/mine", "statements/read")
# bcrypt's lowest cost, for the simulated learners' public demo passwords only
# (scripts/lrs/classes.py --demo-passwords).
SIMULATED_ROUNDS = 4


def simulated_names(prefix: str, count: int) -> list[str]:
    """The simulator's (and a class's) account names (crates/core/src/review/synth.rs `learners`)."""
    width = 3 if count >= 100 else 2
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


def entry(username: str, password: str, scopes: list[str], home_page: str,
          name: str | None, rounds: int | None) -> dict:
    salt = bcrypt.gensalt(rounds) if rounds else bcrypt.gensalt()
    agent: dict = {"account": {"homePage": home_page, "name": username}, "objectType": "Agent"}
    if name:
        agent["name"] = name
    return {
        "username": username,
        "hash": bcrypt.hashpw(password.encode("utf-8"), salt).decode("ascii"),
        "scopes": scopes,
        "agent": agent,
    }


def check_with_ralph(text: str) -> None:
    """Parse the file as Ralph does (its pydantic model), or exit with its message."""
    from ralph.api.auth.basic import ServerUsersCredentials  # noqa: PLC0415

    try:
        if hasattr(ServerUsersCredentials, "model_validate_json"):
            ServerUsersCredentials.model_validate_json(text)
        else:  # pydantic 1
            ServerUsersCredentials.parse_raw(text)
    except Exception as exc:  # noqa: BLE001 - any refusal is reported as is
        sys.exit(f"accounts.py: Ralph refuses the accounts file: {exc}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--home-page", required=True)
    parser.add_argument("--account", action="append", default=[])
    parser.add_argument("--keep", action="store_true",
                        help="keep the other accounts of the existing file (e.g. classes)")
    args = parser.parse_args(argv)
    if not args.home_page.startswith(("http://", "https://")):
        parser.error(f"--home-page must be an http(s) IRI, got {args.home_page!r}")

    entries = []
    for spec in args.account:
        parts = spec.split("|")
        if len(parts) != 4 or parts[3] not in (*READ_SCOPES, "") or not all(parts[:2]):
            parser.error(f"--account needs 'USER|PASS|NAME|READ_SCOPE', got {spec!r}")
        user, password, name, read = parts
        scopes = [WRITE, read] if read else [WRITE]
        entries.append(entry(user, password, scopes, args.home_page, name, None))
    if args.keep and os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as f:
            kept = json.load(f)
        ours = {e["username"] for e in entries}
        entries += [e for e in kept if e.get("username") not in ours]

    names = [e["username"] for e in entries]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        parser.error(f"accounts named twice: {', '.join(duplicates)}")

    text = json.dumps(entries, ensure_ascii=False, indent=2)
    check_with_ralph(text)
    tmp = f"{args.out}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)
    print(f"accounts.py: {len(entries)} accounts written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
