"""``verify --sources``: a row's detail is coded like a skipped file's (session 15).

Its details were English sentences on a Japanese terminal, and another tool had to parse English to tell
"gone" from "size differs". Now each row carries ``detail_codes`` and the terminal says the detail in its language.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli
from pii_data import csv_bytes, people, standard


def encrypted_7z(name: str, persons: int) -> bytes:
    import io

    import py7zr

    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", password="secret") as z:
        z.writestr(csv_bytes(standard(people(persons, seed=71)), "utf-8"), name)
    return buf.getvalue()

JA = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"}
EN = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def _scanned(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "顧客名簿.csv").write_bytes(csv_bytes(standard(people(15, seed=151)), "utf-8"))
    (src / "a.7z").write_bytes(encrypted_7z("顧客名簿_old.csv", 20))
    out = tmp_path / "out"
    scan = run_cli("scan", str(src), "--name", "顧客名簿", "--out", str(out), "--quiet")
    assert scan.returncode == 1, scan.stderr[-2000:]
    return src, out


def test_verify_rows_carry_codes_and_the_terminal_says_them_in_its_language(tmp_path: Path) -> None:
    src, out = _scanned(tmp_path)
    (src / "顧客名簿.csv").unlink()
    (src / "a.7z").write_bytes(encrypted_7z("顧客名簿_old.csv", 30))  # the member now longer

    rows = json.loads(run_cli("verify", str(out), "--sources", str(src), "--json", env=EN).stdout)["sources"]
    by_status = {r["status"]: r for r in rows}
    assert by_status["missing"]["detail_codes"] == [{"code": "verify-gone"}], rows
    changed = by_status["changed"]["detail_codes"]
    assert [c["code"] for c in changed] == ["verify-size-differs"], rows
    assert changed[0]["now"] > changed[0]["then"] > 0

    en = run_cli("verify", str(out), "--sources", str(src), env=EN)
    assert en.returncode == 1
    assert "no file at this path any more" in en.stdout and "its size differs" in en.stdout, en.stdout
    ja = run_cli("verify", str(out), "--sources", str(src), env=JA)
    assert ja.returncode == 1
    assert "このパスにはもうファイルがありません" in ja.stdout and "サイズが変わっています" in ja.stdout, ja.stdout
    assert "no file at this path" not in ja.stdout and "its size differs" not in ja.stdout
