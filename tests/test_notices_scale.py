"""Notices at scale: the fast writer gives exactly what rendering each notice on its own gives; the combined
print files hold every notice in the folder; document numbers are given only to notices written, and kept
for the same decision; file names never collide."""

import io
import json
import zipfile
from html.parser import HTMLParser

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

from conftest import DAY, EXAMPLES, person, write_csv, write_xlsx

ROSTER = EXAMPLES / "roster.xlsx"
COUNTY = ["--region", "632521"]


def notices(run, tmp_path, *args, code=0):
    out = run("notice", *args, "--date", DAY, "--db", tmp_path / "l.db")
    assert out.code == code, out.out + out.err
    return out


class Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-household" in attrs:
            self.sections.append((attrs["data-household"], attrs.get("data-kind")))


def sections(path):
    parser = Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.sections


def example_notices():
    """The example roster's notices built by the library, numbered 1.. in order, as a first run numbers them."""
    import datetime as dt

    from dibao_cli.assess.household import assess_roster
    from dibao_cli.cli.assess import resolve
    from dibao_cli.documents.issue import choose, default_issuer, notice_from_result
    from dibao_cli.reading.roster import read_rosters

    day = dt.date.fromisoformat(DAY)
    policy = resolve("632521", (), day)
    assessment = assess_roster(read_rosters([ROSTER], on_date=day), policy, day)
    issuer = default_issuer("632521", day, None, None, None, None)
    issuer.publicity_days = getattr(policy, "publicity_days", None) or issuer.publicity_days
    chosen, _ = choose(assessment.results, "auto", None)
    return [notice_from_result(r, k, issuer, f"{issuer.prefix}{i}号", policy) for i, (r, k) in enumerate(chosen, 1)]


def test_html_notices_are_byte_identical_to_rendering_each_on_its_own(run, tmp_path):
    """The slow path: plain Jinja, a fresh render of the shipped template for each notice and for all."""
    from dibao_cli.documents.notices import FILE_LABEL
    from dibao_cli.documents.templating import shipped_templates

    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out")
    expected = example_notices()
    assert len(expected) == 30
    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(shipped_templates())), undefined=jinja2.StrictUndefined,
                               autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    template = env.get_template("notice.html.j2")
    for n in expected:
        path = tmp_path / "out" / f"{n['household_id']}-{FILE_LABEL[n['kind']]}.html"
        assert path.read_text(encoding="utf-8") == template.render(notices=[n]), path.name
    assert (tmp_path / "out" / "全部通知书.html").read_text(encoding="utf-8") == template.render(notices=expected)
    assert len(list((tmp_path / "out").glob("*.html"))) == 31


