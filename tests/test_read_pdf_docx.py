"""Issue 4: PDF and Word reports.

The fixtures in tests/fixtures/ are the real published HTML pages reprinted by tools/make_fixtures.py
(Chromium print-to-PDF; python-docx). The same report must give the same golden values whichever format it
comes in, and the same cells as the HTML page. Hostile files give a ReadError (a failed report row), fast.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from golden_data import differences
from minimal_pdf import pdf_from_objects

from etl.model import ReadError
from etl.parse import parse_file
from etl.read import pdf as pdf_reader
from etl.read import read_document
from etl.read.docx import read_docx
from etl.read.pdf import fix_glyphs, read_pdf

FIX = ROOT / "tests" / "fixtures"
KEYS = ["2024_pingtan-syq_2021", "2019_shanghai-szfbgt_2019", "2014_pingtan-syq_old"]
FORMATS = ["pdf", "docx"]
CASES = [(k, f) for k in KEYS for f in FORMATS]
S3 = "2024_pingtan-syq_2021"
CHROMIUM = Path("/usr/bin/chromium")


@functools.cache
def parsed(path: str):
    return parse_file(path)


@functools.cache
def read(path: str):
    return read_document(Path(path))


def html_source(key: str) -> Path | None:
    for p in (CORPUS / "html" / f"{key}.html", CORPUS / f"{key}.html"):
        if p.exists():
            return p
    return None


def _all_metrics(parsed) -> list[tuple]:
    return sorted(((m.metric, m.applicant or "", m.basis, m.value, m.source) for m in parsed.metrics), key=str)


def _rows(doc) -> list[list[str]]:
    """Every table row; whitespace inside a cell dropped (the HTML source keeps its line breaks as spaces)."""
    return [[re.sub(r"\s+", "", c) for c in r] for t in doc.tables for r in t.rows]


# ------------------------------------------------------------------ same values in every format


@pytest.mark.parametrize("key,fmt", CASES, ids=[f"{k}.{f}" for k, f in CASES])
def test_golden_cells(key, fmt):
    path = FIX / f"{key}.{fmt}"
    parsed_ = parsed(str(path))
    assert parsed_.report["file_format"] == fmt
    assert parsed_.report["parse_status"] == "ok", parsed_.report["error"]
    if not (ROOT / "tests" / "golden" / "metrics" / f"{key}.csv").exists():
        pytest.skip(f"no golden values for {key} (compared with the HTML parse instead)")
    wrong, extra = differences(key, fmt, parsed_)
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)
    assert not extra


@pytest.mark.parametrize("key,fmt", CASES, ids=[f"{k}.{f}" for k, f in CASES])
def test_same_as_html(key, fmt):
    src = html_source(key)
    if src is None:
        pytest.skip("shared corpus (HTML pages) not present")
    html, other = parsed(str(src)), parsed(str(FIX / f"{key}.{fmt}"))
    assert _all_metrics(other) == _all_metrics(html)  # table and prose figures alike
    for field in (
        "year",
        "agency",
        "agency_short",
        "agency_kind",
        "level",
        "province",
        "template",
        "template_variant",
        "scope",
        "parse_status",
    ):
        assert other.report[field] == html.report[field], field
    # the tables themselves: every row's cells, merged cells once, blanks kept
    assert _rows(read(str(FIX / f"{key}.{fmt}"))) == _rows(read(str(src)))


def test_pdf_locators_name_pages():
    doc = read_pdf((FIX / f"{S3}.pdf").read_bytes())
    s3 = next(t for t in doc.tables if any("自然人" in c for r in t.rows for c in r))
    pages = {loc.split(" ")[0] for loc in s3.row_locators}
    assert len(pages) >= 2, "the 2024 section 三 table runs over a page break in the A4 print"
    assert all(loc.startswith("第") and "页 表" in loc and loc.endswith("行") for loc in s3.row_locators)
    assert any(m.locator.startswith("第3页") for m in parsed(str(FIX / f"{S3}.pdf")).metrics)


# ------------------------------------------------------------------ a table over a page break


@pytest.mark.parametrize("variant", ["s3_split", "s3_split_header"])
def test_table_over_page_break(variant):
    one = read_pdf((FIX / f"{S3}_s3_onepage.pdf").read_bytes())
    split = read_pdf((FIX / f"{S3}_{variant}.pdf").read_bytes())
    assert len(one.tables) == len(split.tables) == 1
    assert split.tables[0].rows == one.tables[0].rows
    assert {loc.split(" ")[0] for loc in one.tables[0].row_locators} == {"第1页"}
    pages = {loc.split(" ")[0] for loc in split.tables[0].row_locators}
    assert {"第1页", "第2页"} <= pages, pages
    a = parsed(str(FIX / f"{S3}_s3_onepage.pdf"))
    b = parsed(str(FIX / f"{S3}_{variant}.pdf"))
    assert [(m.metric, m.applicant, m.value) for m in a.metrics] == [
        (m.metric, m.applicant, m.value) for m in b.metrics
    ]
    assert len(a.metrics) >= 100


def test_onepage_table_matches_html():
    src = html_source(S3)
    if src is None:
        pytest.skip("shared corpus not present")
    html_s3 = next(t for t in read_document(src).tables if any("自然人" in c for r in t.rows for c in r))
    pdf_s3 = read_pdf((FIX / f"{S3}_s3_onepage.pdf").read_bytes()).tables[0]
    norm = lambda rows: [[re.sub(r"\s+", "", c) for c in r] for r in rows]
    assert norm(pdf_s3.rows) == norm(html_s3.rows)


# ------------------------------------------------------------------ layouts printed on the fly


def _print(tmp_path, jobs):
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed")
    pytest.importorskip("playwright")
    import make_fixtures

    make_fixtures.print_pdfs(jobs, tmp_path)


@pytest.mark.parametrize("layout", ["vertical", "rotated"])
def test_vertical_header_text(tmp_path, layout):
    """Header cells in vertical text: upright glyphs in vertical-rl columns, and rotated glyphs."""
    if not CHROMIUM.exists() or html_source(S3) is None:
        pytest.skip("chromium or shared corpus not present")
    import make_fixtures

    jobs = [j for j in make_fixtures.layout_jobs() if f"_{layout}." in j[0]]
    _print(tmp_path, jobs)
    one = read_pdf((FIX / f"{S3}_s3_onepage.pdf").read_bytes())
    vert = read_pdf((tmp_path / jobs[0][0]).read_bytes())
    assert vert.tables[0].rows == one.tables[0].rows


def test_unruled_table(tmp_path):
    if not CHROMIUM.exists() or html_source(S3) is None:
        pytest.skip("chromium or shared corpus not present")
    import make_fixtures

    jobs = [j for j in make_fixtures.layout_jobs() if "unruled" in j[0]]
    _print(tmp_path, jobs)
    ruled = parsed(str(FIX / f"{S3}_s3_onepage.pdf"))
    unruled = parse_file(str(tmp_path / jobs[0][0]))
    want = {(m.metric, m.applicant): m.value for m in ruled.metrics}
    got = {(m.metric, m.applicant): m.value for m in unruled.metrics}
    same = sum(1 for k, v in want.items() if got.get(k, "missing") == v)
    # rows from text lines, figure columns from x-clusters (blanks kept), wrapped labels stacked into blocks
    assert same >= 0.95 * len(want), f"{same} of {len(want)} cells"


def test_unruled_report_golden(tmp_path):
    """The whole 2024 report printed without any table rules still gives every golden cell."""
    if not CHROMIUM.exists() or html_source(S3) is None:
        pytest.skip("chromium or shared corpus not present")
    import make_fixtures

    jobs = [j for j in make_fixtures.layout_jobs() if j[0] == f"{S3}_unruled.pdf"]
    _print(tmp_path, jobs)
    wrong, _ = differences(S3, "pdf", parse_file(str(tmp_path / jobs[0][0])))
    assert not wrong, wrong[:10]


# ------------------------------------------------------------------ Word 97 (.doc) via LibreOffice


def test_doc_via_libreoffice(tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    src = tmp_path / f"{S3}.docx"
    src.write_bytes((FIX / f"{S3}.docx").read_bytes())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        cwd=tmp_path,
    )
    doc_path = tmp_path / f"{S3}.doc"
    assert doc_path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    got = parse_file(str(doc_path))
    assert got.report["file_format"] == "doc" and got.report["parse_status"] == "ok"
    assert _all_metrics(got) == _all_metrics(parsed(str(FIX / f"{S3}.docx")))


def test_doc_without_libreoffice(monkeypatch):
    import etl.read.doc as doc_reader

    monkeypatch.setattr(doc_reader, "soffice", lambda: None)
    with pytest.raises(ReadError, match="LibreOffice"):
        doc_reader.read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)


# ------------------------------------------------------------------ hostile and unusable files


def _fails_fast(path: Path, match: str) -> dict:
    t = time.monotonic()
    with pytest.raises(ReadError, match=match):
        read_document(path)
    report = parse_file(str(path)).report
    assert time.monotonic() - t < 30
    assert report["parse_status"] == "failed" and report["error"]
    return report


def test_truncated_pdf(tmp_path):
    data = (FIX / f"{S3}.pdf").read_bytes()
    for n, cut in enumerate((len(data) // 2, 2000, 20)):
        p = tmp_path / f"cut{n}.pdf"
        p.write_bytes(data[:cut])
        t = time.monotonic()
        try:
            doc = read_document(p)
        except ReadError as e:
            assert "PDF" in str(e)
        else:  # pdfminer may recover the pages before the cut; then it must still be a sane Document
            assert doc.file_format == "pdf"
        assert time.monotonic() - t < 30
        assert parse_file(str(p)).report["parse_status"] in ("failed", "partial", "ok")


def test_not_a_pdf(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_text("<html><body>这不是PDF</body></html>", encoding="utf-8")
    _fails_fast(p, "不是 PDF")
    p.write_bytes(b"plain text pretending to be a PDF\n" * 10)
    _fails_fast(p, "不是 PDF")


def test_encrypted_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(FIX / f"{S3}_s3_onepage.pdf"))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    p = tmp_path / "locked.pdf"
    with open(p, "wb") as f:
        writer.write(f)
    _fails_fast(p, "加密")


def test_scanned_pdf(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    img = Image.new("RGB", (800, 1100), "white")
    from PIL import ImageDraw

    ImageDraw.Draw(img).rectangle((100, 100, 700, 400), outline="black", width=3)
    p = tmp_path / "scan.pdf"
    img.save(p, "PDF", resolution=100.0)
    report = _fails_fast(p, "扫描版")
    assert "OCR" in report["error"]


def test_too_many_pages(monkeypatch):
    monkeypatch.setattr(pdf_reader.guards, "MAX_PAGES", 2)
    with pytest.raises(ReadError, match="页数过多"):
        read_pdf((FIX / f"{S3}.pdf").read_bytes())


def test_docx_zip_bomb(tmp_path):
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(120):  # 120 MB of zeros, ~120 KB compressed
                f.write(chunk)
    assert p.stat().st_size < 1_000_000
    _fails_fast(p, "压缩炸弹")


def test_docx_lying_zip_directory(tmp_path):
    """A member whose directory entry understates its size is stopped while inflating, at the stated size."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>" + b" " * (3 << 20))
    data = bytearray(buf.getvalue())
    # patch the uncompressed size in the central directory (offset 24 in each 'PK\1\2' record) to 100 bytes
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (100).to_bytes(4, "little")
    lh = data.find(b"PK\x03\x04")
    data[lh + 22 : lh + 26] = (100).to_bytes(4, "little")
    with pytest.raises(ReadError):
        read_docx(bytes(data))


