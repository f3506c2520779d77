"""Tests of scripts/lrs/classes.py (scripts/class.sh): the refusals change nothing.

Run: .venv-lrs/bin/python -m unittest discover -s scripts/lrs -p 'test_*.py'
"""

from __future__ import annotations

import json
import sys
import tempfile
import unittest
from pathlib import Path

import bcrypt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classes  # noqa: E402

HEADER = "họ tên,đơn vị,chức danh,email hoặc điện thoại\n"
HOME = "https://lrs.example.vn"


class ClassCommand(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp())
        self.auth = self.dir / "auth.json"
        self.auth.write_text(json.dumps([{"username": "giangvien", "hash": "x", "scopes": [],
                                          "agent": {"mbox": "mailto:g@x.vn"}}]), encoding="utf-8")
        self.slips = self.dir / "slips.html"

    def run_create(self, roster: str | bytes, *extra: str) -> int:
        path = self.dir / "roster.csv"
        path.write_bytes(roster if isinstance(roster, bytes) else roster.encode("utf-8"))
        argv = ["create", "QLNN-2027-03", str(path), "--auth-file", str(self.auth),
                "--home-page", HOME, "--portal", "https://boiduong.example", "--slips",
                str(self.slips), *extra]
        return classes.main(argv)

    def assert_nothing_changed(self, before: bytes) -> None:
        self.assertEqual(self.auth.read_bytes(), before, "the accounts file is untouched")
        self.assertFalse(self.slips.exists(), "no slips written")
        self.assertEqual(sorted(p.name for p in self.dir.iterdir()), ["auth.json", "roster.csv"],
                         "no temporary file left behind")

    # Guards the happy path: one account per row with the learner scope and the trainer's read
    # scope, bcrypt hashes of the passwords printed on the slips, the agent the portal writes.
    def test_creates_accounts_and_slips(self) -> None:
        roster = HEADER + ("Nguyễn Văn <An>,UBND phường Bến Thành,Công chức,an.nv@hcm.gov.vn\n"
                           "Trần Thị Bình,UBND xã Bình Chánh,Chuyên viên,0912 345 678\n")
        self.assertEqual(self.run_create(roster, "--trainer"), 0)
        entries = json.loads(self.auth.read_text(encoding="utf-8"))
        self.assertEqual([e["username"] for e in entries],
                         ["giangvien", "qlnn-2027-03-01", "qlnn-2027-03-02", "qlnn-2027-03-gv"])
        self.assertEqual(entries[1]["scopes"], ["statements/write", "statements/read/mine"])
        self.assertEqual(entries[3]["scopes"], ["statements/write", "statements/read"])
        self.assertEqual(entries[1]["agent"]["account"], {"homePage": HOME, "name": "qlnn-2027-03-01"})
        page = self.slips.read_text(encoding="utf-8")
        self.assertIn("QLNN-2027-03", page)
        self.assertIn("https://boiduong.example", page)
        self.assertIn("Nguyễn Văn &lt;An&gt;", page, "names are escaped")
        self.assertIn("@media print", page)
        passwords = []
        for e in entries[1:]:
            start = page.index(e["username"])
            secret = page.index('class="secret">', start) + len('class="secret">')
            password = page[secret:page.index("<", secret)]
            self.assertEqual(len(password), classes.PASSWORD_LENGTH)
            self.assertTrue(bcrypt.checkpw(password.encode(), e["hash"].encode()), e["username"])
            passwords.append(password)
        self.assertEqual(len(set(passwords)), 3, "every password drawn anew")

    # Guards refusals: every bad row named with its line and reason, all at once, and nothing
    # written at all.
    def test_bad_rows_are_refused_with_their_line(self) -> None:
        before = self.auth.read_bytes()
        roster = HEADER + ("A,,Công chức,a@x.vn\n"
                           "B,Đơn vị,Công chức,không-phải-liên-lạc\n"
                           "C,Đơn vị,Công chức\n"
                           "\n"
                           "D,Đơn vị,Công chức,0912345678\n"
                           "E,Đơn vị,Công chức,+84 912 345 678\n")
        with self.assertRaises(classes.RosterError) as err:
            classes.parse_roster(roster.encode())
        self.assertEqual([p.split(":")[0] for p in err.exception.problems],
                         ["line 2", "line 3", "line 4", "line 7"])
        self.assertIn("line 6", err.exception.problems[3], "a duplicate names the first row")
        self.assertEqual(self.run_create(roster), 1)
        self.assert_nothing_changed(before)

    # Guards re-running a class (or a roster clashing with accounts already there): refused,
    # the accounts file and its existing accounts untouched.
    def test_existing_accounts_are_refused(self) -> None:
        roster = HEADER + "A,Đơn vị,Công chức,a@x.vn\n"
        self.assertEqual(self.run_create(roster), 0)
        before = self.auth.read_bytes()
        self.slips.unlink()
        self.assertEqual(self.run_create(roster), 1)
        self.assert_nothing_changed(before)

    # Guards files that are not a roster: another encoding, a wrong header, no learner.
    def test_unreadable_rosters_are_refused(self) -> None:
        before = self.auth.read_bytes()
        for roster in ["họ tên,đơn vị\nA,B\n".encode(), HEADER.encode(),
                       (HEADER + "Nguyễn,Đơn vị,CC,a@x.vn\n").encode("utf-16")]:
            self.assertEqual(self.run_create(roster), 1)
            self.assert_nothing_changed(before)
        self.assertEqual(self.run_create("\ufeff" + HEADER + "A,B,C,a@x.vn\n"), 0, "a BOM is fine")


    # Guards the class code: the portal's rule (upper case, A-Z 0-9 . _ -, at most 40), so
    # the slips give the code the portal accepts and names the class activity by; a code it
    # would refuse is refused here, changing nothing.
    def test_class_codes_follow_the_portal(self) -> None:
        before = self.auth.read_bytes()
        path = self.dir / "roster.csv"
        path.write_text(HEADER + "A,Đơn vị,Công chức,a@x.vn\n", encoding="utf-8")
        for bad in ["lớp 1", "A B", "K" * 41, ""]:
            argv = ["create", bad, str(path), "--auth-file", str(self.auth), "--home-page", HOME,
                    "--slips", str(self.slips)]
            self.assertEqual(classes.main(argv), 1, bad)
            self.assert_nothing_changed(before)
        argv = ["create", "qlnn-2027-04", str(path), "--auth-file", str(self.auth),
                "--home-page", HOME, "--slips", str(self.slips)]
        self.assertEqual(classes.main(argv), 0)
        self.assertIn("QLNN-2027-04", self.slips.read_text(encoding="utf-8"))
        self.assertNotIn("qlnn-2027-04<", self.slips.read_text(encoding="utf-8"))


if __name__ == "__main__":
    unittest.main()