def test_html_notices_from_the_process_pool_are_the_same(tmp_path):
    """Both cores (workers render chunks and write their files): the same bytes as one by one."""
    from dibao_cli.documents.issue import Plan, write_notices
    from dibao_cli.documents.templating import Templates, shipped_templates

    expected = example_notices()
    env = SandboxedEnvironment(loader=jinja2.FileSystemLoader(str(shipped_templates())), undefined=jinja2.StrictUndefined,
                               autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    template = env.get_template("notice.html.j2")
    plan = Plan(expected, tmp_path / "pool", "html", False)
    assert write_notices(expected, tmp_path / "pool", "html", False, Templates(), workers=2, plan=plan) == 30
    for name, n in zip(plan.names, expected):
        assert (tmp_path / "pool" / name).read_text(encoding="utf-8") == template.render(notices=[n]), name
    assert (tmp_path / "pool" / "全部通知书.html").read_text(encoding="utf-8") == template.render(notices=expected)
    assert sorted(p.name for p in (tmp_path / "pool").iterdir() if p.name.startswith(".")) == [".dibao-notices.jsonl"]


def test_word_notices_are_the_same_parts_as_docxtpl_writes(run, tmp_path):
    """Each part of each Word file equals docxtpl's own render-and-save of the template (zip dates aside),
    whether rendered in this process or in the process pool."""
    from docxtpl import DocxTemplate

    from dibao_cli.documents.issue import Plan, write_notices
    from dibao_cli.documents.templating import Templates, shipped_templates

    expected = example_notices()
    templates = Templates()
    for folder, workers in (("one", 1), ("pool", 2)):
        write_notices(expected, tmp_path / folder, "docx", False, templates, workers=workers,
                      plan=Plan(expected, tmp_path / folder, "docx", False))
    for n in expected[:8]:
        slow = DocxTemplate(str(shipped_templates() / "notice.docx"))
        slow.render(n, jinja_env=templates.env(True), autoescape=True)
        buffer = io.BytesIO()
        slow.save(buffer)
        want = zipfile.ZipFile(buffer)
        for folder in ("one", "pool"):
            name = next((tmp_path / folder).glob(f"{n['household_id']}-*.docx"))
            got = zipfile.ZipFile(name)
            assert sorted(got.namelist()) == sorted(want.namelist())
            for part in want.namelist():
                assert got.read(part) == want.read(part), (name.name, part)


def test_the_combined_print_file_never_loses_notices(run, tmp_path):
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out")
    before = sections(tmp_path / "out" / "全部通知书.html")
    assert len(before) == 30
    out = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--force", "--household", "GH001")
    assert "共 1 个文件" in out.out and "全部通知书.html（30 份）" in out.out
    assert sections(tmp_path / "out" / "全部通知书.html") == before
    # a household added later joins the file; nothing is dropped
    rows = [person("GH900", "新户主", "1970-01-01", 经营净收入=1200)]
    notices(run, tmp_path, write_xlsx(tmp_path / "r.xlsx", rows), *COUNTY, "-o", tmp_path / "out")
    after = sections(tmp_path / "out" / "全部通知书.html")
    assert after == before + [("GH900", "approval")]


def test_combined_word_file_holds_every_notice_one_section_each(run, tmp_path):
    from docx import Document
    from docx.shared import Mm

    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--format", "docx")
    files = sorted(p.name for p in (tmp_path / "out").glob("GH*.docx"))
    assert len(files) == 30
    combined = Document(tmp_path / "out" / "全部通知书.docx")
    one = Document(tmp_path / "out" / "GH001-审批通知书.docx")
    assert len(combined.sections) == 30  # one section (a new page) per notice
    assert {(s.page_width, s.page_height) for s in combined.sections} == {(one.sections[0].page_width,
                                                                           one.sections[0].page_height)}
    assert one.sections[0].page_width > Mm(100)
    text = "\n".join(p.text for p in combined.paragraphs)
    for name in files:
        assert f"户编号 {name.split('-')[0]}" in text
    assert text.count("送达回执") == 30
    # the template's styles come along: the same Normal style as in a single notice
    assert combined.styles["Normal"].font.name == one.styles["Normal"].font.name
    assert combined.styles["Normal"].font.size == one.styles["Normal"].font.size
    # re-issuing one household keeps all 30 in the combined file
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--format", "docx", "--force", "--household", "GH002")
    assert len(Document(tmp_path / "out" / "全部通知书.docx").sections) == 30


def number_of(path):
    if path.suffix == ".docx":
        from docx import Document

        text = "\n".join(p.text for p in Document(path).paragraphs)
    else:
        text = path.read_text(encoding="utf-8")
    return text.split("共和民低〔2026〕")[1].split("号")[0]


def test_numbers_are_given_only_to_notices_written_and_kept_across_formats(run, tmp_path):
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "a", "--household", "GH001")
    refused = notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "a", "--household", "GH001", "--household",
                      "GH002", code=5)
    assert "--force" in refused.err
    assert not (tmp_path / "a" / "GH002-不予批准告知书.html").exists()
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "b", "--household", "GH002")
    assert number_of(tmp_path / "b" / "GH002-不予批准告知书.html") == "2"  # the refused run used no number
    # the same decisions in Word keep their numbers
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "w", "--household", "GH001", "--household", "GH002",
            "--format", "docx")
    assert number_of(tmp_path / "w" / "GH001-审批通知书.docx") == "1"
    assert number_of(tmp_path / "w" / "GH002-不予批准告知书.docx") == "2"
    # a template error stops the run before any number is used
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "notice.html.j2").write_text("{{ notices[0].nothing }}", encoding="utf-8")
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "c", "--household", "GH004", "--templates",
            tmp_path / "bad", code=8)
    assert not list((tmp_path / "c").glob("*.html"))
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "d", "--household", "GH004")
    assert number_of(tmp_path / "d" / "GH004-停保通知书.html") == "3"


