"""Jinja templates: the shipped ones (inside the wheel as dibao_cli/templates, or templates/ in a
checkout), overridden by a folder the clerk names. Unknown variables are errors, never blanks."""

from __future__ import annotations

from pathlib import Path

from dibao_cli.errors import DibaoError


def shipped_templates() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise DibaoError("找不到 dibao 自带的模板文件夹（安装不完整）。请重新安装 dibao。")


def environment(override: Path | None = None, autoescape: bool = False):
    import jinja2

    folders = [str(override)] if override is not None else []
    folders.append(str(shipped_templates()))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders), undefined=jinja2.StrictUndefined,
                              autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(name: str, override: Path | None = None, **context) -> str:
    import jinja2

    try:
        return environment(override).get_template(name).render(**context)
    except jinja2.UndefinedError as exc:
        raise DibaoError(f"模板 {name} 用了不存在的变量：{exc.message}。请检查模板。") from None
    except jinja2.TemplateSyntaxError as exc:
        raise DibaoError(f"模板 {exc.filename or name} 第 {exc.lineno} 行语法有误：{exc.message}") from None
