"""Builds templates/notice.docx, the Word notice template (docxtpl: Jinja tags inside Word).

Run from the project root after changing the wording:  python templates/make_docx.py
Clerks may instead open notice.docx in Word or WPS, edit the text around the {{ }} tags and save it in
their own templates folder (dibao templates copy DIR).

Form as in the HTML notice (GB/T 9704-2012 as far as it applies to a 告知书/通知书): A4; left 28 mm, right
26 mm, top and bottom a little smaller than a 公文 so the 送达回执 stays on the same page; title 2号 (22 pt)
宋体 bold; body 3号 (16 pt) 仿宋, reasons and appeal 4号 (14 pt), figures, basis and receipt 12 pt; 落款 right
with four characters to spare and room for the seal above; a cut-off 送达回执.
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK  # noqa: F401
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋"  # FangSong: on Windows, in WPS; LibreOffice substitutes a CJK serif on Linux
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY = {
    "approval": "你户申请最低生活保障一事，经入户调查、信息核对和公示{% if publicity_period %}（公示期 {{ publicity_period }}）"
                "{% endif %}，符合最低生活保障条件，决定给予你户"
                "最低生活保障{% if singles %}（按单人户纳入：{% for s in singles %}{{ s.name }}，月保障金 {{ s.total }} 元"
                "{% if not loop.last %}；{% endif %}{% endfor %}）{% endif %}，保障人数 {{ covered }} 人，自 {{ start_month }} 起按月发放"
                "最低生活保障金 {{ total }} 元。",
    "refusal": "你户申请最低生活保障一事，经入户调查和信息核对，{{ ground }}，不符合最低生活保障条件，决定不予批准。理由如下：",
    "marginal": "你户申请最低生活保障一事，经入户调查和信息核对，家庭月人均收入 {{ per_capita }} 元，不低于当地{{ area_type }}最低生活保障"
                "标准 {{ standard }} 元/人·月，不符合最低生活保障条件；但低于低保边缘家庭的收入标准{% if marginal_line %}（{{ marginal_line }} 元）"
                "{% endif %}，且家庭财产状况符合规定，认定你户为低保边缘家庭。{% if assistance %}低保边缘家庭可以按规定申请"
                "{{ assistance | join('、') }}等救助；需要时，请向所在乡镇人民政府（街道办事处）或{{ bureau }}提出申请。{% endif %}",
    "phase-out": "经核查，你户家庭月人均收入 {{ per_capita }} 元，已不低于当地{{ area_type }}最低生活保障标准 {{ standard }} 元/人·月。"
                 "按规定给予你户渐退期：自 {{ phase_out_start }} 至 {{ phase_out_end }}，渐退期内按原金额每月 {{ total }} 元发放。"
                 "渐退期满后重新核查，家庭月人均收入仍不低于当地低保标准的，停止发放最低生活保障金。",
    "termination": "经核查，{{ ground }}，你户已不符合最低生活保障条件，决定自 {{ start_month }} 起停止发放你户最低生活保障金。"
                   "理由如下：",
    "change": "经核查，你户家庭情况发生变化，月最低生活保障金由 {{ old_amount }} 元调整为 {{ total }} 元，自 {{ start_month }} 起执行。"
              "{% if changes %}变化情况：{% for c in changes %}{{ c.item }}由 {{ c.before }} 调整为 {{ c.after }}"
              "{% if not loop.last %}；{% endif %}{% endfor %}。{% endif %}",
}


def _fonts(style_or_run, east_asia: str, size: float | None = None, bold: bool | None = None) -> None:
    """Latin and East Asian fonts (Word takes Chinese text from w:eastAsia, which python-docx does not set)."""
    font = style_or_run.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(key), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _para(doc_or_cell, text: str = "", *, size: float = 16, indent: bool = False, align=None, before: float = 0,
          after: float = 0, keep: bool = False, bold: bool = False, font: str = BODY_FONT, right_chars: float = 0):
    paragraph = doc_or_cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.15 if size >= 14 else 1.05
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if right_chars:
        fmt.right_indent = Pt(size * right_chars)
    if align is not None:
        paragraph.alignment = align
    if keep:
        fmt.keep_with_next = True
    if text:
        run = paragraph.add_run(text)
        _fonts(run, font, size, bold)
    return paragraph


def _tag(doc, tag: str):
    """A paragraph holding only a docxtpl {%p ... %} tag (removed when rendered)."""
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(tag)
    _fonts(run, BODY_FONT, 12)
    return paragraph


def _borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "6")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _cell(cell, text: str, size: float = 12, keep: bool = True) -> None:
    """A cell's text; a "\n" in it is a line break (python-docx writes it as w:br)."""
    cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    cell.paragraphs[0].paragraph_format.keep_with_next = keep
    run = cell.paragraphs[0].add_run(text)
    _fonts(run, BODY_FONT, size)