def test_docx_not_a_zip(tmp_path):
    p = tmp_path / "report.docx"
    p.write_bytes(b"just some text, not a Word file" * 20)
    _fails_fast(p, "不是 Word")
    p.write_bytes((FIX / f"{S3}.docx").read_bytes()[:5000])
    _fails_fast(p, "损坏|不完整")


def test_build_goes_on(tmp_path):
    """A build over good and hostile files finishes; the bad ones are failed rows, the good ones parse."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.pdf").write_bytes((FIX / f"{S3}.pdf").read_bytes())
    (inputs / "good.docx").write_bytes((FIX / f"{S3}.docx").read_bytes())
    (inputs / "fake.pdf").write_text("不是PDF", encoding="utf-8")
    (inputs / "cut.pdf").write_bytes((FIX / f"{S3}.pdf").read_bytes()[:3000])
    (inputs / "bad.docx").write_bytes(b"PK\x03\x04broken")
    out = tmp_path / "wh"
    r = subprocess.run(
        [sys.executable, "-m", "etl", "build", str(inputs), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode in (0, 1), r.stderr[-2000:]
    assert any(out.rglob("*.parquet"))


# ------------------------------------------------------------------ small pieces


def test_fix_glyphs():
    assert fix_glyphs("政府信息公开⼯作") == "政府信息公开工作"
    assert fix_glyphs("中华⼈⺠共和国") == "中华人民共和国"
    assert fix_glyphs("第⼀⻚") == "第一页"
    assert fix_glyphs("１２３ＡＢ") == "１２３ＡＢ"  # only radicals are touched


def test_fixtures_small():
    total = sum(p.stat().st_size for p in FIX.iterdir())
    assert total < 1_600_000, total


def test_page_with_too_many_rules(monkeypatch):
    """A page drawn with very many rules (a chart) is not searched for ruled tables; the text still reads."""
    monkeypatch.setattr(pdf_reader.guards, "MAX_EDGES_PER_PAGE", 10)
    doc = read_pdf((FIX / f"{S3}_s3_onepage.pdf").read_bytes())
    assert any("线条过多" in w for w in doc.warnings)
    assert "本年新收政府信息公开申请数量" in doc.text


def _pdf_with_stream(content: bytes) -> bytes:
    """A minimal one-page PDF whose page content is one Flate stream."""
    import zlib

    comp = zlib.compress(content, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream",
    ]
    return pdf_from_objects(objs)


def test_pdf_stream_bomb(monkeypatch, tmp_path):
    """A content stream inflating past the cap stops inflating there (memory stays bounded)."""
    monkeypatch.setattr(pdf_reader.guards, "MAX_STREAM", 2 * 1024 * 1024)
    p = tmp_path / "bomb.pdf"
    p.write_bytes(_pdf_with_stream(b"0 0 m\n" * (3 * 1024 * 1024)))  # 18 MB of drawing ops
    assert p.stat().st_size < 200_000
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_pdf(p.read_bytes())


def test_pdf_without_text_or_images(tmp_path):
    p = tmp_path / "blank.pdf"
    p.write_bytes(_pdf_with_stream(b"0 0 m 100 100 l S\n"))
    with pytest.raises(ReadError, match="没有可提取的文字"):
        read_pdf(p.read_bytes())


def _corpus_pages() -> dict[str, Path]:
    pages = {p.stem: p for p in sorted((CORPUS / "html").glob("*.html"))} if (CORPUS / "html").exists() else {}
    sh = CORPUS / "2019_shanghai-szfbgt_2019.html"
    if sh.exists():
        pages[sh.stem] = sh
    return pages


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_whole_corpus_reprinted(tmp_path, fmt):
    """Every real HTML page, rebuilt as DOCX / printed to PDF on the fly, parses to the HTML's values."""
    pages = _corpus_pages()
    if not pages:
        pytest.skip("shared corpus not present")
    import make_fixtures

    if fmt == "pdf":
        _print(tmp_path, [(f"{k}.pdf", make_fixtures.clean_html(p)) for k, p in pages.items()])
    else:
        for k, p in pages.items():
            make_fixtures.make_docx(k, p, tmp_path / f"{k}.docx")
    bad = []
    for k, p in pages.items():
        want, got = parsed(str(p)), parse_file(str(tmp_path / f"{k}.{fmt}"))
        if (
            _all_metrics(got) != _all_metrics(want)
            or got.report["year"] != want.report["year"]
            or got.report["agency"] != want.report["agency"]
        ):
            bad.append(k)
    assert not bad, bad


