"""Launch Ralph 5.1.0 (xAPI LRS) on its fs backend, with three defects patched.

Run it with the LRS virtualenv's python (scripts/lrs/install.sh makes it) and
the RALPH_* environment that scripts/lrs/start.sh sets; start.sh is the normal
entry point. This file only patches and serves:

    .venv-lrs/bin/python scripts/lrs/launcher.py [--port 8100]

Defects of ralph-malph 5.1.0 worked around here (see
shared docs lrs-ralph.md), all in the fs LRS backend, by monkeypatching the
class *before* `ralph.api` is imported, so the backend instance that the
routers build at import time (`BACKEND_CLIENT`) already sees the fixes:

1. Writes. `ralph/backends/data/fs.py`: `FSDataBackend.default_operation_type`
   is `BaseOperationType.CREATE`. The statements router
   (`ralph/api/routers/statements.py`: `_write_statements` for POST and `put`)
   calls `BACKEND_CLIENT.write(...)` without `operation_type`, so
   `BaseDataBackend.write` (`ralph/backends/data/base.py`) falls back to that
   default, and `FSLRSBackend.write` (`ralph/backends/lrs/fs.py`) always targets
   the same `fs_lrs.jsonl`. `FSDataBackend._write_bytes` refuses CREATE on an
   existing file ("already exists and overwrite is not allowed"), so every
   write after the first one answers 500 "Statements bulk indexation failed".
   Fix: the LRS subclass `FSLRSBackend` gets `default_operation_type = APPEND`
   (`_write_bytes` then opens the file with mode "ab", which also creates it
   on the first write). The generic data backend (`ralph push` etc.) is left
   untouched.

2. GET filters. `ralph/api/routers/statements.py`: `get()` coerces the `verb`
   and `activity` query parameters with `IRI(...)`, a pydantic `RootModel`
   (`ralph/models/xapi/base/common.py`). `FSLRSBackend._add_filter_by_verb`
   and `FSLRSBackend._add_filter_by_activity` (`ralph/backends/lrs/fs.py`)
   compare that object with the plain string stored in the JSON line
   (`statement["verb"]["id"] == verb_id`), which is never equal, so those
   filters return nothing. Fix: wrap both static methods to pass `str(value)`.

3. `since` / `until`. xAPI 1.0.3 (Communication, GET statements) defines them on
   `stored` ("only Statements stored since the specified timestamp"), so a
   client can ask "what reached the LRS since I last looked". The fs backend's
   `_add_filter_by_timestamp_since` / `_until` compare the statement's
   `timestamp` (when it happened) instead, so a statement recorded offline and
   synced days later is never returned to a reader that already looked past its
   timestamp (the trainer review's refresh). Fix: the same comparisons on
   `stored` (which the LRS sets on every statement it stores).

Nothing else is patched: apart from these two defects the LRS accepts and
refuses exactly what an unpatched Ralph 5.1.0 does (e.g. `mailto:` values go
through email_validator unchanged). Accounts are written by
scripts/lrs/accounts.py (checked against Ralph's own model of the accounts
file, as `ralph auth` would write them), not through this file.

The patches are tied to 5.1.0: the launcher refuses any other version, and
checks that each patched attribute still looks as expected, so an upgrade
makes it fail loudly instead of silently serving a mis-patched LRS.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib import metadata
from typing import NoReturn

EXPECTED_RALPH_VERSION = "5.1.0"
DEFAULT_PORT = 8100
# Loopback only: the LRS is a local reference/test server, never exposed.
HOST = "127.0.0.1"

log = logging.getLogger("boiduong.lrs.launcher")


def _fail(message: str) -> NoReturn:
    print(f"launcher.py: {message}", file=sys.stderr)
    sys.exit(2)


def check_version() -> None:
    try:
        version = metadata.version("ralph-malph")
    except metadata.PackageNotFoundError:
        _fail("ralph-malph is not installed in this python; run scripts/lrs/install.sh")
    if version != EXPECTED_RALPH_VERSION:
        _fail(
            f"ralph-malph {version} found, the patches are written for "
            f"{EXPECTED_RALPH_VERSION}: re-check them against the new source"
        )


def patch_fs_default_operation_type() -> None:
    """Defect 1: make the fs LRS backend append instead of create."""
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    current = FSLRSBackend.default_operation_type
    if current != BaseOperationType.CREATE:
        _fail(f"unexpected FSLRSBackend.default_operation_type {current!r}")
    # Set on the LRS subclass only (class attribute lookup finds it before the
    # FSDataBackend one), so other users of FSDataBackend keep Ralph's default.
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND


def patch_fs_iri_filters() -> None:
    """Defect 2: compare `verb` / `activity` filters as strings."""
    from ralph.backends.lrs.fs import FSLRSBackend

    # Accessed through the class, a staticmethod is the plain function.
    original_verb = FSLRSBackend._add_filter_by_verb
    original_activity = FSLRSBackend._add_filter_by_activity
    for name, func in (
        ("_add_filter_by_verb", original_verb),
        ("_add_filter_by_activity", original_activity),
    ):
        if not callable(func) or not isinstance(
            FSLRSBackend.__dict__.get(name), staticmethod
        ):
            _fail(f"FSLRSBackend.{name} is not the expected staticmethod")

    def _add_filter_by_verb(filters, verb_id=None):
        # The router passes an `IRI` RootModel; the stored value is a str.
        return original_verb(filters, None if verb_id is None else str(verb_id))

    def _add_filter_by_activity(filters, object_id=None, related=None):
        return original_activity(
            filters, None if object_id is None else str(object_id), related
        )

    # Keep them static: `query_statements` calls them as `self._add_filter_*`.
    FSLRSBackend._add_filter_by_verb = staticmethod(_add_filter_by_verb)
    FSLRSBackend._add_filter_by_activity = staticmethod(_add_filter_by_activity)


def patch_fs_since_until_on_stored() -> None:
    """Defect 3: `since` / `until` filter on `stored`, as xAPI 1.0.3 defines them."""
    from datetime import datetime

    from ralph.backends.lrs.fs import FSLRSBackend

    for name in ("_add_filter_by_timestamp_since", "_add_filter_by_timestamp_until"):
        if not callable(getattr(FSLRSBackend, name, None)):
            _fail(f"FSLRSBackend.{name} is missing")

    def _parse(value):
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return value

    def _stored(statement: dict):
        try:
            return datetime.fromisoformat(statement.get("stored"))
        except (TypeError, ValueError):
            return None

    def _add_filter_by_timestamp_since(self, filters, timestamp=None):
        timestamp = _parse(timestamp)
        if timestamp:
            filters.append(lambda st: (_stored(st) is not None and _stored(st) > timestamp))

    def _add_filter_by_timestamp_until(self, filters, timestamp=None):
        timestamp = _parse(timestamp)
        if timestamp:
            filters.append(lambda st: (_stored(st) is not None and _stored(st) <= timestamp))

    FSLRSBackend._add_filter_by_timestamp_since = _add_filter_by_timestamp_since
    FSLRSBackend._add_filter_by_timestamp_until = _add_filter_by_timestamp_until


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env_port = os.environ.get("LRS_PORT") or os.environ.get("RALPH_RUNSERVER_PORT")
    parser.add_argument(
        "--port",
        type=int,
        default=int(env_port) if env_port else DEFAULT_PORT,
        help="TCP port on 127.0.0.1 (default: $LRS_PORT, $RALPH_RUNSERVER_PORT, 8100)",
    )
    parser.add_argument(
        "--unpatched",
        action="store_true",
        help="skip the three fs-backend fixes (only to show that smoke.py catches the defects)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    check_version()

    # Ralph reads its settings when `ralph.conf` is first imported (the patch
    # functions import it): fail early with a clear message on the two that
    # matter for this launcher.
    if os.environ.get("RALPH_RUNSERVER_BACKEND") != "fs":
        _fail("RALPH_RUNSERVER_BACKEND must be 'fs' (start the LRS with scripts/lrs/start.sh)")

    if args.unpatched:
        log.warning("serving Ralph %s WITHOUT the fs fixes (defects 1, 2 and 3 present)", EXPECTED_RALPH_VERSION)
    else:
        patch_fs_default_operation_type()
        patch_fs_iri_filters()
        patch_fs_since_until_on_stored()
        log.info(
            "patched FSLRSBackend: default_operation_type=append, verb/activity filters as str, "
            "since/until on stored"
        )

    # Import the app only now, after the patches: `ralph.api.routers.statements`
    # instantiates the backend at import time.
    import uvicorn
    from ralph.api import app  # noqa: F401 - same object as "ralph.api:app"

    # One worker and no reload: the fs backend has no locking and no fsync,
    # and a reloader/worker subprocess would re-import Ralph without patches.
    # Passing the object (rather than the "ralph.api:app" string) keeps it in
    # this process, where the patches live.
    uvicorn.run(
        app,
        host=HOST,
        port=args.port,
        workers=1,
        reload=False,
        log_level="info",
        proxy_headers=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
