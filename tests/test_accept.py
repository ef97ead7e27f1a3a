"""--accept FILE: the examiner's out-of-scope list. A rescan held back only by an unrelated password-protected
archive, or by a controlled copy the organisation keeps, becomes clean with the exceptions stated; a listed file
whose SHA-256 changed is not accepted; stale lines are shown; the list itself is checked before anything runs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import pyzipper
from conftest import run_cli

from scanner.accept import read_accept_file
from scanner.codes import AcceptStatus, Verdict
from scanner.demo import client_list_xlsx, make_people
from scanner.errors import UsageError

NAME = "介護予防_利用者名簿.xlsx"


def _locked_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(b"the examiner does not know it")
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A baseline with the leaked list, a controlled master copy and an unrelated encrypted archive; after
    remediation the leaked copy is gone, the master and the archive remain."""
    tmp = tmp_path_factory.mktemp("accept")
    share = tmp / "share"
    book = client_list_xlsx(make_people(20, seed=5))
    _write(share, {f"PC01/{NAME}": book, f"管理/原本/{NAME}": book,
                   "総務/給与_2016.zip": _locked_zip({"給与.csv": b"a,b\n", "明細.xlsx": b"x" * 300})})
    base = tmp / "base"
    assert run_cli("scan", str(share), "--name", NAME, "--out", str(base), "--quiet").returncode == 1
    (share / "PC01" / NAME).unlink()
    rescan = tmp / "rescan"
    assert run_cli("scan", str(share), "--name", NAME, "--out", str(rescan), "--quiet").returncode == 1
    return {"tmp": tmp, "share": share, "base": base, "rescan": rescan}


def _sha(doc_dir: Path, path: Path) -> str:
    doc = json.loads((doc_dir / "findings.json").read_text("utf-8"))
    for item in [*doc["files"], *doc["skipped"]]:
        if item["path"] == str(path) and item.get("sha256"):
            return item["sha256"]
    raise AssertionError(f"{path} not listed with a SHA-256")


