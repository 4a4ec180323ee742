"""All notices in one Word file for batch printing, streamed into the run's private folder.
"""

from __future__ import annotations

import re

from dibao_cli.documents.staging import Staging, Stream, write_failed


class CombinedDocx:
    """All notices in one Word file for batch printing, written as they come: the template's own parts
    (styles, fonts, page setup) once, and each notice's body one after another, each in its own section
    (a new page with the template's page setup). Every notice comes from the same template, so the
    styles they use are the same styles."""

    def __init__(self, word, staging: Staging, name: str, example: dict, date_time):
        import zipfile

        self.word = word
        self.stream = Stream(staging, name, binary=True)
        target = self.stream.target
        self.zip = zipfile.ZipFile(self.stream.fh, "w", zipfile.ZIP_DEFLATED)
        self.date_time = date_time
        self.head = self.tail = None
        self.previous_section = None
        self.count = 0
        self.document = None
        self.skeleton = word._parts(example)
        self.after: list[str] = []
        before = True
        try:
            for name in word._order:
                if name == word.DOCUMENT:
                    before = False
                elif before:
                    self._copy(name)
                else:
                    self.after.append(name)
        except OSError as exc:
            self.abort()
            raise write_failed(target, exc) from None

    def _copy(self, name: str) -> None:
        import zipfile

        info, data = self.skeleton[name]
        entry = zipfile.ZipInfo(name, date_time=self.date_time)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = info.external_attr
        self.zip.writestr(entry, data)

    def _open(self, document: bytes) -> None:
        import zipfile

        start = document.index(b"<w:body>") + len(b"<w:body>")
        end = document.rindex(b"</w:body>")
        self.head, self.tail = document[:start], document[end:]
        info = zipfile.ZipInfo(self.word.DOCUMENT, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        self.document = self.zip.open(info, "w", force_zip64=True)
        self.document.write(self.head)

    def add(self, docx: bytes, document: bytes | None) -> None:
        if document is None:
            import io
            import zipfile

            with zipfile.ZipFile(io.BytesIO(docx)) as z:
                document = z.read(self.word.DOCUMENT)
        if self.document is None:
            self._open(document)
        start = document.index(b"<w:body>") + len(b"<w:body>")
        end = document.rindex(b"</w:body>")
        content = document[start:end]
        section = b""
        at = content.rfind(b"<w:sectPr")
        if at >= 0 and content.endswith(b"</w:sectPr>"):
            content, section = content[:at], content[at:]
        if self.previous_section is not None:
            # the previous notice ends its own section: a new page for this one
            self.document.write(b"<w:p><w:pPr>" + self.previous_section + b"</w:pPr></w:p>")
        self.document.write(_renumber_drawings(content, self.count))
        self.previous_section = section or b"<w:sectPr/>"
        self.count += 1

    def finish(self) -> None:
        try:
            if self.document is None:
                self.abort()
                return
            self.document.write((self.previous_section or b"") + self.tail)
            self.document.close()
            for name in self.after:
                self._copy(name)
            self.zip.close()
        except OSError as exc:
            self.stream.abort()
            raise write_failed(self.stream.target, exc) from None
        except BaseException:
            self.stream.abort()
            raise
        self.stream.finish()

    def abort(self) -> None:
        try:
            self.zip.close()
        except Exception:  # noqa: BLE001 - the file is removed anyway
            pass
        self.stream.abort()


def _renumber_drawings(content: bytes, index: int) -> bytes:
    """Drawing ids must be unique in one document: each notice's get their own range."""
    if b"docPr" not in content:
        return content
    return re.sub(rb'(<wp:docPr[^>]*?\bid=")(\d+)', lambda m: m.group(1) + str(index * 10000 + int(m.group(2))).encode(),
                  content)