def _table(doc, rows: list[list[str]], widths_mm: list[float], keep: bool = True, heights_pt: dict | None = None):
    table = doc.add_table(rows=len(rows), cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(width / 25.4 * 1440)))  # LibreOffice and WPS lay out by the grid
    for r, row in enumerate(rows):
        tr = table.rows[r]
        tr_pr = tr._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.append(cant_split)
        if heights_pt and r in heights_pt:
            tr.height = Pt(heights_pt[r])
        merged = {}
        for c, text in enumerate(row):
            if text is None:  # merge with the cell to the left
                start = max(k for k in merged if k < c)
                merged[start] = merged[start].merge(tr.cells[c])
                continue
            merged[c] = tr.cells[c]
            _cell(tr.cells[c], text, keep=keep and r < len(rows) - 1)
        for c, width in enumerate(widths_mm):
            tr.cells[c].width = Mm(width)
    return table


def build(path: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(15)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = section.footer_distance = Mm(8)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, 16)
    normal.paragraph_format.space_after = Pt(0)

    _para(doc, "{{ title }}", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, bold=True)
    _para(doc, "{{ doc_number }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    _para(doc, "{{ head_name }}（{{ township }}{{ village }}，户编号 {{ household_id }}）：")
    first = True
    for kind, text in BODY.items():
        _tag(doc, ("{%p if kind == '" if first else "{%p elif kind == '") + kind + "' %}")
        _para(doc, text, indent=True)
        first = False
    _tag(doc, "{%p endif %}")
    # the figures: members, covered, income, standard; the amount only where one is paid
    _table(doc, [["共同生活人口", "{{ members }} 人", "家庭月人均收入", "{{ per_capita }} 元"],
                 ["当地{{ area_type }}低保标准", "{{ standard }} 元/人·月",
                  "{% if kind in ('approval', 'change', 'phase-out') %}保障人数{% endif %}",
                  "{% if kind in ('approval', 'change', 'phase-out') %}{{ covered }} 人{% endif %}"]],
           [39, 39, 39, 39], keep=False)
    _tag(doc, "{%p if kind in ('approval', 'change') %}")
    _para(doc, "月保障金 {{ total }} 元{% if breakdown %}（{{ breakdown }}）{% endif %}。",
          size=12, before=2)
    _tag(doc, "{%p elif kind == 'phase-out' %}")
    _para(doc, "渐退期内月保障金 {{ total }} 元（按原金额发放）。", size=12, before=2)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if kind in ('refusal', 'termination') %}")
    _tag(doc, "{%p for r in reasons %}")
    _para(doc, "{{ loop.index }}. {{ r.text }}。", size=14, indent=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    # a household leaving 低保 for 低保边缘: after the reasons, what it is now and what it can apply for
    _tag(doc, "{%p if kind == 'termination' and assistance %}")
    _para(doc, "你户家庭月人均收入低于低保边缘家庭的收入标准{% if marginal_line %}（{{ marginal_line }} 元）{% endif %}，"
               "认定为低保边缘家庭，可以按规定申请{{ assistance | join('、') }}等救助。", size=14, indent=True)
    _tag(doc, "{%p endif %}")
    _para(doc, "依据：{{ bases | join('；') }}。", size=12, before=2)
    _tag(doc, "{%p if appeal %}")
    _para(doc, "如对本决定不服，可以自收到本{% if title.endswith('告知书') %}告知书{% else %}通知书{% endif %}之日起 60 日内向"
               "{{ review_body }}申请行政复议，或者自收到之日起 6 个月内依法向人民法院提起行政诉讼。", size=14, indent=True)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if phone %}")
    _para(doc, "联系电话：{{ phone }}", indent=True)
    _tag(doc, "{%p endif %}")
    _para(doc, "{% if title.endswith('告知书') %}特此告知。{% else %}特此通知。{% endif %}", indent=True)
    # 落款: bureau above the date, right with four characters to spare; blank lines above for the seal
    _para(doc, "（盖章）", size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, before=10, right_chars=8, keep=True)
    _para(doc, "{{ bureau }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4, keep=True)
    _para(doc, "{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4, keep=True)
    # the cut-off receipt, kept on the page with the notice
    _para(doc, "✂ - - - - - - - - - 沿此线剪下，送达回执交回{{ bureau }}存档 - - - - - - - - -", size=12,
          align=WD_ALIGN_PARAGRAPH.CENTER, before=8, keep=True)
    _para(doc, "送 达 回 执", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True)
    # the 文号 on a line of its own: a layout may otherwise split it before 号 (LibreOffice does)
    _table(doc, [["送达文书", "《{{ title }}》\n{{ doc_number }}", None, None],
                 ["受送达人", "{{ head_name }}（户编号 {{ household_id }}），{{ township }}{{ village }}", None, None],
                 ["送达方式", "□直接送达　□留置送达　□委托送达　□邮寄送达", None, None],
                 ["签收人签名", "", "签收日期", "　　年　　月　　日"],
                 ["送达人签名", "", "送达日期", "　　年　　月　　日"]],
           [30, 48, 30, 48], heights_pt={3: 22, 4: 22})
    _para(doc, "签收人不是受送达人本人的，注明与受送达人的关系。", size=12)
    doc.save(path)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "notice.docx")
    print("wrote templates/notice.docx")
