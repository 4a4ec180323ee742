"""Problems found in input files: one row each (file, sheet, row, column, value, problem, fix)."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
SEVERITY_LABEL = {ERROR: "错误", WARNING: "警告"}


@dataclass
class Problem:
    file: str
    sheet: str
    row: int | None  # 1-based row number as Excel shows it
    column: str  # the header as written in the file (or the canonical name)
    value: str
    message: str
    fix: str
    severity: str = ERROR
    code: str = ""
    household_id: str = ""

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "severity": self.severity,
            "code": self.code,
            "problem": self.message,
            "fix": self.fix,
            "household_id": self.household_id,
        }


FIELDS_ZH = ("文件", "工作表", "行", "列", "值", "级别", "问题", "修改方法", "户编号")


def as_row_zh(problem: Problem, mask=None) -> list:
    value = problem.value
    if mask is not None:
        value = mask(problem)
    return [
        problem.file,
        problem.sheet,
        "" if problem.row is None else problem.row,
        problem.column,
        value,
        SEVERITY_LABEL.get(problem.severity, problem.severity),
        problem.message,
        problem.fix,
        problem.household_id,
    ]
