"""Builds templates/visit-sheet.docx, the Word 入户调查表 / 特困入户核查表 (docxtpl: Jinja tags inside Word).

Run from the project root after changing the form:  python templates/make_visit_docx.py
Clerks may instead open visit-sheet.docx in Word or WPS, edit the text around the {{ }} tags and save it in
their own templates folder (dibao templates copy DIR).

The same form as visit-sheet.html.j2, one household per A4 page (a page break between households), built
with the helpers of make_docx.py (仿宋 as the East Asian font, ruled tables laid out by their grid, rows that
are never split over two pages). Variables: title, tekun, printed_on, households (see the HTML template).
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_docx import BODY_FONT, TITLE_FONT, _fonts, _para, _table, _tag  # noqa: E402

SMALL = 10.5  # 五号: the table cells
BLANK = ""


def _heading(doc, text: str) -> None:
    _para(doc, text, size=12, before=6, after=2, keep=True, bold=True)


def _cells(table, size: float = SMALL) -> None:
    """Every cell's text at `size` (make_docx writes 12 pt)."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def build(path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(15), Mm(12)
    section.left_margin = section.right_margin = Mm(20)
    section.header_distance = section.footer_distance = Mm(8)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, SMALL)
    normal.paragraph_format.space_after = Pt(0)

    _tag(doc, "{%p for h in households %}")
    _para(doc, "{{ title }}", size=18, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, bold=True, after=4)
    _para(doc, "{{ h.township }}{{ h.village }}　　户编号：{{ h.household_id }}　　打印日期：{{ printed_on }}", size=SMALL,
          after=3)
    tables = [_table(doc, [
        ["户主（申请人）", "{{ h.head_name }}", "城乡类别", "{{ h.area_type }}", "当前类别",
         "{{ h.status or '无' }}{% if h.month %}（{{ h.month }}）{% endif %}"],
        ["办理中的申请", "{% if h.application %}编号 {{ h.application.id }}，申请{{ h.application.programmes }}，"
                         "{{ h.application.accepted_on }} 受理{% if h.application.close_relative %}；"
                         "{{ h.application.close_relative }}（须县级入户核查）{% endif %}{% else %}无{% endif %}",
         None, None, None, None],
        # one signal a line, as on the HTML sheet (a line break between them, never a number split from its date)
        ["待核实的信号", "{% for s in h.signals %}编号 {{ s.id }}（{{ s.raised_on }} 登记）：{{ s.label }}"
                         "{% if s.member %}（{{ s.member }}）{% endif %}{% if not loop.last %}\n{% endif %}"
                         "{% else %}无{% endfor %}", None, None, None, None],
        ["走访类型", "□入户调查　□定期回访　□信号核实　□特困核查　□县级核查", None, None, None, None],
    ], [34, 30, 20, 28, 22, 36])]

    _heading(doc, "一、家庭成员（台账所载，请逐项核对，有变化的在“核实情况”中写明）")
    tables.append(_table(doc, [
        ["姓名", "与户主关系", "性别", "年龄", "身份证号", "劳动能力", "残疾等级", "健康、就业、收入核实情况"],
        ["{%tr for m in h.members %}", BLANK, BLANK, BLANK, BLANK, BLANK, BLANK, BLANK],
        ["{{ m.name }}", "{{ m.relation }}", "{{ m.sex }}", "{{ m.age }}", "{{ m.id_number }}", "{{ m.labour }}",
         "{{ m.disability_grade }}", BLANK],
        ["{%tr endfor %}", BLANK, BLANK, BLANK, BLANK, BLANK, BLANK, BLANK],
        [BLANK] * 8,
        [BLANK] * 8,
    ], [20, 24, 12, 12, 38, 19, 19, 26], heights_pt={4: 20, 5: 20}))

    _heading(doc, "二、家庭财产")
    tables.append(_table(doc, [["住房（结构、面积、套数）", BLANK, "牲畜（种类、数量）", BLANK],
                               ["机动车辆、农机", BLANK, "存款及其他", BLANK]], [49, 36, 40, 45],
                         heights_pt={0: 22, 1: 22}))

    _heading(doc, "三、赡养、抚养、扶养义务人")
    tables.append(_table(doc, [[BLANK]], [170], heights_pt={0: 40}))

    _heading(doc, "四、生活自理能力和照料{% if not tekun %}（特困核查填写）{% endif %}")
    tables.append(_table(doc, [
        ["自理能力", "□全自理　□半失能　□全失能", "供养方式", "□分散供养　□集中供养", "照料人", BLANK],
        ["{%tr if tekun %}", BLANK, BLANK, BLANK, BLANK, BLANK],
        ["六项日常生活能力", "自主吃饭□能□不能　自主穿衣□能□不能　自主上下床□能□不能　自主如厕□能□不能　"
                             "室内行走□能□不能　自主洗澡□能□不能", None, None, None, None],
        ["{%tr endif %}", BLANK, BLANK, BLANK, BLANK, BLANK],
    ], [19, 60, 19, 45, 15, 12]))

    _heading(doc, "五、致困原因和走访发现")
    tables.append(_table(doc, [[BLANK]], [170], heights_pt={0: 70}))

    _heading(doc, "六、处理结果")
    tables.append(_table(doc, [["□无变化　□有变化已记录　□转介其他救助　□已受理申请"]], [170]))

    _tag(doc, "{%p if h.visits %}")
    _heading(doc, "以往走访")
    tables.append(_table(doc, [
        ["日期", "类型", "走访人", "结果"],
        ["{%tr for v in h.visits %}", BLANK, BLANK, BLANK],
        ["{{ v.on }}", "{{ v.kind }}", "{{ v.visitors }}", "{{ v.outcome }}"],
        ["{%tr endfor %}", BLANK, BLANK, BLANK],
    ], [35, 35, 60, 40]))
    _tag(doc, "{%p endif %}")

    _para(doc, BLANK, size=6)
    tables.append(_table(doc, [
        ["以上为户编号 {{ h.household_id }}（{{ h.head_name }}）的{{ title }}，经调查人和被调查人核对无误后签名。",
         None, None, None, None],
        ["调查人（签名，至少两人）", BLANK, BLANK, "调查日期", BLANK],
        ["被调查人（签名或按手印）", BLANK, None, "村（社区）见证人", BLANK],
    ], [50, 32, 32, 28, 28], heights_pt={1: 26, 2: 26}))
    for table in tables:
        _cells(table)

    _tag(doc, "{%p if not loop.last %}")
    paragraph = doc.add_paragraph()
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    doc.save(path)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "visit-sheet.docx")
    print("wrote templates/visit-sheet.docx")
