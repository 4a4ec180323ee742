"""Jinja templates: the shipped ones (inside the wheel as dibao_cli/templates, or templates/ in a
checkout), overridden by `--templates DIR` or a `templates/` folder in the working folder.

Templates run in Jinja's sandbox with limits (output size, loop length, calls, size of any value built),
so that a bureau's own template cannot hang or exhaust the machine; HTML and Word output is escaped; a
variable a template uses but dibao does not provide is an error naming the template and line, never a
blank on an official document. Every failure inside a template is a template error (exit 8).

One `Templates` object serves a whole run: one environment, each template compiled once.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path

from dibao_cli.errors import DibaoError, TemplateError

#: Limits for one rendered document (one notice, one publicity list, one report).
MAX_OUTPUT = 5_000_000  # characters written
MAX_VALUE = 1_000_000  # characters (or items) of any one value a template builds
MAX_LOOP = 1_000_000  # loop iterations
MAX_CALLS = 1_000_000  # function, method and macro calls
#: A document that lists many records (a prefecture's publicity list, a long report) gets the limits above once
#: more for every RECORDS_PER_ALLOWANCE records it lists: still bounded, in proportion to the data given.
RECORDS_PER_ALLOWANCE = 10_000


def allowance(records: int = 0) -> int:
    """How many times the per-document limits a document listing `records` records may use."""
    return 1 + max(0, int(records)) // RECORDS_PER_ALLOWANCE


class LimitExceeded(Exception):
    """A template went past one of the limits above (message in Chinese)."""


def shipped_templates() -> Path:
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise DibaoError("找不到 dibao 自带的模板文件夹（安装不完整）。请重新安装 dibao。")


def shipped_examples() -> Path:
    """The shipped examples (year-end script, county policy file): inside the wheel or examples/ in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "examples", package.parent / "examples"):
        if candidate.is_dir():
            return candidate
    return package / "examples"


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


# ---------------------------------------------------------------- the limited sandbox

def too_much_output(limit: int = MAX_OUTPUT) -> LimitExceeded:
    return LimitExceeded(f"输出过长（这份文书最多 {limit:,} 字）")


def _too_long(what: str = "内容") -> LimitExceeded:
    return LimitExceeded(f"生成的{what}过长（一个值最多 {MAX_VALUE:,} 字）")


def _check_size(value):
    if isinstance(value, (str, list, tuple, dict, set, bytes)) and len(value) > MAX_VALUE:
        raise _too_long()
    return value


_BIG_NUMBER = re.compile(r"\d{7,}")


def _check_format(text) -> None:
    """A format string (`%` or `str.format` or the `format` filter) may not ask for huge widths."""
    if isinstance(text, str) and (_BIG_NUMBER.search(text) or re.search(r"%[-#0 +]*\*", text)):
        raise LimitExceeded("格式字符串中的宽度或精度过大")


