"""Hostile values and hostile templates: Word and HTML notices cannot be forged from a roster value, control
characters never reach a document or a file name, a template cannot hang or exhaust the machine, and every
template failure is exit 8 naming the template and line; a full disk is a clear message, nothing half
written is left behind."""

import os
import subprocess
import unicodedata
import zipfile

import pytest

from conftest import DAY, EXAMPLES, person, write_csv, write_xlsx

ROSTER = EXAMPLES / "roster.xlsx"
COUNTY = ["--region", "632521"]
FORGED = "马</w:t></w:r></w:p><w:p><w:r><w:t>本通知作废，月保障金改为 9999 元"


def notices(run, tmp_path, *args, code=0):
    out = run("notice", *args, "--date", DAY, "--db", tmp_path / "l.db")
    assert out.code == code, out.out + out.err
    return out


def paragraphs(path):
    from docx import Document

    return [p.text for p in Document(path).paragraphs]


def test_word_notices_escape_every_roster_value(run, tmp_path):
    rows = [person("GH801", FORGED, "1980-01-01", 经营净收入=1200),
            person("GH802", "卓玛‹央金›", "1981-01-01", seq=13, 经营净收入=1200),
            person("GH803", "王建国", "1982-01-01", seq=15, 经营净收入=1200)]
    rows[0]["村(社区)"] = "城东&城西社区"
    roster = write_xlsx(tmp_path / "r.xlsx", rows)
    notices(run, tmp_path, roster, *COUNTY, "-o", tmp_path / "out", "--format", "docx")
    forged = paragraphs(tmp_path / "out" / "GH801-审批通知书.docx")
    plain = paragraphs(tmp_path / "out" / "GH803-审批通知书.docx")
    assert len(forged) == len(plain)  # no paragraph was added
    salutation = [p for p in forged if unicodedata.normalize("NFKC", FORGED) in p]
    assert len(salutation) == 1 and "恰卜恰镇城东&城西社区" in salutation[0] and "GH801" in salutation[0]
    assert not any(p.startswith("本通知作废") for p in forged)
    assert any("卓玛‹央金›" in p and "GH802" in p for p in paragraphs(tmp_path / "out" / "GH802-审批通知书.docx"))
    document = zipfile.ZipFile(tmp_path / "out" / "GH801-审批通知书.docx").read("word/document.xml").decode("utf-8")
    assert "城东&amp;城西社区" in document and "&lt;/w:t&gt;&lt;/w:r&gt;&lt;/w:p&gt;" in document
    # the same in the combined Word file
    combined = paragraphs(tmp_path / "out" / "全部通知书.docx")
    assert not any(p.startswith("本通知作废") for p in combined)


def test_control_characters_never_reach_a_document_or_a_file_name(run, tmp_path):
    rows = [person("GH\x07901", "马\x00小\x1b[31m红\u202e", "1980-01-01", 经营净收入=1200)]
    rows[0]["村(社区)"] = "西台\x08村"
    roster = write_csv(tmp_path / "r.csv", rows)
    for fmt in ("html", "docx"):
        notices(run, tmp_path, roster, *COUNTY, "-o", tmp_path / fmt, "--format", fmt)
        names = [p.name for p in (tmp_path / fmt).iterdir()]
        assert len(names) == 3 and all(n.isprintable() for n in names), names
        for path in (tmp_path / fmt).glob(f"*.{fmt}"):
            if fmt == "html":
                text = path.read_text(encoding="utf-8")
            else:
                text = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
            assert not any(c in text for c in "\x00\x07\x08\x1b\u202e"), path.name
            assert "马小[31m红" in text and "西台村" in text and "GH901" in text


def bureau_template(tmp_path, text, name="notice.html.j2"):
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("source,line,words", [
    ("<p>\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n</p>", 2, "循环次数过多"),
    ("<p>\n\n{{ 'A' * (2e9|int) }}</p>", 3, "过长"),
    ("{{ 'A' * 2e9 }}", 1, "出错"),
    ("{% for i in range(100000) %}{{ 'A' * 100 }}{% endfor %}", 1, "输出过长"),
    ("{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}\n{{ f() }}", 1, "递归"),
    ("x\n{{ '%d'|format('一') }}", 2, "格式字符串"),
    ("x\n\n{{ '{0:q}'.format(1) }}", 3, "格式字符串"),
    ("{{ '{:>1000000000}'.format(1) }}", 1, "宽度或精度过大"),
])
def test_templates_cannot_hang_or_exhaust_the_machine(run, tmp_path, source, line, words):
    folder = bureau_template(tmp_path, source)
    bad = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001", "--templates", folder,
                  code=8)
    assert f"notice.html.j2 第 {line} 行" in bad.err and words in bad.err, bad.err
    assert "Traceback" not in bad.err and not list((tmp_path / "out").glob("*.html"))