def _accept_file(path: Path, lines: list[str]) -> Path:
    path.write_text("# path\tsha256\treason\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _diff(case: dict[str, Path], out: str, *extra: str):
    done = run_cli("diff", str(case["base"]), str(case["rescan"]), "--out", str(case["tmp"] / out), *extra)
    return done, json.loads((case["tmp"] / out / "diff.json").read_text("utf-8"))


def test_without_a_list_the_rescan_cannot_be_clean(case: dict[str, Path]) -> None:
    done, diff = _diff(case, "d0")
    assert done.returncode == 1 and diff["verdict"] == Verdict.REMAINING  # the master copy remains
    assert any(s["reason"] == "encrypted" for s in diff["not_verified"])
    assert "accepted" not in diff


def test_listed_exceptions_make_it_clean_and_are_stated(case: dict[str, Path]) -> None:
    share = case["share"]
    archive, master = share / "総務/給与_2016.zip", share / f"管理/原本/{NAME}"
    hostile = "総務課長確認済み <script>x</script>\u202e"
    lst = _accept_file(case["tmp"] / "accept.tsv", [
        f"{archive}\t{_sha(case['rescan'], archive)}\t{hostile}",
        f"{_sha(case['rescan'], master).upper()}\t{master}\t組織が管理する原本（施錠保管）",  # hash first, upper case
        f"{share}/PC09/gone.xlsx\t{'0' * 64}\tもう無いファイル",
    ])
    done, diff = _diff(case, "d1", "--accept", str(lst))
    assert done.returncode == 0, done.stderr
    assert diff["verdict"] == Verdict.CLEAN and not diff["not_verified"]
    lines = {a["line"]: a for a in diff["accepted"]["lines"]}
    assert lines[2]["status"] == AcceptStatus.APPLIED and lines[2]["covers"] == 3  # the archive and its 2 members
    assert lines[3]["status"] == AcceptStatus.APPLIED
    assert lines[4]["status"] == AcceptStatus.NOT_FOUND
    assert {s["path"] for s in diff["accepted"]["skipped"]} == {str(archive), f"{archive} » 給与.csv",
                                                               f"{archive} » 明細.xlsx"}
    remaining = [e for e in diff["entries"] if e["class"] == "remaining" and e["leak"]]
    assert remaining and all(e["accepted"] == {"line": 3, "reason": "組織が管理する原本（施錠保管）"} for e in remaining)
    assert "accepted as out of scope" in done.stderr and "1 line(s) of the list matched nothing" in done.stderr
    html = (case["tmp"] / "d1" / "remediation.html").read_text("utf-8")
    assert 'id="accepted"' in html and "組織が管理する原本" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html and "U+202E" in html
    assert diff["accepted"]["sha256"] and diff["accepted"]["file"] == str(lst)


def test_a_changed_file_is_not_accepted(case: dict[str, Path]) -> None:
    share = case["share"]
    archive, master = share / "総務/給与_2016.zip", share / f"管理/原本/{NAME}"
    lst = _accept_file(case["tmp"] / "stale.tsv", [
        f"{archive}\t{'a' * 64}\tsome other version",
        f"{master}\t{_sha(case['rescan'], master)}\t原本",
    ])
    done, diff = _diff(case, "d2", "--accept", str(lst))
    assert done.returncode == 1 and diff["verdict"] == Verdict.NOT_VERIFIED
    assert diff["accepted"]["lines"][0]["status"] == AcceptStatus.CHANGED
    assert any(s["path"] == str(archive) for s in diff["not_verified"])


def test_rescan_with_baseline_and_accept(case: dict[str, Path]) -> None:
    share = case["share"]
    archive, master = share / "総務/給与_2016.zip", share / f"管理/原本/{NAME}"
    lst = _accept_file(case["tmp"] / "scan.tsv", [f"{archive}\t{_sha(case['rescan'], archive)}\t無関係",
                                                  f"{master}\t{_sha(case['rescan'], master)}\t原本"])
    out = case["tmp"] / "rescan2"
    done = run_cli("scan", str(share), "--name", NAME, "--out", str(out), "--baseline", str(case["base"]),
                   "--accept", str(lst), "--quiet")
    assert done.returncode == 0, done.stderr
    diff = json.loads((out / "diff.json").read_text("utf-8"))
    assert diff["verdict"] == Verdict.CLEAN and diff["accepted"]["file"] == str(lst)
    assert str(lst) in json.loads((out / "findings.json").read_text("utf-8"))["scan"]["command_line"]


@pytest.mark.parametrize(("content", "words"), [
    ("", "no entry"),
    ("/a/b.xlsx\tnot-a-hash\treason\n", "line 1"),
    ("/a/b.xlsx\t" + "0" * 64 + "\n", "line 1"),
    ("# comment\n\n/a/b.xlsx " + "0" * 64 + " reason\n", "line 3"),  # spaces, not tabs
])
def test_malformed_lists_are_refused(tmp_path: Path, content: str, words: str) -> None:
    f = tmp_path / "a.tsv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as e:
        read_accept_file(f)
    assert words in str(e.value) and "/a/b.xlsx" not in str(e.value) and "not-a-hash" not in str(e.value)


def test_list_encodings(tmp_path: Path) -> None:
    line = "/共有/給与.zip\t" + "ab" * 32 + "\t理由\n"
    for encoding in ("utf-8", "utf-8-sig", "utf-16"):
        f = tmp_path / f"{encoding}.tsv"
        f.write_bytes(line.encode(encoding))
        (entry,) = read_accept_file(f).entries
        assert (entry.path, entry.reason, entry.line) == ("/共有/給与.zip", "理由", 1)
    f = tmp_path / "cp932.tsv"
    f.write_bytes(line.encode("cp932"))
    with pytest.raises(UsageError):
        read_accept_file(f)


def test_accept_is_checked_before_anything_runs(case: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("just words\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("scan", str(case["share"]), "--name", NAME, "--out", str(out), "--baseline", str(case["base"]),
                   "--accept", str(bad))
    assert done.returncode == 2 and "line 1" in done.stderr and not out.exists()
    done = run_cli("scan", str(case["share"]), "--name", NAME, "--out", str(out), "--accept", str(bad))
    assert done.returncode == 2 and "--baseline" in done.stderr and not out.exists()
    done = run_cli("diff", str(case["base"]), str(case["rescan"]), "--out", str(tmp_path / "d"), "--accept", str(bad))
    assert done.returncode == 2 and not (tmp_path / "d").exists()