def test_notice_file_names_never_collide(run, tmp_path):
    rows = [person(hid, f"户主{i}", "1980-01-01", seq=11 + 2 * i, 经营净收入=1200)
            for i, hid in enumerate(["GH/001", "GH_001", "=1+1", "+1+1", "gh100", "GH100"])]
    roster = write_csv(tmp_path / "r.csv", rows)  # a CSV keeps "=1+1" as text
    out = notices(run, tmp_path, roster, *COUNTY, "-o", tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out").glob("*.html") if p.name != "全部通知书.html")
    assert len(files) == 6 and len({f.casefold() for f in files}) == 6
    assert "审批（确认）通知书 6 份，共 6 个文件" in out.out
    # every household's own notice is in its own file
    owners = sorted(sections(tmp_path / "out" / f)[0][0] for f in files)
    assert owners == sorted(["GH/001", "GH_001", "=1+1", "+1+1", "gh100", "GH100"])
    assert "GH_001-审批通知书.html" in files and "gh100-审批通知书.html" in files  # the first of two case variants
    manifest = [json.loads(line) for line in (tmp_path / "out" / ".dibao-notices.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(e["household_id"] for e in manifest) == owners


def test_a_template_whose_notices_depend_on_their_place_is_rendered_one_by_one(run, tmp_path):
    """A bureau template that numbers its notices (loop.index of notices|length): each household's file is
    still what rendering it alone gives ("1/1"), and the combined file numbers them all."""
    assert run("templates", "copy", tmp_path / "mine").code == 0
    template = tmp_path / "mine" / "notice.html.j2"
    text = template.read_text(encoding="utf-8")
    marker = '<section class="notice"'
    assert marker in text
    template.write_text(text.replace(marker, '<p class="seq">第 {{ loop.index }}/{{ notices|length }} 份</p>\n' + marker, 1),
                        encoding="utf-8")
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--templates", tmp_path / "mine")
    assert "第 1/1 份" in (tmp_path / "out" / "GH002-不予批准告知书.html").read_text(encoding="utf-8")
    combined = (tmp_path / "out" / "全部通知书.html").read_text(encoding="utf-8")
    assert all(f"第 {i}/30 份" in combined for i in range(1, 31))


def test_the_shipped_notice_template_is_rendered_once_per_notice():
    """The shipped template (with its style and receipt includes) takes the path where each household's file
    is its part of the combined file: the per-file render is not done a second time."""
    from dibao_cli.documents.sections import separable
    from dibao_cli.documents.templating import Templates

    assert separable(Templates(), "notice.html.j2") == (True, ("title",))


def test_a_name_set_outside_the_loop_makes_the_template_render_one_by_one(run, tmp_path):
    """A value the template sets before its loop (here the number of notices) and prints in each notice: a
    household's own file says 1, the combined file says 30."""
    assert run("templates", "copy", tmp_path / "mine").code == 0
    template = tmp_path / "mine" / "notice.html.j2"
    text = template.read_text(encoding="utf-8")
    marker = '<section class="notice"'
    text = text.replace("{% for n in notices %}", "{% set how_many = notices|length %}\n{% for n in notices %}", 1)
    template.write_text(text.replace(marker, '<p class="seq">共 {{ how_many }} 份</p>\n' + marker, 1), encoding="utf-8")
    from dibao_cli.documents.sections import separable
    from dibao_cli.documents.templating import Templates

    assert separable(Templates(tmp_path / "mine"), "notice.html.j2") == (False, None)
    notices(run, tmp_path, ROSTER, *COUNTY, "-o", tmp_path / "out", "--templates", tmp_path / "mine")
    assert "共 1 份" in (tmp_path / "out" / "GH002-不予批准告知书.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "全部通知书.html").read_text(encoding="utf-8").count("共 30 份") == 30


def test_a_new_folder_appears_whole_and_an_existing_one_keeps_its_files(tmp_path):
    """Into a new folder: the files are written beside it and the folder put in place at the end (nothing
    else is left beside it). Into an existing folder: its other files are untouched, nothing hidden is left."""
    from dibao_cli.documents.issue import Plan, write_notices
    from dibao_cli.documents.templating import Templates

    expected = example_notices()
    for fmt, workers in (("html", 1), ("html", 2), ("docx", 2)):
        parent = tmp_path / f"{fmt}{workers}"
        parent.mkdir()
        plan = Plan(expected, parent / "new", fmt, False)
        assert write_notices(expected, parent / "new", fmt, False, Templates(), workers=workers, plan=plan) == 30
        assert [p.name for p in parent.iterdir()] == ["new"]
        (parent / "made").mkdir()
        assert (parent / "new").stat().st_mode == (parent / "made").stat().st_mode  # as any new folder
        assert len(list((parent / "new").glob(f"*.{fmt}"))) == 31
        (parent / "old").mkdir()
        (parent / "old" / "mine.txt").write_text("x", encoding="utf-8")
        plan = Plan(expected, parent / "old", fmt, False)
        assert write_notices(expected, parent / "old", fmt, False, Templates(), workers=workers, plan=plan) == 30
        assert sorted(p.name for p in parent.iterdir()) == ["made", "new", "old"]
        names = sorted(p.name for p in (parent / "new").iterdir())
        assert len(names) == 32  # 30 notices, the combined file, the manifest
        assert sorted(p.name for p in (parent / "old").iterdir()) == sorted(names + ["mine.txt"])
        assert (parent / "old" / "mine.txt").read_text(encoding="utf-8") == "x"
        for name in names:
            assert (parent / "old" / name).read_bytes() == (parent / "new" / name).read_bytes(), name


@pytest.fixture
def small_disk(tmp_path):
    """A real, tiny file system (tmpfs), or skip where mounting is not allowed."""
    import os
    import subprocess

    target = tmp_path / "small"
    target.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(target)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here")
    yield target
    subprocess.run(["umount", str(target)], capture_output=True)


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_full_disk_leaves_nothing_of_the_run_when_workers_write(tmp_path, small_disk, fmt):
    """The workers write the files; the disk fills up: the run stops with 磁盘已满 and leaves neither files
    nor its private folder, in a new folder or in an existing one (whose own file stays)."""
    from dibao_cli.documents.issue import Plan, write_notices
    from dibao_cli.errors import OutputRefused
    from dibao_cli.documents.templating import Templates

    expected = example_notices()
    (small_disk / "old").mkdir()
    (small_disk / "old" / "mine.txt").write_text("x", encoding="utf-8")
    for folder in (small_disk / "new", small_disk / "old"):
        with pytest.raises(OutputRefused) as refused:
            write_notices(expected, folder, fmt, False, Templates(), workers=2, plan=Plan(expected, folder, fmt, False))
        assert "磁盘已满" in str(refused.value) and str(folder) in str(refused.value)
    assert sorted(p.name for p in small_disk.iterdir()) == ["new", "old"]
    assert list((small_disk / "new").iterdir()) == []
    assert [p.name for p in (small_disk / "old").iterdir()] == ["mine.txt"]
