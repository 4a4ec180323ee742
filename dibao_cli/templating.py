"""Jinja templates: the shipped ones (inside the wheel as dibao_cli/templates, or templates/ in a
checkout), overridden by `--templates DIR` or a `templates/` folder in the working folder.

Templates run in Jinja's sandbox; HTML is auto-escaped; a variable a template uses but dibao does not
provide is an error naming the template and line, never a blank on an official document.
"""

from __future__ import annotations

from pathlib import Path

from dibao_cli.errors import DibaoError, TemplateError


def shipped_templates() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise DibaoError("找不到 dibao 自带的模板文件夹（安装不完整）。请重新安装 dibao。")


def shipped_examples() -> Path:
    """The shipped examples (year-end script, county policy file): inside the wheel or examples/ in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "examples", here.parent / "examples"):
        if candidate.is_dir():
            return candidate
    return here / "examples"


def search_path(override: Path | None = None) -> list[Path]:
    folders = []
    if override is not None:
        if not Path(override).is_dir():
            raise TemplateError(f"模板文件夹 {override} 不存在。可先用 dibao templates copy {override} 复制一份自带模板。")
        folders.append(Path(override))
    local = Path.cwd() / "templates"
    if local.is_dir() and local.resolve() != shipped_templates().resolve():
        folders.append(local)
    folders.append(shipped_templates())
    return folders


def find_template(name: str, override: Path | None = None) -> Path:
    for folder in search_path(override):
        if (folder / name).exists():
            return folder / name
    raise TemplateError(f"找不到模板 {name}。")


def environment(override: Path | None = None, autoescape: bool = False):
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(loader=jinja2.FileSystemLoader([str(f) for f in search_path(override)]),
                                undefined=jinja2.StrictUndefined, autoescape=autoescape, trim_blocks=True,
                                lstrip_blocks=True, keep_trailing_newline=True)


def template_line(exc: BaseException, name: str) -> int | None:
    """The line of the template where rendering failed (Jinja maps template frames to template lines)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(name) or filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def explain_error(exc: BaseException, name: str) -> TemplateError:
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"模板 {exc.filename or name} 第 {exc.lineno} 行语法有误：{exc.message}")
    line = template_line(exc, name)
    where = f"模板 {name}" + (f" 第 {line} 行" if line else "")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"{where} 用了 dibao 不提供的变量：{exc.message}。请检查模板中的变量名。")
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return TemplateError(f"{where} 做了模板中不允许的操作：{exc}。")
    return TemplateError(f"{where} 出错：{exc}")


def render(name: str, override: Path | None = None, autoescape: bool = False, **context) -> str:
    import jinja2

    try:
        return environment(override, autoescape).get_template(name).render(**context)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"找不到模板 {name}。") from None
    except (jinja2.TemplateError, jinja2.exceptions.SecurityError) as exc:
        raise explain_error(exc, name) from None


def render_docx(name: str, context: dict, target: Path, override: Path | None = None) -> None:
    """A Word document from a .docx template (docxtpl: Jinja tags inside Word, editable in Word or WPS)."""
    import jinja2
    from docxtpl import DocxTemplate

    path = find_template(name, override)
    try:
        document = DocxTemplate(str(path))
        document.render(context, jinja_env=environment(override))
        document.save(str(target))
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"Word 模板 {path} 用了 dibao 不提供的变量：{exc.message}。请检查模板中的变量名。") from None
    except (jinja2.TemplateError, jinja2.exceptions.SecurityError) as exc:
        raise TemplateError(f"Word 模板 {path} 有误：{exc}") from None
