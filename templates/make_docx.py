"""Builds templates/notice.docx, the Word notice template (docxtpl: Jinja tags inside Word).

Run from the project root after changing the wording:  python templates/make_docx.py
Clerks may instead open notice.docx in Word or WPS, edit the text around the {{ }} tags and save it in
their own templates folder (dibao templates copy DIR).
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

BODY = {
    "approval": "经入户调查、信息核对和审核，你户符合最低生活保障条件，决定予以批准。自 {{ start_month }} 起按月发放"
                "最低生活保障金 {{ total }} 元。",
    "refusal": "经入户调查、信息核对和审核，你户不符合最低生活保障条件，决定不予批准。理由如下。",
    "phase-out": "经核查，你户家庭月人均收入已超过当地最低生活保障标准。按规定给予渐退期：自 {{ phase_out_start }} 至 "
                 "{{ phase_out_end }}，渐退期内按原金额每月 {{ total }} 元发放。渐退期满将重新核查，届时仍超过标准的停止保障。",
    "termination": "经核查，你户已不符合最低生活保障条件，决定自 {{ start_month }} 起停止发放最低生活保障金。理由如下。",
    "change": "经核查，你户家庭情况发生变化，月最低生活保障金由 {{ old_amount }} 元调整为 {{ total }} 元，自 {{ start_month }} 起执行。",
}


def build(path: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(14)
    title = doc.add_paragraph("{{ title }}")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    title.runs[0].font.size = Pt(20)
    number = doc.add_paragraph("{{ doc_number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("{{ township }}{{ village }} {{ head_name }}（户编号 {{ household_id }}）：")
    first = True
    for kind, text in BODY.items():
        doc.add_paragraph(("{%p if kind == '" if first else "{%p elif kind == '") + kind + "' %}")
        doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)
        first = False
    doc.add_paragraph("{%p endif %}")
    for line in ("家庭共同生活人口：{{ members }} 人；保障人数：{{ covered }} 人",
                 "家庭月人均收入：{{ per_capita }} 元；当地{{ area_type }}低保标准：{{ standard }} 元/人·月"):
        doc.add_paragraph(line)
    doc.add_paragraph("{%p if kind in ('approval', 'change', 'phase-out') %}")
    doc.add_paragraph("月保障金：{{ total }} 元（差额 {{ differential }} 元，分类施保 {{ classified }} 元）")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("理由及依据：")
    doc.add_paragraph("{%p for r in reasons %}")
    doc.add_paragraph("{{ loop.index }}. {{ r.text }}（依据：{{ r.basis }}）")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if appeal %}")
    doc.add_paragraph("如对本决定不服，可以自收到本通知之日起 60 日内向{{ review_body }}申请行政复议，或者自收到本通知之日起 "
                      "6 个月内依法向人民法院提起行政诉讼。")
    doc.add_paragraph("{%p endif %}")
    for line in ("（盖章）", "{{ bureau }}", "{{ issued_on }}"):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("—" * 20)
    doc.add_paragraph("送达回执　文号：{{ doc_number }}　户编号：{{ household_id }}　户主：{{ head_name }}")
    doc.add_paragraph("本人已收到《{{ title }}》。签收人：________　签收日期：____年__月__日")
    doc.save(path)


if __name__ == "__main__":
    build(Path(__file__).resolve().parent / "notice.docx")
    print("wrote templates/notice.docx")