def test_a_template_that_imports_a_binary_file_is_a_template_error(run, tmp_path):
    folder = bureau_template(tmp_path, "{% import 'seal.png' as seal %}{{ notices|length }}")
    (folder / "seal.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
    bad = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001", "--templates", folder,
                  code=8)
    assert "不是 UTF-8 文本" in bad.err and "notice.html.j2" in bad.err


def test_word_template_limits_are_template_errors(run, tmp_path):
    from docx import Document

    folder = tmp_path / "mine"
    folder.mkdir()
    doc = Document()
    doc.add_paragraph("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    doc.save(folder / "notice.docx")
    bad = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--household", "GH001", "--templates", folder,
                  "--format", "docx", code=8)
    assert "notice.docx" in bad.err and "循环次数过多" in bad.err


@pytest.fixture
def full_disk(tmp_path):
    """A real, tiny file system (tmpfs), or skip where mounting is not allowed."""
    target = tmp_path / "small"
    target.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(target)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here")
    yield target
    subprocess.run(["umount", str(target)], capture_output=True)


def test_word_notices_on_a_full_disk(run, tmp_path, full_disk):
    out = notices(run, tmp_path, ROSTER, *COUNTY, "-o", full_disk / "通知书", "--format", "docx", code=5)
    assert "磁盘已满" in out.err and str(full_disk / "通知书") in out.err and "Traceback" not in out.err
    assert list((full_disk / "通知书").iterdir()) == []  # nothing half written, no temporary files
    # and the numbers were not used up: the next run on a roomy disk starts at 1
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "ok", "--household", "GH001")
    assert "共和民低〔2026〕1号" in (tmp_path / "ok" / "GH001-审批通知书.html").read_text(encoding="utf-8")


def test_templates_copy_on_a_full_disk_leaves_no_empty_or_partial_file(run, tmp_path, full_disk):
    from dibao_cli.documents.templating import shipped_templates

    out = run("templates", "copy", full_disk / "模板")
    assert out.code == 5 and "磁盘已满" in out.err and "Traceback" not in out.err
    for path in (full_disk / "模板").iterdir():
        assert path.read_bytes() == (shipped_templates() / path.name).read_bytes()


def test_limits_grow_with_the_records_a_document_lists(tmp_path, monkeypatch):
    """A prefecture's publicity list is long because its data is: the limits grow with the records the
    document lists (one more allowance per RECORDS_PER_ALLOWANCE), and a runaway template is still stopped."""
    from dibao_cli.documents import sandbox, templating
    from dibao_cli.errors import TemplateError

    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 1000)
    monkeypatch.setattr(sandbox, "MAX_LOOP", 100)
    monkeypatch.setattr(sandbox, "RECORDS_PER_ALLOWANCE", 10)
    (tmp_path / "list.j2").write_text("{% for e in entries %}{{ e }}{% endfor %}", encoding="utf-8")
    (tmp_path / "runaway.j2").write_text("{% for e in entries %}{% for i in range(50) %}{{ e }}{% endfor %}{% endfor %}",
                                         encoding="utf-8")
    entries = ["户" * 49 + "\n"] * 50  # 2,500 characters, 50 loop steps
    with pytest.raises(TemplateError) as refused:
        templating.Templates(tmp_path).render("list.j2", entries=entries)
    assert "这份文书最多 1,000 字" in str(refused.value)
    assert sandbox.allowance(50) == 6
    assert templating.Templates(tmp_path).render("list.j2", records=50, entries=entries) == "".join(entries)
    with pytest.raises(TemplateError) as runaway:
        templating.Templates(tmp_path).render("runaway.j2", records=50, entries=entries)
    assert "这份文书最多 6,000 字" in str(runaway.value)  # 50 characters a step: the output limit comes first