def _check_args(args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and abs(value) > MAX_VALUE:
            raise LimitExceeded(f"参数 {value} 过大（最多 {MAX_VALUE:,}）")
        if isinstance(value, float) and abs(value) > MAX_VALUE and value == value:
            raise LimitExceeded(f"参数 {value:g} 过大（最多 {MAX_VALUE:,}）")


def _limited_filter(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _check_args(args[1:], kwargs)
        return _check_size(func(*args, **kwargs))

    return wrapper


def _limited_replace(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        # (eval_ctx, s, old, new, count=None): the result may grow by (len(new) - len(old)) per match
        s, old, new = (str(a) for a in args[1:4]) if len(args) >= 4 else ("", "", "")
        if old == "":
            grown = len(s) * (len(new) + 1)
        else:
            grown = len(s) + s.count(old) * max(0, len(new) - len(old))
        if grown > MAX_VALUE:
            raise _too_long()
        return func(*args, **kwargs)

    return wrapper


LOOP_FILTER = "_dibao_counted_loop"


def _environment_class():
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import SandboxedEnvironment

    class LimitedCodeGenerator(CodeGenerator):
        def visit_Concat(self, node, frame):
            # `~` is checked after the fact: each step can at most double a value already checked
            self.write("environment.check_size(")
            super().visit_Concat(node, frame)
            self.write(")")

    class LimitedEnvironment(SandboxedEnvironment):
        """The sandbox, plus limits on what one render may produce."""

        intercepted_binops = frozenset(["*", "**", "+", "%", "//"])
        code_generator_class = LimitedCodeGenerator
        check_size = staticmethod(_check_size)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.globals.pop("lipsum", None)
            for name, func in list(self.filters.items()):
                self.filters[name] = _limited_replace(func) if name == "replace" else _limited_filter(func)
            self.filters["format"] = self._format_filter(self.filters["format"])
            self.filters[LOOP_FILTER] = self.limit_iter
            self.reset_limits()

        @staticmethod
        def _format_filter(func):
            @functools.wraps(func)
            def wrapper(value, *args, **kwargs):
                _check_format(value)
                return func(value, *args, **kwargs)

            return wrapper

        def reset_limits(self, times: int = 1) -> None:
            self.loop_limit, self.call_limit = MAX_LOOP * times, MAX_CALLS * times
            self.loops_left = self.loop_limit
            self.calls_left = self.call_limit

        def _parse(self, source, name, filename):
            tree = super()._parse(source, name, filename)
            for loop in tree.find_all(nodes.For):
                loop.iter = nodes.Filter(loop.iter, LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
            return tree

        def limit_iter(self, iterable):
            for item in iterable:
                self.loops_left -= 1
                if self.loops_left < 0:
                    raise LimitExceeded(f"循环次数过多（这份文书最多 {self.loop_limit:,} 次）")
                yield item

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - jinja's own signature
            __self.calls_left -= 1
            if __self.calls_left < 0:
                raise LimitExceeded(f"调用次数过多（这份文书最多 {__self.call_limit:,} 次；可能是无限递归）")
            _check_args(args, kwargs)
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace" and len(args) >= 2:
                _limited_replace(lambda *a: None)(None, owner, *args[:2])
            return _check_size(super().call(__context, __obj, *args, **kwargs))

        def wrap_str_format(self, value):
            owner = getattr(value, "__self__", None)
            _check_format(owner)
            return super().wrap_str_format(value)

        def call_binop(self, context, operator, left, right):
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_VALUE:
                        raise _too_long()
                if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 4096:
                    raise LimitExceeded("数值过大")
            elif operator == "**":
                if isinstance(left, int) and isinstance(right, int) and \
                        max(1, left.bit_length()) * max(0, right) > 4096:
                    raise LimitExceeded("数值过大")
            elif operator == "+":
                if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) and \
                        len(left) + len(right) > MAX_VALUE:
                    raise _too_long()
            elif operator == "%":
                _check_format(left)
            return _check_size(super().call_binop(context, operator, left, right))

    return LimitedEnvironment


@functools.lru_cache(maxsize=1)
def _limited_class():
    return _environment_class()


def environment(override: Path | None = None, autoescape: bool = False, folders: list[Path] | None = None):
    import jinja2

    cls = _limited_class()
    return cls(loader=jinja2.FileSystemLoader([str(f) for f in (folders or search_path(override))]),
               undefined=jinja2.StrictUndefined, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
               keep_trailing_newline=True, auto_reload=False)


# ---------------------------------------------------------------- errors

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
        return TemplateError(f"{where} 出错（{_plain_error(exc)}）。请检查这一行的表达式或格式字符串。")
    return TemplateError(f"{where} 出错：{exc}")


def _plain_error(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)[:200]


def _is_template_failure(exc: BaseException) -> bool:
    """Failures that come from a template (exit 8) rather than from dibao or the disk."""
    import jinja2

    if isinstance(exc, (DibaoError, OSError)):
        return False
    return isinstance(exc, (jinja2.TemplateError, LimitExceeded, RecursionError, MemoryError, ValueError, TypeError,
                            KeyError, IndexError, ArithmeticError, AttributeError))


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
            except Exception as exc:  # noqa: BLE001 - sorted by _is_template_failure
                if _is_template_failure(exc):
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
        times = allowance(records)
        env.reset_limits(times)
        limit = MAX_OUTPUT * times
        meter = meter or _Meter()
        meter.written = 0
        try:
            pieces = template.generate(**context)
            for piece in pieces:
                meter.written += len(piece)
                if meter.written > limit:
                    pieces.throw(too_much_output(limit))  # raised where the template is writing: its line is known
                yield piece
        except Exception as exc:  # noqa: BLE001 - sorted by _is_template_failure
            if _is_template_failure(exc):
                raise explain_error(exc, name) from None
            raise

    def failure(self, exc: BaseException, name: str) -> BaseException:
        """The exception to raise for a failure while rendering `name` outside `stream`."""
        return explain_error(exc, name) if _is_template_failure(exc) else exc

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

class WordTemplate:
    """A .docx template (docxtpl: Jinja tags inside Word) loaded and compiled once, then rendered for many
    documents. Each document is what docxtpl's own render-and-save writes (the same XML in every part),
    built without reopening the template: the parts that hold no tags are copied from one rendered
    document, the main document part is rendered from the compiled template. Values are escaped."""

    DOCUMENT = "word/document.xml"

    def __init__(self, path: Path, env):
        import jinja2
        from docxtpl import DocxTemplate

        self.path = Path(path)
        self.env = env
        try:
            data = self.path.read_bytes()
            self._tpl = DocxTemplate(io.BytesIO(data))
            self._tpl.init_docx()
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                tagged = [n for n in z.namelist() if n != self.DOCUMENT and n.endswith(".xml")
                          and re.search(rb"\{[{%]", z.read(n))]
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise TemplateError(f"Word 模板 {self.path} 无法打开（{_plain_error(exc)}）。请用 Word 或 WPS 另存为 .docx。") from None
        # Headers, footers, footnotes or properties with tags: those documents take docxtpl's own path.
        self.simple = not tagged
        try:
            source = self._tpl.patch_xml(self._tpl.get_xml())
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            self.body = env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"Word 模板 {self.path} 第 {exc.lineno} 行附近语法有误：{exc.message}") from None
        except Exception as exc:  # noqa: BLE001
            if _is_template_failure(exc):
                raise self._error(exc) from None
            raise
        self._skeleton: dict[str, tuple[zipfile.ZipInfo, bytes]] | None = None
        self._order: list[str] = []
        self._static: tuple | None = None

    def _error(self, exc: BaseException) -> TemplateError:
        import jinja2

        if isinstance(exc, jinja2.UndefinedError):
            return TemplateError(f"Word 模板 {self.path} 用了 dibao 不提供的变量：{exc.message}。请检查模板中的变量名。")
        if isinstance(exc, LimitExceeded):
            return TemplateError(f"Word 模板 {self.path} 超出模板限制：{exc}。请检查模板中的循环和计算。")
        if isinstance(exc, jinja2.exceptions.SecurityError):
            return TemplateError(f"Word 模板 {self.path} 做了模板中不允许的操作：{exc}。")
        return TemplateError(f"Word 模板 {self.path} 有误：{_plain_error(exc)}")

    def render_body(self, context: dict) -> str:
        """The rendered <w:body> XML, exactly as docxtpl builds it."""
        self.env.reset_limits()
        try:
            xml = self.body.render(context)
        except Exception as exc:  # noqa: BLE001
            if _is_template_failure(exc):
                raise self._error(exc) from None
            raise
        if len(xml) > MAX_OUTPUT:
            raise self._error(too_much_output())
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self._tpl.resolve_listing(xml)

    def document_xml(self, body_xml: str) -> bytes:
        """The main document part around a rendered body (python-docx's serialisation)."""
        from lxml import etree

        tpl = self._tpl
        tree = tpl.fix_tables(body_xml)
        tpl.docx_ids_index = 1000
        tpl.fix_docpr_ids(tree)
        root = tpl.docx._element
        original = root.body
        root.replace(original, tree)
        try:
            return etree.tostring(root, encoding="UTF-8", standalone=True)
        finally:
            root.replace(tree, original)

    def _parts(self, context: dict):
        """Every part of the package, in docxtpl's order: (ZipInfo, bytes) from one slow render."""
        if self._skeleton is None:
            skeleton = {}
            with zipfile.ZipFile(io.BytesIO(self._slow_bytes(context))) as z:
                for info in z.infolist():
                    skeleton[info.filename] = (info, z.read(info.filename))
                    self._order.append(info.filename)
            self._skeleton = skeleton
        return self._skeleton

    def docx_bytes(self, context: dict, document: bytes | None = None, date_time=(1980, 1, 1, 0, 0, 0)) -> bytes:
        """One finished .docx (`document`: its main part, if already built)."""
        if not self.simple:
            return self._slow_bytes(context)
        if document is None:
            document = self.document_xml(self.render_body(context))
        # the parts without tags are compressed once; each document only adds its main part
        if self._static is None or self._static[0] != date_time:
            skeleton = self._parts(context)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for name in self._order:
                    if name != self.DOCUMENT:
                        z.writestr(self._entry(name, date_time), skeleton[name][1])
            self._static = (date_time, out.getvalue())
        out = io.BytesIO(self._static[1])
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr(self._entry(self.DOCUMENT, date_time), document)
        return out.getvalue()

    def _entry(self, name: str, date_time) -> zipfile.ZipInfo:
        entry = zipfile.ZipInfo(name, date_time=date_time)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = self._skeleton[name][0].external_attr if self._skeleton else 0
        return entry

    def _slow_bytes(self, context: dict) -> bytes:
        from docxtpl import DocxTemplate

        buffer = io.BytesIO()
        slow = DocxTemplate(io.BytesIO(self.path.read_bytes()))
        self.env.reset_limits()
        try:
            slow.render(context, jinja_env=self.env, autoescape=True)
        except Exception as exc:  # noqa: BLE001
            if _is_template_failure(exc):
                raise self._error(exc) from None
            raise
        slow.save(buffer)
        return buffer.getvalue()


def render_docx(name: str, context: dict, target: Path, override: Path | None = None) -> None:
    """One Word document from a .docx template, written to `target`."""
    Path(target).write_bytes(Templates(override).word(name).docx_bytes(context))
