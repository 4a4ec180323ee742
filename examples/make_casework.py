"""Builds examples/applications.xlsx (申请办理记录) and examples/visits.xlsx (入户走访记录).

Run from the project root:  python examples/make_casework.py
Fictitious people of 恰卜恰镇, 共和县 (632521), autumn 2026; the visits are to households of
examples/roster.xlsx. One row per event, as a township clerk keeps them; import with `dibao record`.
Each application is there for a case; the comment before it says which.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dibao_cli.casework.sheet import APPLICATION_COLUMNS, VISIT_COLUMNS  # noqa: E402
from dibao_cli.idcard import build_id  # noqa: E402

HERE = Path(__file__).resolve().parent
TOWNSHIP = "恰卜恰镇"
D = dt.date


def pid(birth: str, seq: int) -> str:
    return build_id("632521", D.fromisoformat(birth), seq)


def accept(hid, name, id_number, village, programmes, day, relative=None):
    return [hid, name, id_number, TOWNSHIP, village, programmes, relative, "受理", day, "韩军", None, None]


def step(hid, what, day, people=None, result=None, note=None):
    return [hid, None, None, None, None, None, None, what, day, people, result, note]


APPLICATIONS = [
    # GH101: accepted just before 国庆; every deadline moves past the holiday; approved 10-22
    accept("GH101", "马秀兰", pid("1968-04-12", 22), "西台村", "低保,特困", D(2026, 9, 29)),
    step("GH101", "启动调查", D(2026, 10, 9), "韩军"),
    step("GH101", "入户调查", D(2026, 10, 10), "韩军,马兰"),
    step("GH101", "信息核对", D(2026, 10, 12)),
    step("GH101", "乡镇审核意见", D(2026, 10, 13)),
    step("GH101", "公示", D(2026, 10, 14)),
    step("GH101", "县级审批", D(2026, 10, 22), "县民政局", "批准"),
    # GH102: an objection during the public notice: re-investigation is next
    accept("GH102", "韩永福", pid("1975-08-03", 31), "东巴村", "低保", D(2026, 10, 12)),
    step("GH102", "启动调查", D(2026, 10, 14), "韩军"),
    step("GH102", "入户调查", D(2026, 10, 16), "韩军,马兰"),
    step("GH102", "信息核对", D(2026, 10, 20)),
    step("GH102", "乡镇审核意见", D(2026, 10, 23)),
    step("GH102", "公示", D(2026, 10, 26)),
    step("GH102", "公示异议", D(2026, 10, 28), note="群众反映家中有一辆小型货车"),
    # GH103: nothing done since acceptance: overdue
    accept("GH103", "李春梅", pid("1982-02-15", 42), "西台村", "低保", D(2026, 11, 2)),
    # GH104: a close relative of a village cadre: a county home visit before the decision
    accept("GH104", "祁国庆", pid("1958-10-01", 51), "东巴村", "低保", D(2026, 11, 9), "村干部近亲属"),
    step("GH104", "启动调查", D(2026, 11, 10), "韩军"),
    step("GH104", "入户调查", D(2026, 11, 12), "韩军,马兰"),
    step("GH104", "信息核对", D(2026, 11, 16)),
    step("GH104", "乡镇审核意见", D(2026, 11, 18)),
    step("GH104", "公示", D(2026, 11, 19)),
    # GH105: just accepted; one application decided for several programmes
    accept("GH105", "星吉卓玛", pid("1990-06-20", 62), "西台村", "刚性支出,低保", D(2026, 11, 25)),
]

# 户编号, 乡镇, 村(社区), 走访日期, 走访人, 走访类型, 发现情况, 成员变化, 收入变化, 财产变化, 照料等级, 处理结果, 信号编号
VISITS = [
    ["GH004", TOWNSHIP, "西台村", D(2026, 11, 5), "王芳", "定期回访", "家中情况与上次核查相同", None, None, None, None,
     "无变化", None],
    ["GH010", TOWNSHIP, "加拉村", D(2026, 11, 20), "韩军", "信号核实", "高宝山卧床，由儿媳照料", None, None, None, "全失能",
     "转介其他救助", None],
    ["GH012", TOWNSHIP, "加拉村", D(2026, 11, 24), "韩军,马兰", "信号核实", "父亲住院，女儿在西宁读大学", None,
     "医疗支出增加", None, None, "已受理申请", None],
    ["GH006", TOWNSHIP, "东巴村", D(2026, 11, 26), "王芳,韩军", "特困核查", "周明能自己吃饭穿衣，行走需扶", None, None, None,
     "半失能", "无变化", None],
]


def write(path: Path, title: str, columns, rows, widths) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    headers = [c.header for c in columns]
    ws.append([f"{TOWNSHIP}{title}（每行一件事；导入：dibao record {path.name}）"])
    ws.append(headers)
    for cell, column in zip(ws[2], columns):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        if column.note:
            cell.comment = Comment(column.note, "dibao")
    for row in rows:
        ws.append(row)
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A3"
    wb.save(path)


def main() -> None:
    write(HERE / "applications.xlsx", "申请办理记录", APPLICATION_COLUMNS, APPLICATIONS,
          [8, 10, 21, 10, 10, 14, 14, 14, 12, 14, 10, 28])
    write(HERE / "visits.xlsx", "入户走访记录", VISIT_COLUMNS, VISITS, [8, 10, 10, 12, 12, 10, 32, 12, 14, 12, 10, 14, 10])
    print("wrote examples/applications.xlsx and examples/visits.xlsx")


if __name__ == "__main__":
    main()
