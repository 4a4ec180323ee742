"""A failure inside a template as a template error (exit 8) naming the template and line.
"""

from __future__ import annotations

import re
from pathlib import Path

from dibao_cli.documents.sandbox import LimitExceeded
from dibao_cli.errors import DibaoError, TemplateError


def template_line(exc: BaseException, name: str) -> int | None:
    """The line of the template where rendering failed (Jinja maps template frames to template lines)."""
    where = template_place(exc, name)
    return where[1] if where else None


def template_place(exc: BaseException, name: str) -> tuple[str, int] | None:
    """(template file name, line) of the innermost template frame of a failure."""
    tb = exc.__traceback__
    place = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name) or filename == "<template>" or \
                (not filename.endswith(".py") and not filename.startswith("<") and "/jinja2/" not in filename):
            place = (Path(filename).name if filename != "<template>" else name, tb.tb_lineno)
        tb = tb.tb_next
    return place


def explain_error(exc: BaseException, name: str) -> TemplateError:
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"模板 {exc.filename or name} 第 {exc.lineno} 行语法有误：{exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"模板 {name} 引用的模板 {exc.name} 找不到。")
    if isinstance(exc, UnicodeDecodeError):
        return TemplateError(f"模板 {name} 或它引用的文件不是 UTF-8 文本（可能是二进制文件），无法作为模板使用。")
    place = template_place(exc, name)
    where = f"模板 {place[0] if place else name}" + (f" 第 {place[1]} 行" if place else "")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"{where} 用了 dibao 不提供的变量：{exc.message}。请检查模板中的变量名。")
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(f"{where} 做了模板中不允许的操作：{exc}。")
    if isinstance(exc, LimitExceeded):
        return TemplateError(f"{where} 超出模板限制：{exc}。请检查模板中的循环和计算。")
    if isinstance(exc, RecursionError):
        return TemplateError(f"{where} 嵌套或递归过深。请检查模板中的宏和循环。")
    if isinstance(exc, MemoryError):
        return TemplateError(f"{where} 占用内存过多。请检查模板中的循环和计算。")
    if isinstance(exc, (ValueError, TypeError, KeyError, IndexError, ArithmeticError)):
        return TemplateError(f"{where} 出错（{plain_error(exc)}）。请检查这一行的表达式或格式字符串。")
    return TemplateError(f"{where} 出错：{exc}")


def plain_error(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)[:200]


def is_template_failure(exc: BaseException) -> bool:
    """Failures that come from a template (exit 8) rather than from dibao or the disk."""
    import jinja2

    if isinstance(exc, (DibaoError, OSError)):
        return False
    return isinstance(exc, (jinja2.TemplateError, LimitExceeded, RecursionError, MemoryError, ValueError, TypeError,
                            KeyError, IndexError, ArithmeticError, AttributeError))
