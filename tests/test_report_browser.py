"""report.html in a real browser (headless Chromium): a row per copy, no script runs, prints to PDF.

A control page with the same hostile markup left unescaped proves the check can fail: there the
script runs and the dumped DOM shows it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tree_data import HOSTILE_DIR, build_evidence_tree

from scanner.commands.scan import execute
from scanner.config import ScanConfig

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--mute-audio", "--disable-dev-shm-usage"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI (.ci/run installs it)")
        pytest.skip("chromium not installed (allowed outside CI only)")
    return found


def _run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run([_chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120)


def dump_dom(page: Path, tmp: Path) -> str:
    done = _run(tmp, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<html" in done.stdout
    return done.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("browser")
    share = base / "share"
    truth = build_evidence_tree(share)
    config = ScanConfig(sources=[str(share)], out=base / "out", names=[str(truth["leaked_name"])],
                        case_id="<b>T-002</b>", examiner="試験 花子", quiet=True,
                        command_line=["leakscan", "scan", str(share)])
    doc, paths = execute(config)
    return {"base": base, "doc": json.loads(Path(paths["findings"]).read_text("utf-8")),
            "html": Path(paths["report"])}


def _pwned(dom: str) -> bool:
    body = re.search(r"<body[^>]*>", dom)
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    return bool(body and "data-pwned" in body.group(0)) or bool(title and title.group(1).strip() == "pwned")


def test_control_page_shows_that_scripts_would_be_seen(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>ok</title></head><body><p>{HOSTILE_DIR}/script></p>"
                    "<img src=x onerror=\"document.title='pwned'\"></body></html>", encoding="utf-8")
    assert _pwned(dump_dom(page, tmp_path))


def test_report_renders_a_row_per_copy_and_runs_no_script(report: dict, tmp_path: Path) -> None:
    dom = dump_dom(report["html"], tmp_path)
    files = report["doc"]["files"]
    assert len(files) >= 10
    assert len(re.findall(r'<tr class="hit[ "]', dom)) == len(files)
    assert not _pwned(dom)
    assert "<script" not in dom and "<img" not in dom
    assert "document.body.setAttribute('data-pwned','1')" in dom.replace("&#39;", "'")  # shown as text
    assert "⟨U+202E⟩" in dom and "\u202e" not in dom
    assert "&lt;b&gt;T-002&lt;/b&gt;" in dom  # the case id too is text, not markup
    summary = report["doc"]["summary"]
    assert f'data-summary="copies">{summary["copies"]}<' in dom


def test_report_prints_to_pdf(report: dict, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    done = _run(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report["html"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert len(data) > 20_000 and b"/Type /Page" in data and data.rstrip().endswith(b"%%EOF")


# ---------------------------------------------------------------- the demo report as its readers get it


def _japanese_font() -> None:
    from scanner.pdf import japanese_font

    if japanese_font() is False:
        if os.environ.get("CI"):
            pytest.fail("no Japanese font in CI (.ci/run installs fonts-ipafont-gothic)")
        pytest.skip("no Japanese font installed (allowed outside CI only)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`leakscan demo --pdf`: the report, its PDF and findings.json, as a first-time user gets them."""
    from conftest import run_leakscan

    _chromium()
    _japanese_font()
    base = tmp_path_factory.mktemp("demo")
    done = run_leakscan("demo", "--out", str(base), "--pdf", "--quiet")
    assert done.returncode == 0, done.stderr
    out = base / "report"
    return {"base": base, "out": out, "html": out / "report.html", "pdf": out / "report.pdf",
            "doc": json.loads((out / "findings.json").read_text("utf-8"))}


_MEASURE = """<script>
window.addEventListener('load', () => {
  const found = [...document.querySelectorAll('[data-summary]')].map(e => {
    const r = e.getBoundingClientRect();
    return {key: e.dataset.summary, text: e.textContent.trim(), bottom: r.bottom, right: r.right};
  });
  const out = document.createElement('pre');
  out.id = 'measured';
  out.textContent = JSON.stringify({height: window.innerHeight, width: window.innerWidth, found: found});
  document.body.appendChild(out);
});
</script>"""