def test_docx_merged_cells_and_markup():
    """Merged cells once in source order (like HTML rowspan/colspan); tracked deletions and content controls."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph("标题段落")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"  # rowspan 3
    t.cell(0, 1).merge(t.cell(0, 2)).text = "（一）予以公开"  # colspan 2
    t.cell(0, 3).text = "71"
    t.cell(1, 1).text, t.cell(1, 2).text, t.cell(1, 3).text = "（三）不予公开", "1.属于国家秘密", ""
    t.cell(2, 1).text, t.cell(2, 2).text, t.cell(2, 3).text = "", "2.其他", "0"
    p = d.add_paragraph("保留")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    p._p.append(
        parse_xml(
            f'<w:del {ns} w:id="1" w:author="x" w:date="2020-01-01T00:00:00Z">'
            f'<w:r><w:delText>删除的字</w:delText></w:r></w:del>'
        )
    )
    d.element.body.insert(
        0, parse_xml(f'<w:sdt {ns}><w:sdtContent><w:p><w:r><w:t>封面控件文字</w:t></w:r></w:p></w:sdtContent></w:sdt>')
    )
    buf = io.BytesIO()
    d.save(buf)
    doc = read_docx(buf.getvalue())
    assert doc.tables[0].rows == [
        ["三、本年度办理结果", "（一）予以公开", "71"],
        ["（三）不予公开", "1.属于国家秘密", ""],
        ["", "2.其他", "0"],
    ]
    assert "删除的字" not in doc.text and "保留" in doc.text
    assert doc.text.startswith("封面控件文字")


def test_rows_cut_by_page_break(tmp_path):
    """Rows allowed to break across pages: wherever the break cuts (a label, a rowspan cell, a text line),
    the table reads the same as on one page."""
    if not CHROMIUM.exists() or html_source(S3) is None:
        pytest.skip("chromium or shared corpus not present")
    import make_fixtures

    jobs = [make_fixtures.rowsplit_job(h) for h in (116, 132, 140, 148, 180, 212, 220, 252)]
    _print(tmp_path, jobs)
    one = read_pdf((FIX / f"{S3}_s3_onepage.pdf").read_bytes()).tables[0].rows
    bad = []
    for name, _ in jobs:
        doc = read_pdf((tmp_path / name).read_bytes())
        if len(doc.tables) != 1 or doc.tables[0].rows != one:
            bad.append(name)
    assert not bad, bad


# ------------------------------------------------------------------ bounds per file (issue 17)


def test_pdf_bomb_of_many_streams(tmp_path):
    """Five streams of 120 MB each (under the one-stream cap, far over the file's): refused, memory bounded."""
    import zlib

    c = zlib.compressobj(9)
    z = b"".join(c.compress(b"\n" * (1 << 20)) for _ in range(120)) + c.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 5 0 R 6 0 R 7 0 R 8 0 R] >>",
    ]
    objs += [b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream"] * 5
    p = tmp_path / "bomb5.pdf"
    p.write_bytes(pdf_from_objects(objs))
    assert p.stat().st_size < 1_000_000
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _fails_fast(p, "压缩炸弹")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB: no stream held whole


def test_text_file_on_one_huge_line(tmp_path):
    """A text file with one 2.5-million-character line, and one of 17 million characters: clear errors, fast."""
    p = tmp_path / "line.txt"
    p.write_text("标题\n" + ("主动公开政府信息" * 10 + "123 ") * 30000 + "\n", encoding="utf-8")
    t = time.monotonic()
    report = _fails_fast(p, "一行过长")
    assert time.monotonic() - t < 10 and "上限" in report["error"]
    p.write_text(("主动公开政府信息" * 10 + "123 ") * 200000, encoding="utf-8")
    _fails_fast(p, "过大|过长")


def test_html_with_huge_text(tmp_path):
    p = tmp_path / "big.html"
    p.write_text("<html><body>" + "<p>政府信息公开年报</p>" * 340_000 + "</body></html>", encoding="utf-8")
    _fails_fast(p, "过长")


def test_time_limit_grows_for_slow_pages_and_is_never_taken_for_a_broken_file():
    """A reader that meets slow bounded work (OCR's pages) moves the file's alarm later; the alarm itself is no
    Exception, so a reader's `except Exception` cannot turn it into "PDF 文件已损坏"."""
    from etl import parse
    from etl.read.limits import allow_more_time

    with parse._time_limit(1):
        allow_more_time(2)
        time.sleep(1.5)  # past the first second: still running
    with pytest.raises(parse.ParseTimeout), parse._time_limit(1):
        try:
            time.sleep(3)
        except Exception:  # what a reader's broad handler would do
            pytest.fail("the time limit was caught as an Exception")
    allow_more_time(5)  # no alarm set: none is made
    time.sleep(0.1)


@pytest.mark.parametrize("nested", [True, False])
def test_a_broken_page_tree_is_said_in_chinese(nested):
    """A page tree nested thousands deep, or one that holds itself: the reason in Chinese, not pdfium's English
    ("PdfiumError: Failed to load page. (PDFium: Success)")."""
    from tests.minimal_pdf import pdf_from_objects

    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    if nested:
        objs += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + i) for i in range(3000)]
        objs.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    else:
        objs.append(b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>")
    with pytest.raises(ReadError) as e:
        pdf_reader.read_pdf(pdf_from_objects(objs))
    assert (
        str(e.value) == "PDF 文件已损坏或不完整，无法读取（页面无法加载：页面目录（页面树）损坏、循环引用或嵌套过深）"
    )
