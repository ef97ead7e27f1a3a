"""Build the realistic share of issue 11 with a fixed seed: what a municipal file server looks like.

``--files 100000`` (the default) gives 7,000 distinct real .xlsx workbooks of 5-400 rows (openpyxl),
3,000 CSV files (cp932 or UTF-8) and 90,000 documents, mail and media files of 0.2-20 KB; 45 workbooks
hold person records (name + address), 5 of them are copies of the named file. A smaller ``--files``
keeps these shares (and at least 10 person workbooks, 5 of them copies). Every file is a function of
(seed, its index), so the tree is the same on every machine and can be built by several processes.
``truth.json`` beside the tree lists the person workbooks and the copies.

    python bench/make_share.py /tmp/share --files 20000
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanner.demo import LEAKED_NAME, client_list_xlsx, make_people  # noqa: E402

SEED = 20260101
DEPARTMENTS = ["総務課", "福祉課", "介護保険課", "税務課", "企画課", "建設課", "教育委員会", "市民課", "健康課", "会計課"]
TOPICS = ["予算", "議事録", "備品", "研修", "会議", "報告", "集計", "契約", "工事", "点検", "実績", "計画"]
ITEMS = ["コピー用紙", "トナー", "ファイル", "封筒", "ボールペン", "付箋", "クリアファイル", "電池", "マスク", "消毒液",
         "ノートPC", "モニター", "机", "椅子", "プリンタ", "USBメモリ", "ホワイトボード", "延長コード"]
PLACES = ["本庁舎", "第二庁舎", "保健センター", "図書館", "公民館", "体育館", "支所", "倉庫"]
# documents, mail and media: (extension, leading bytes that make the content type what the name says)
OTHERS = [(".docx", b"PK\x03\x04\x14\x00\x06\x00"), (".pdf", b"%PDF-1.4\n"), (".jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
          (".png", b"\x89PNG\r\n\x1a\n"), (".eml", b"From: soumu@example.lg.jp\r\nSubject: "),
          (".msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), (".txt", b""), (".pptx", b"PK\x03\x04\x14\x00\x06\x00"),
          (".doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), (".mp3", b"ID3\x03\x00"), (".html", b"<html><body>"),
          (".log", b"")]


def plan(files: int) -> dict[str, int]:
    """How many files of each kind a tree of ``files`` files holds (issue 11's proportions)."""
    xlsx, csvs = files * 7 // 100, files * 3 // 100
    persons = max(10, round(45 * files / 100_000))
    return {"xlsx": xlsx, "csv": csvs, "other": files - xlsx - csvs, "persons": persons, "copies": 5}


FILES_PER_FOLDER = 40


def _folder(index: int) -> str:
    """About 40 files per folder, folders three levels deep (department / year / topic)."""
    n = index // FILES_PER_FOLDER
    return f"{DEPARTMENTS[n % len(DEPARTMENTS)]}/{2014 + n // 10 % 10}年度/{TOPICS[n // 100 % len(TOPICS)]}{n // 1200:02d}"


def _table(rnd: random.Random, rows: int) -> list[list[object]]:
    """A plain office table (no person records): items, amounts, dates, places."""
    kind = rnd.randint(0, 2)
    if kind == 0:
        out: list[list[object]] = [["品名", "数量", "単価", "金額", "購入日", "備考"]]
        for _ in range(rows):
            q, p = rnd.randint(1, 50), rnd.randint(100, 20000)
            out.append([rnd.choice(ITEMS), q, p, q * p, f"20{rnd.randint(14, 23)}-{rnd.randint(1, 12):02d}-"
                        f"{rnd.randint(1, 28):02d}", rnd.choice(["", "至急", "追加", "返品"])])
    elif kind == 1:
        out = [["会議名", "日時", "場所", "出席者数", "資料番号"]]
        for _ in range(rows):
            out.append([f"{rnd.choice(TOPICS)}会議", f"{rnd.randint(1, 12)}月{rnd.randint(1, 28)}日 {rnd.randint(9, 17)}:00",
                        rnd.choice(PLACES), rnd.randint(3, 40), f"資料{rnd.randint(1, 999):03d}"])
    else:
        out = [["年度", "事業", "予算額", "執行額", "執行率"]]
        for _ in range(rows):
            b = rnd.randint(10_000, 9_000_000)
            e = rnd.randint(0, b)
            out.append([2014 + rnd.randint(0, 9), f"{rnd.choice(TOPICS)}事業", b, e, round(e / b, 3)])
    return out


def _xlsx(rnd: random.Random, rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for s in range(rnd.choice([1, 1, 1, 2, 3])):
        ws = wb.create_sheet(f"Sheet{s + 1}")
        for row in _table(rnd, rows if s == 0 else max(5, rows // 3)):
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rnd: random.Random, rows: int) -> bytes:
    table = _table(rnd, rows)
    text = "\r\n".join(",".join(str(v) for v in r) for r in table) + "\r\n"
    return text.encode("cp932" if rnd.random() < 0.5 else "utf-8")


def _other(rnd: random.Random) -> tuple[str, bytes]:
    ext, head = rnd.choice(OTHERS)
    size = int(200 * (100 ** rnd.random()))  # 0.2-20 KB, log-uniform
    if ext in (".txt", ".log", ".eml", ".html"):
        body = "".join(rnd.choice(ITEMS + PLACES + TOPICS) + ("\n" if rnd.random() < 0.1 else " ")
                       for _ in range(size // 12)).encode("utf-8")
    else:
        body = rnd.randbytes(size)
    return ext, (head + body)[:max(size, len(head))]


def _make(args: tuple[Path, int, str, int]) -> tuple[str, int]:
    """Write file number ``index`` of kind ``kind``; return its relative path and size."""
    root, index, kind, seed = args
    rnd = random.Random(seed * 1_000_003 + index)
    folder = _folder(index)
    if kind == "xlsx":
        data, name = _xlsx(rnd, rnd.randint(5, 400)), f"{rnd.choice(TOPICS)}_{index:06d}.xlsx"
    elif kind == "csv":
        data, name = _csv(rnd, rnd.randint(5, 400)), f"{rnd.choice(TOPICS)}_{index:06d}.csv"
    else:
        ext, data = _other(rnd)
        name = f"{rnd.choice(TOPICS)}_{index:06d}{ext}"
    rel = f"{folder}/{name}"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel, len(data)


def _person_files(root: Path, n: int, copies: int, seed: int) -> dict[str, object]:
    """``copies`` copies of the named file and ``n - copies`` other person workbooks."""
    people = make_people(1200, seed=seed)
    rnd = random.Random(seed)
    named = client_list_xlsx(people[:400])
    truth: dict[str, object] = {"copies": [], "person_files": []}
    for i in range(copies):
        rel = f"{DEPARTMENTS[i % len(DEPARTMENTS)]}/職員/PC{i + 1:02d}/{LEAKED_NAME}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(named)
        truth["copies"].append(rel)  # type: ignore[union-attr]
        truth["person_files"].append(rel)  # type: ignore[union-attr]
    for i in range(n - copies):
        start = rnd.randint(0, 1100)
        rows = people[start:start + rnd.randint(5, 100)]
        rel = f"{DEPARTMENTS[i % len(DEPARTMENTS)]}/名簿/{2015 + i % 8}年度/連絡先一覧_{i:03d}.xlsx"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(client_list_xlsx(rows, title=f"連絡先一覧 {i}"))
        truth["person_files"].append(rel)  # type: ignore[union-attr]
    return truth


def build(root: Path, files: int, seed: int = SEED, jobs: int | None = None) -> dict[str, object]:
    """Build the tree under ``root`` (which must not exist) and return its truth."""
    counts = plan(files)
    root.mkdir(parents=True)
    truth = _person_files(root, counts["persons"], counts["copies"], seed)
    kinds = (["xlsx"] * (counts["xlsx"] - counts["persons"]) + ["csv"] * counts["csv"]
             + ["other"] * counts["other"])
    random.Random(seed).shuffle(kinds)
    with ProcessPoolExecutor(jobs or os.cpu_count()) as pool:
        made = list(pool.map(_make, [(root, i, k, seed) for i, k in enumerate(kinds)], chunksize=256))
    truth.update({"files": len(made) + counts["persons"], "plan": counts,
                  "bytes": sum(n for _r, n in made) + sum((root / p).stat().st_size
                                                          for p in truth["person_files"])})  # type: ignore[union-attr]
    return truth


def ensure(root: Path, files: int, seed: int = SEED) -> dict[str, object]:
    """The tree at ``root``, built once (its truth.json beside it says it is complete)."""
    marker = root.with_name(root.name + ".truth.json")
    if marker.exists():
        truth = json.loads(marker.read_text())
        if truth.get("files") == files and truth.get("seed") == seed:
            return truth
    if root.exists():
        import shutil

        shutil.rmtree(root)
    truth = build(root, files, seed)
    truth["seed"] = seed
    marker.write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    truth["files"] = files
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args()
    truth = ensure(a.root, a.files, a.seed)
    print(json.dumps({k: v for k, v in truth.items() if k not in ("person_files",)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
