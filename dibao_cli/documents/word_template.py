"""Word (.docx) templates: docxtpl's Jinja tags inside Word, compiled once and rendered for many documents.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from dibao_cli.documents.sandbox import MAX_OUTPUT, LimitExceeded, too_much_output
from dibao_cli.documents.template_errors import is_template_failure, plain_error
from dibao_cli.errors import TemplateError


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
            raise TemplateError(f"Word 模板 {self.path} 无法打开（{plain_error(exc)}）。请用 Word 或 WPS 另存为 .docx。") from None
        # Headers, footers, footnotes or properties with tags: those documents take docxtpl's own path.
        self.simple = not tagged
        try:
            source = self._tpl.patch_xml(self._tpl.get_xml())
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
            self.body = env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"Word 模板 {self.path} 第 {exc.lineno} 行附近语法有误：{exc.message}") from None
        except Exception as exc:  # noqa: BLE001
            if is_template_failure(exc):
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
        return TemplateError(f"Word 模板 {self.path} 有误：{plain_error(exc)}")

    def render_body(self, context: dict) -> str:
        """The rendered <w:body> XML, exactly as docxtpl builds it."""
        self.env.reset_limits()
        try:
            xml = self.body.render(context)
        except Exception as exc:  # noqa: BLE001
            if is_template_failure(exc):
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
            if is_template_failure(exc):
                raise self._error(exc) from None
            raise
        slow.save(buffer)
        return buffer.getvalue()
