"""The empty roster template: every recognised column, a note per column, drop-downs for fixed sets."""

from __future__ import annotations

import io

from dibao_cli.reading.columns import COLUMNS


def template_bytes() -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    # not marked "calculate when opened" (openpyxl's default): a formula a clerk types into the filled template keeps
    # its saved result whatever program saves it (sheetscan.xlsx_workbook)
    workbook.calculation.fullCalcOnLoad = False
    ws = workbook.active
    ws.title = "名册"
    columns = [c for c in COLUMNS if c.kind != "ignore"]
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    normal_fill = PatternFill("solid", fgColor="DDEBF7")
    max_row = 1000
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = bold
        cell.fill = required_fill if column.required else normal_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        note = column.note + ("（必填）" if column.required else "")
        if column.level == "household":
            note += "；户级信息，可只填在户主行"
        cell.comment = Comment(note, "dibao")
        ws.column_dimensions[letter].width = max(10, len(column.header) * 2 + 4)
        cell_range = f"{letter}2:{letter}{max_row}"
        if column.values and column.kind in ("enum", "yes_no", "grade"):
            validation = DataValidation(type="list", formula1='"' + ",".join(column.values) + '"', allow_blank=True)
            validation.error = f"请从下拉列表中选择：{'、'.join(column.values)}"
            validation.errorTitle = column.header
            validation.prompt = note
            validation.promptTitle = column.header
            ws.add_data_validation(validation)
            validation.add(cell_range)
        if column.kind in ("id", "text", "name"):
            for row in range(2, max_row + 1):
                ws.cell(row=row, column=index).number_format = "@"
        elif column.kind == "date":
            for row in range(2, max_row + 1):
                ws.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        elif column.kind.startswith("money"):
            for row in range(2, max_row + 1):
                ws.cell(row=row, column=index).number_format = "#,##0.00"
    ws.freeze_panes = "A2"
    notes = workbook.create_sheet("填表说明")
    notes.append(["列名", "必填", "户级/成员级", "可填的值", "说明"])
    for column in columns:
        notes.append([column.header, "是" if column.required else "", "户级" if column.level == "household" else "成员级",
                      "、".join(column.values), column.note])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["D"].width = 30
    notes.column_dimensions["E"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