def test_summary_figures_are_on_the_first_screen_and_equal_findings_json(demo: dict, tmp_path: Path) -> None:
    """At 1366x768 every key figure is visible without scrolling and says what findings.json `summary` says.

    The page is measured by a script, so it runs from a copy without the report's no-script policy
    (the layout is the same; the report itself never runs a script)."""
    html = demo["html"].read_text("utf-8")
    page = tmp_path / "measure.html"
    page.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace(
        "</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = _run(tmp_path, "--window-size=1366,768", "--hide-scrollbars", "--virtual-time-budget=3000", "--dump-dom",
               page.as_uri()).stdout
    m = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert m, dom[-2000:]
    measured = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert 600 <= measured["height"] <= 768 and measured["width"] <= 1366  # the window less the browser's frame
    summary = demo["doc"]["summary"]
    keys = {f["key"] for f in measured["found"]}
    assert {"copies", "persons.persons", "record_overlap", "not_examined"} <= keys
    for f in measured["found"]:
        value = summary
        for part in f["key"].split("."):
            value = value[part]
        assert f["text"].replace(",", "") == str(value), f
        assert f["bottom"] <= measured["height"], f"{f['key']} is below the first screen"
    assert summary["copies"] == 10 and summary["persons"]["persons"] == 1077  # the demo's figures


def test_demo_pdf_is_a4_short_and_japanese_fonts_are_embedded(demo: dict) -> None:
    import pypdf

    reader = pypdf.PdfReader(demo["pdf"])
    assert 1 < len(reader.pages) <= 10
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5, (width, height)  # A4 portrait
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font.get("/BaseFont", font.get("/Subtype")))] = font
    for name, font in fonts.items():
        if font["/Subtype"] == "/Type3":
            continue  # glyphs drawn in the PDF itself
        descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.get_object()), f"{name} not embedded"
    text = "".join(p.extract_text() for p in reader.pages)
    case_id = demo["doc"]["case"]["id"]
    first = reader.pages[0].extract_text()
    assert f"事案番号 {case_id}" in first and f"1 / {len(reader.pages)}" in first  # running header, page x/y
    for words in ("調査報告書", "探索したファイルのコピー", "影響を受けた本人の数", "署名・押印欄"):
        assert words in text, words


def test_no_hash_is_broken_inside_its_block_in_print(demo: dict) -> None:
    """Every digest printed breaks, if at all, only between its 16-digit groups."""
    import pypdf

    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(demo["pdf"]).pages)
    flat = re.sub(r"\s+", "", text)
    digests = {d for f in demo["doc"]["files"] for d in (f.get("sha256"), f.get("md5"), f.get("sha1")) if d}
    seen = 0
    for digest in digests:
        whole = flat.count(digest)
        groups = [digest[i:i + 16] for i in range(0, len(digest), 16)]
        blocks = len(re.findall(r"\s?".join(groups), text))
        assert whole == blocks, f"{digest}: printed {whole} times, {whole - blocks} of them broken inside a group"
        seen += whole
    assert seen >= 30  # the copies' three digests each, at least


def test_japanese_body_has_no_rule_ids_libmagic_words_or_utc(demo: dict) -> None:
    """Rule codes, libmagic's English and UTC times belong to findings.json and the method section only."""
    html = demo["html"].read_text("utf-8")
    start = html.index('<section id="method">')
    body = html[:start] + html[html.index("</section>", start):]
    text = re.sub(r"<[^>]+>", "", body).replace("&amp;", "&")
    files = demo["doc"]["files"]
    for rule in {r for f in files for r in f["matched_rules"]}:
        assert rule not in text, rule
    for ctype in {f["type"] for f in files if f.get("type")}:
        assert ctype not in text, ctype
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", text)
    assert "UTC" not in text
    for word in ("NFKC", "HMAC", "libmagic"):
        assert word not in text, word
    method = html[start:html.index("</section>", start)]
    assert demo["doc"]["scan"]["started"] in method  # UTC kept where another examiner repeats the scan
    assert "name:exact" in method


def test_hostile_case_id_in_the_running_header_is_text(report: dict, tmp_path: Path) -> None:
    import pypdf

    _japanese_font()
    pdf = tmp_path / "hostile.pdf"
    done = _run(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report["html"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    first = pypdf.PdfReader(pdf).pages[0].extract_text()
    assert "事案番号 <b>T-002</b>" in first
