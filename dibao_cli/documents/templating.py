"""Jinja templates: the shipped ones (inside the wheel as dibao_cli/templates, or templates/ in a
checkout), overridden by `--templates DIR` or a `templates/` folder in the working folder.

Templates run in Jinja's sandbox with limits (sandbox.py), so that a bureau's own template cannot hang or
exhaust the machine; HTML and Word output is escaped; a variable a template uses but dibao does not provide
is an error naming the template and line, never a blank on an official document. Every failure inside a
template is a template error (exit 8, template_errors.py). Word templates: word_template.py.

One `Templates` object serves a whole run: one environment, each template compiled once.
"""

from __future__ import annotations

from pathlib import Path

from dibao_cli.documents import sandbox
from dibao_cli.documents.sandbox import (  # noqa: F401 - importable from here as before
    LOOP_FILTER,
    MAX_CALLS,
    MAX_LOOP,
    MAX_OUTPUT,
    MAX_VALUE,
    RECORDS_PER_ALLOWANCE,
    LimitExceeded,
    allowance,
    limited_class,
    too_much_output,
)
from dibao_cli.documents.template_errors import (  # noqa: F401 - importable from here as before
    explain_error,
    is_template_failure,
    template_line,
    template_place,
)
from dibao_cli.documents.word_template import WordTemplate
from dibao_cli.errors import DibaoError, TemplateError


def _shipped(name: str) -> Path | None:
    """A folder shipped with dibao: inside the wheel (dibao_cli/<name>) or beside the package in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    return None


def shipped_templates() -> Path:
    found = _shipped("templates")
    if found is None:
        raise DibaoError("找不到 dibao 自带的模板文件夹（安装不完整）。请重新安装 dibao。")
    return found


def shipped_examples() -> Path:
    """The shipped examples (year-end script, county policy file): inside the wheel or examples/ in a checkout."""
    return _shipped("examples") or Path(__file__).resolve().parent.parent / "examples"


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


def environment(override: Path | None = None, autoescape: bool = False, folders: list[Path] | None = None):
    import jinja2

    cls = limited_class()
    return cls(loader=jinja2.FileSystemLoader([str(f) for f in (folders or search_path(override))]),
               undefined=jinja2.StrictUndefined, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
               keep_trailing_newline=True, auto_reload=False)


# ---------------------------------------------------------------- one run's templates

class _Meter:
    written = 0


class Templates:
    """The templates of one run: one sandboxed environment per escaping mode, each template compiled once."""

    def __init__(self, override: Path | None = None):
        self.override = override
        self.folders = search_path(override)
        self._envs: dict[bool, object] = {}
        self._compiled: dict[tuple[str, bool], object] = {}

    def env(self, autoescape: bool):
        if autoescape not in self._envs:
            self._envs[autoescape] = environment(autoescape=autoescape, folders=self.folders)
        return self._envs[autoescape]

    def get(self, name: str, autoescape: bool = False):
        key = (name, autoescape)
        if key not in self._compiled:
            import jinja2

            try:
                self._compiled[key] = self.env(autoescape).get_template(name)
            except jinja2.TemplateNotFound:
                raise TemplateError(f"找不到模板 {name}。") from None
            except Exception as exc:  # noqa: BLE001 - sorted by is_template_failure
                if is_template_failure(exc):
                    raise explain_error(exc, name) from None
                raise
        return self._compiled[key]

    def render(self, name: str, autoescape: bool = False, records: int = 0, **context) -> str:
        return "".join(self.stream(name, autoescape, records=records, **context))

    def stream(self, name: str, autoescape: bool = False, meter=None, records: int = 0, **context):
        """The rendered text in pieces, with every limit applied (a failure is a TemplateError). `meter`
        counts the output; a caller that renders many documents in one pass resets it for each. `records`:
        how many records the document lists (the limits grow with it, see `allowance`)."""
        template = self.get(name, autoescape)
        env = self.env(autoescape)
        times = sandbox.allowance(records)
        env.reset_limits(times)
        limit = sandbox.MAX_OUTPUT * times
        meter = meter or _Meter()
        meter.written = 0
        try:
            pieces = template.generate(**context)
            for piece in pieces:
                meter.written += len(piece)
                if meter.written > limit:
                    pieces.throw(too_much_output(limit))  # raised where the template is writing: its line is known
                yield piece
        except Exception as exc:  # noqa: BLE001 - sorted by is_template_failure
            if is_template_failure(exc):
                raise explain_error(exc, name) from None
            raise

    def failure(self, exc: BaseException, name: str) -> BaseException:
        """The exception to raise for a failure while rendering `name` outside `stream`."""
        return explain_error(exc, name) if is_template_failure(exc) else exc

    def word(self, name: str) -> "WordTemplate":
        key = (name, "word")
        if key not in self._compiled:
            path = None
            for folder in self.folders:
                if (folder / name).exists():
                    path = folder / name
                    break
            if path is None:
                raise TemplateError(f"找不到模板 {name}。")
            self._compiled[key] = WordTemplate(path, self.env(True))
        return self._compiled[key]


def render(name: str, override: Path | None = None, autoescape: bool = False, records: int = 0, **context) -> str:
    """Render one template once (commands that write one document); `records`: how many records it lists."""
    return Templates(override).render(name, autoescape, records=records, **context)


# ---------------------------------------------------------------- Word


def render_docx(name: str, context: dict, target: Path, override: Path | None = None) -> None:
    """One Word document from a .docx template, written to `target`."""
    Path(target).write_bytes(Templates(override).word(name).docx_bytes(context))
