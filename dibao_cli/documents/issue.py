"""Issuing notices: choose who gets which notice, number them, write HTML or Word files into a folder.

At county scale (tens of thousands of notices) the work is: one template environment for the run, every
template compiled once; each notice rendered once (the combined print file reuses the per-household
section where the template allows it, checked against a full render); every file written under its own
name into a private folder, flushed to disk together (not one by one), then put in place: a new output
folder in one rename, an existing one file by file; the combined print file streamed to disk as notices
are written; from 200 notices on, HTML and Word notices rendered and written by a process pool (the
combined file kept in order by this process).
"""

from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import os
import re
import sys
from pathlib import Path

from dibao_cli.documents.notices import (
    ALLOWED,
    FILE_LABEL,
    Issuer,
    auto_kind,
    notice_from_ledger,
    notice_from_result,
    safe_name,
)
from dibao_cli.errors import OutputRefused, UsageInvalid
from dibao_cli.policy.loader import COUNTIES, PREFECTURES, region_name
from dibao_cli.status import LABEL as STATUS_LABEL

COMBINED = "全部通知书"
MANIFEST = ".dibao-notices.jsonl"  # what the combined print files hold (so that a later run adds, never drops)
BATCH = 1000  # files per flush to disk
POOL_FROM = 200  # Word notices rendered in a process pool from this many on


def default_issuer(region: str, day: _dt.date, bureau: str | None, review_body: str | None, prefix: str | None,
                   phone: str | None) -> Issuer:
    name = region_name(region)
    known = region in COUNTIES or region in PREFECTURES
    if bureau is None:
        if not known or region == "630000":
            raise UsageInvalid("请用 --bureau 写明发文单位（如 共和县民政局），或用 --region 指定本县。")
        bureau = f"{name}民政局"
    if review_body is None:
        review_body = f"{name}人民政府" if known and region != "630000" else "本级人民政府"
    if prefix is None:
        short = name.rstrip("县市区州") if known and region != "630000" else ""
        prefix = f"{short}民低〔{day.year}〕"
    return Issuer(bureau, review_body, prefix, day, phone or "")


def choose(results, kind: str, households: set[str] | None) -> tuple[list, list[str]]:
    """(result, kind) pairs to issue, and messages about households skipped."""
    chosen, skipped = [], []
    for result in results:
        hid = result.household.household_id
        if households is not None and hid not in households:
            continue
        wanted = auto_kind(result) if kind == "auto" else kind
        if wanted is None:
            continue
        if result.status not in ALLOWED[wanted]:
            skipped.append(f"户 {hid} 的核算结果是“{STATUS_LABEL[result.status]}”，不能发{FILE_LABEL[wanted]}")
            continue
        chosen.append((result, wanted))
    return chosen, skipped


def ledger_kind(row, events: list[str], previous) -> str | None:
    if "new" in events or ("transfer" in events and row["status"] in ("dibao", "single_person")):
        return "approval"
    if "phase_out_started" in events:
        return "phase-out"
    if "exit" in events:
        return "termination"
    if "amount_changed" in events:
        return "change"
    if previous is None and row["status"] in ("ineligible", "marginal"):
        return "marginal" if row["status"] == "marginal" else "refusal"
    return None


# ---------------------------------------------------------------- values and names

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
# in JSON text: an escaped control character, or one JSON leaves as it is
_ESCAPED_CONTROLS = (b"\\u00", b"\\t", b"\\n", b"\\r", b"\\b", b"\\f")


def _needs_cleaning(json_text: bytes) -> bool:
    """JSON writes C0 controls escaped and leaves the rest as they are; a few false alarms (a full-width
    space is not "printable") only cost a closer look."""
    if b"\\" in json_text and any(e in json_text for e in _ESCAPED_CONTROLS):
        return True
    return not json_text.decode("utf-8").isprintable()


def clean_text(text: str) -> str:
    """No control characters on paper or in a file name: line breaks and tabs become spaces, NUL, other
    control characters and direction overrides are removed."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _BREAKS.sub(" ", text))


def clean(value):
    kind = type(value)
    if kind is str:
        return value if value.isprintable() else clean_text(value)
    if kind is dict:
        return {k: v if type(v) is str and v.isprintable() else clean(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [clean(v) for v in value]
    return value


_PLAIN_ID = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff_\-]{0,78}[A-Za-z0-9\u4e00-\u9fff]")
_RESERVED = re.compile(r"(?i)(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def file_names(notices: list[dict], fmt: str, taken: dict[str, str] | None = None) -> list[str]:
    """One file name per notice, never the same for two households: a household number that is not a
    safe file name as it stands (`GH/001`, `=1+1`) gets a short code from the full number, and so does one
    that differs from another only in letter case (the same file on Windows). `taken` maps names already
    used in the folder (case-folded) to their household."""
    taken = dict(taken or {})
    names = []
    for n in notices:
        hid, label = n["household_id"], FILE_LABEL[n["kind"]]
        base = hid if _PLAIN_ID.fullmatch(hid) and not _RESERVED.fullmatch(hid) else safe_name(hid)
        name = f"{base}-{label}.{fmt}"
        owner = taken.get(name.casefold())
        if base != hid or (owner is not None and owner != hid):
            name = f"{base}-{_digest(hid)}-{label}.{fmt}"
            owner = taken.get(name.casefold())
            k = 2
            while owner is not None and owner != hid:
                name = f"{base}-{_digest(hid)}-{k}-{label}.{fmt}"
                owner = taken.get(name.casefold())
                k += 1
        taken[name.casefold()] = hid
        names.append(name)
    return names


_VOLATILE = {"doc_number": "", "issued_on": "", "phone": ""}


def _decision_json(notice: dict) -> bytes:
    import orjson

    return orjson.dumps(dict(notice, **_VOLATILE), option=orjson.OPT_SORT_KEYS)


def fingerprint(notice: dict) -> str:
    """What makes a decision the same decision: everything printed except its number, date and phone."""
    return hashlib.sha256(_decision_json(notice)).hexdigest()


# ---------------------------------------------------------------- writing files

def write_failed(path: Path, exc: OSError) -> OutputRefused:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        from dibao_cli.reports.files import disk_full_message

        return OutputRefused(disk_full_message(path))
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputRefused(f"没有权限写入 {path}（{exc.strerror}）。请换一个文件夹。")
    return OutputRefused(f"无法写入 {path}：{exc.strerror or exc}。")


def _sync_all(paths) -> None:
    """Flush file contents to disk: for many files one flush of everything (one journal commit instead of
    one per file: 30,000 notices would take minutes of fsync), for a few files each file."""
    if hasattr(os, "sync") and len(paths) > 64:
        os.sync()
        return
    for path in paths:
        with open(path, "rb+") as fh:
            os.fsync(fh.fileno())


class Staging:
    """A run's files, written under their own names into a private folder and put in place only when all
    of them are written and on disk:
    - the target folder was made by this run: the private folder (beside it) replaces it in one rename, so
      the folder appears with every file in it, or not at all;
    - otherwise each file is renamed into the folder (each file atomic: the old file or the whole new one).
    A failed run removes the private folder and every file it had put in place."""

    SYNC_EVERY = 5000  # files: flushed to disk while the rest are written, so the last flush is short

    def __init__(self, folder: Path, force: bool, replaceable=frozenset(), whole: bool = False):
        import tempfile

        self.folder = os.fspath(folder)
        self.force = force
        self.replaceable = {os.path.basename(os.fspath(p)) for p in replaceable}
        self.names: list[str] = []  # written into the private folder
        self.notices = 0  # of them, notice files
        self.created: list[str] = []  # files put in place that did not exist before this run
        self.synced = 0
        self.dir = None
        self.whole = False
        if whole:
            parent, base = os.path.split(os.path.abspath(self.folder))
            try:
                self.dir = tempfile.mkdtemp(prefix=f".{base}.", suffix=".dibao", dir=parent)
                self.whole = True
            except OSError:
                pass  # the parent is not writable: inside the folder instead
        if self.dir is None:
            try:
                self.dir = tempfile.mkdtemp(prefix=".dibao-", dir=self.folder)
            except OSError as exc:
                raise write_failed(Path(self.folder), exc) from None

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def target(self, name: str) -> Path:
        return Path(self.folder, name)

    def add(self, name: str, data: bytes, notice: bool = True) -> None:
        """Write one file (in this process)."""
        try:
            fd = os.open(self.path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except OSError as exc:
            raise write_failed(self.target(name), exc) from None
        self.added(name, notice)

    def added(self, name: str, notice: bool = True) -> None:
        """A file written into the private folder (here or by a worker process)."""
        self.names.append(name)
        self.notices += notice
        if len(self.names) - self.synced >= self.SYNC_EVERY and hasattr(os, "sync"):
            os.sync()
            self.synced = len(self.names)

    def commit(self) -> None:
        """Every file on disk, then in place."""
        try:
            _sync_all([self.path(n) for n in self.names[self.synced:]])
        except OSError as exc:
            raise write_failed(Path(self.folder), exc) from None
        if self.whole:
            try:
                os.chmod(self.dir, os.stat(self.folder).st_mode & 0o7777)  # not mkdtemp's owner-only mode
                _sync_folder(Path(self.dir))
                os.rename(self.dir, self.folder)  # onto the empty folder this run made
            except OSError:
                self.whole = False  # something appeared in the folder meanwhile: file by file
            else:
                self.dir = None
                _sync_folder(Path(os.path.dirname(os.path.abspath(self.folder))))
                return
        for name in self.names:
            target = os.path.join(self.folder, name)
            existed = os.path.lexists(target)
            if existed and not self.force and name not in self.replaceable:
                raise OutputRefused(f"输出文件 {target} 已存在（刚刚由别人写入），未覆盖。")
            try:
                os.replace(self.path(name), target)
            except OSError as exc:
                raise write_failed(Path(target), exc) from None
            if not existed:
                self.created.append(target)
        _remove_tree(self.dir)
        self.dir = None
        _sync_folder(Path(self.folder))  # the renames themselves

    def abort(self) -> None:
        """Remove the private folder and every file this run put in place (nothing of a failed run is left)."""
        for path in self.created:
            _unlink(path)
        self.created = []
        if self.dir is not None:
            _remove_tree(self.dir)
            self.dir = None


def _remove_tree(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on Windows; the renames are durable when the system next flushes
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class _Stream:
    """A file written piece by piece into the private folder."""

    def __init__(self, staging: Staging, name: str, binary: bool = False):
        self.staging, self.name = staging, name
        self.target = staging.target(name)
        try:
            self.fh = open(staging.path(name), "xb")
        except OSError as exc:
            raise write_failed(self.target, exc) from None
        self.binary = binary

    def write(self, data) -> None:
        self.write_bytes(data if self.binary else data.encode("utf-8"))

    def write_bytes(self, data: bytes) -> None:
        try:
            self.fh.write(data)
        except OSError as exc:
            raise write_failed(self.target, exc) from None

    def finish(self) -> None:
        try:
            self.fh.close()
        except OSError as exc:
            raise write_failed(self.target, exc) from None
        self.staging.added(self.name, notice=False)

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        _unlink(self.staging.path(self.name))


# ---------------------------------------------------------------- the combined print file's contents

def read_manifest(folder: Path) -> list[dict]:
    path = folder / MANIFEST
    if not path.exists():
        return []
    import orjson

    entries = []
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    entries.append(orjson.loads(line))
    except (OSError, ValueError, orjson.JSONDecodeError):
        return []
    return entries


# ---------------------------------------------------------------- plan and write

class Plan:
    """Where each notice goes, checked before any number is given or any file written."""

    def __init__(self, notices: list[dict], folder: Path, fmt: str, force: bool):
        self.folder = Path(folder)
        self.fmt = fmt
        self.force = force
        self.notices, self.fingerprints = [], []
        for n in notices:  # one pass in C finds the rare notice that holds a control character
            text = _decision_json(n)
            if _needs_cleaning(text):
                n = clean(n)
                text = _decision_json(n)
            self.notices.append(n)
            self.fingerprints.append(hashlib.sha256(text).hexdigest())
        self.made_folder = not os.path.lexists(self.folder)  # then its files can appear all at once
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failed(self.folder, exc) from None
        self.manifest = manifest = read_manifest(self.folder)
        taken = {e["file"].casefold(): e["household_id"] for e in manifest}
        self.names = file_names(self.notices, fmt, taken)
        for name in self.names:
            if os.path.basename(name) != name or "/" in name or "\\" in name or name.startswith("."):
                raise OutputRefused(f"文件名 {name} 会写到输出文件夹之外，已拒绝。")
        self.combined = self.folder / f"{COMBINED}.{fmt}"
        new = set(self.names)
        # notices of earlier runs that stay in the combined file (their files are still in the folder)
        self.kept = [e for e in manifest if e["fmt"] == fmt and e["file"] not in new and (self.folder / e["file"]).exists()]
        ours = any(e["fmt"] == fmt for e in manifest)
        where = os.fspath(self.folder)
        existing = [Path(where, n) for n in self.names if os.path.exists(os.path.join(where, n))]
        if self.combined.exists() and not ours:
            existing.append(self.combined)
        if existing and not force:
            raise OutputRefused(f"输出文件夹中已有 {len(existing)} 个同名文件（如 {existing[0].name}），未覆盖。"
                                "请换一个文件夹，或加 --force。")
        self.replaceable = {self.combined, self.folder / MANIFEST}
        self._entries = None

    def combined_entries(self) -> list[tuple[str, dict, bool]]:
        """(file name, notice, written now) in print order: earlier notices first (a re-issued one in its
        place), then the new ones."""
        if self._entries is not None:
            return self._entries
        fresh = dict(zip(self.names, self.notices))
        out = []
        for e in self.manifest:
            if e["fmt"] != self.fmt:
                continue
            if e["file"] in fresh:
                out.append((e["file"], fresh.pop(e["file"]), True))
            elif (self.folder / e["file"]).exists():
                out.append((e["file"], e["notice"], False))
        out.extend((name, n, True) for name, n in fresh.items())
        self._entries = out
        return out


def check_templates(templates, example: dict, fmt: str) -> None:
    """Render every kind once with every optional part present, so that a variable the template uses but
    dibao does not provide is found before any notice is written, whichever branch it sits in."""
    from dibao_cli.documents.notices import KINDS

    for kind, title in KINDS.items():
        sample = dict(example, kind=kind, title=title, appeal=True, phone=example.get("phone") or "0000-0000000",
                      singles=example.get("singles") or [{"name": "示例", "ground": "重病", "total": "0.00"}],
                      old_amount=example.get("old_amount") or "0.00")
        if fmt == "html":
            templates.render("notice.html.j2", True, notices=[sample])
        else:
            templates.word("notice.docx").render_body(sample)


def write_notices(notices: list[dict], folder: Path, fmt: str, force: bool, templates, progress=None,
                  workers: int | None = None, plan: Plan | None = None) -> int:
    """One file per notice and one combined print file (全部通知书.html or .docx) holding every notice in
    the folder; returns the number of notice files written. On failure nothing of this run is left behind
    (files it created are removed)."""
    from dibao_cli.documents.templating import Templates

    if not isinstance(templates, Templates):
        templates = Templates(templates)
    plan = plan or Plan(notices, folder, fmt, force)
    if plan.notices:
        check_templates(templates, plan.notices[0], fmt)
    staging = Staging(plan.folder, force, plan.replaceable, whole=plan.made_folder)
    try:
        if fmt == "html":
            _write_html(plan, templates, staging, progress, workers)
        else:
            _write_docx(plan, templates, staging, progress, workers)
        _write_manifest(plan, staging)
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    return staging.notices


def _write_manifest(plan: Plan, staging: Staging) -> None:
    if not plan.notices and not (plan.folder / MANIFEST).exists():
        return
    import orjson

    others = [e for e in plan.manifest if e["fmt"] != plan.fmt]
    stream = _Stream(staging, MANIFEST, binary=True)
    try:
        for e in others:
            stream.write(orjson.dumps(e) + b"\n")
        for name, notice, _ in plan.combined_entries():
            stream.write(orjson.dumps({"file": name, "fmt": plan.fmt, "household_id": notice["household_id"],
                                       "notice": notice}) + b"\n")
    except BaseException:
        stream.abort()
        raise
    stream.finish()


# ---------------------------------------------------------------- HTML

class _Positioned:
    """The `notices` list a template loops over, handed out one at a time: the writer knows which notice
    each piece of output belongs to, and each notice gets the template limits afresh."""

    def __init__(self, items: list[dict], env, first: dict | None = None, length: int | None = None):
        self.items = items
        self.env = env
        self.first = first
        self.length = len(items) if length is None else length
        self.position = -1

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if self.first is not None:
            if index == 0 or (index == -1 and self.length == 1):
                return self.first
            raise IndexError(index)
        return self.items[index]

    def __iter__(self):
        for i, item in enumerate(self.items):
            self.position = i
            self.env.reset_limits()
            yield item
        self.position = len(self.items)


def _separable(templates, name: str) -> tuple[bool, tuple | None]:
    """True when the notice template is `prefix {% for n in notices %}body{% endfor %} suffix`, with a body
    that depends only on its notice: then a household's own file is its prefix, its body from the combined
    file and its suffix, and each notice is rendered once."""
    from jinja2 import nodes

    from dibao_cli.documents.templating import LOOP_FILTER

    env = templates.env(True)
    try:
        tree = _inlined(env, env.parse(env.loader.get_source(env, name)[0]), 0)
    except Exception:  # noqa: BLE001 - any doubt: render each notice in full
        return False, None
    if tree is None or any(True for _ in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport,
                                                        nodes.NSRef, nodes.Block))):
        return False, None

    def unwrap(node):
        return node.node if isinstance(node, nodes.Filter) and node.name == LOOP_FILTER else node

    loops = [f for f in tree.find_all(nodes.For) if isinstance(unwrap(f.iter), nodes.Name) and unwrap(f.iter).name == "notices"]
    if len(loops) != 1:
        return False, None
    loop = loops[0]
    if loop.recursive or loop.test is not None or loop.else_ or not isinstance(loop.target, nodes.Name):
        return False, None
    if loop not in tree.body:  # not inside a condition, macro or another loop
        return False, None
    # outside the loop, `notices` only as notices|length, notices|count or notices[number]
    allowed_uses = set()
    for f in tree.find_all(nodes.Filter):
        if f.name in ("length", "count") and isinstance(f.node, nodes.Name) and f.node.name == "notices":
            allowed_uses.add(id(f.node))
    fields: set | None = set()
    first_items = set()
    for g in tree.find_all(nodes.Getitem):
        if isinstance(g.node, nodes.Name) and g.node.name == "notices" and isinstance(g.arg, nodes.Const) \
                and g.arg.value == 0:
            allowed_uses.add(id(g.node))
            first_items.add(id(g))
    used_fields = {id(a.node): a.attr for a in tree.find_all(nodes.Getattr) if id(a.node) in first_items}
    for g in tree.find_all(nodes.Getitem):
        if id(g) in first_items:
            if id(g) in used_fields and g.arg.value == 0:
                fields.add(used_fields[id(g)])
            else:
                fields = None
                break
    in_body = {id(n) for child in loop.body for n in child.find_all(nodes.Name)}
    for n in tree.find_all(nodes.Name):
        if n.name == "notices" and id(n) != id(unwrap(loop.iter)) and (id(n) in in_body or id(n) not in allowed_uses):
            return False, None
    # the body reads only its notice, names it sets itself, `loop` of its own inner loops, globals, and names
    # nothing sets (undefined in every render alike, e.g. `recipient | default(n.head_name)`)
    stored = {loop.target.name} | set(env.globals)
    for child in loop.body:
        for n in child.find_all(nodes.Name):
            if n.ctx in ("store", "param"):
                stored.add(n.name)
        for m in child.find_all(nodes.Macro):
            stored.add(m.name)
    body_names = {id(n) for child in loop.body for n in child.find_all((nodes.Name, nodes.Macro))}
    set_outside = {n.name for n in tree.find_all((nodes.Name, nodes.Macro)) if id(n) not in body_names
                   and (isinstance(n, nodes.Macro) or n.ctx in ("store", "param"))}

    def check(node, inner_loop: bool) -> bool:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name == "loop":
                return inner_loop
            return node.name in stored or (node.name not in set_outside and node.name != "notices")
        if isinstance(node, nodes.For):
            return (check(node.iter, inner_loop) and (node.test is None or check(node.test, True))
                    and all(check(c, True) for c in node.body) and all(check(c, inner_loop) for c in node.else_))
        return all(check(c, inner_loop) for c in node.iter_child_nodes())

    if not all(check(c, False) for c in loop.body):
        return False, None
    return True, (tuple(sorted(fields)) if fields is not None else None)


def _sections(templates, name: str, notices: list[dict], on_section, on_outside) -> None:
    """Render the notice template over `notices` in one pass: on_section(i, body) for each notice in order
    (its part of the output), on_outside(text) for what the template writes before and after its loop."""
    from dibao_cli.documents.templating import MAX_OUTPUT, too_much_output

    env = templates.env(True)
    seq = _Positioned(notices, env)
    n = len(notices)
    owner, done, count = -1, 0, 0
    buffer: list[str] = []
    append = buffer.append

    def flush(upto: int) -> None:
        nonlocal done
        text = "".join(buffer)
        if 0 <= owner < n:
            on_section(owner, text)
            done = owner + 1
        else:
            on_outside(text)
        while done < min(upto, n):  # notices whose part of the output is empty
            on_section(done, "")
            done += 1

    env.reset_limits()
    try:
        pieces = templates.get(name, True).generate(notices=seq)
        for piece in pieces:
            if seq.position != owner:
                flush(seq.position)
                owner, count = seq.position, 0
                buffer.clear()
            append(piece)
            count += 1
            if not count & 63 and sum(map(len, buffer)) > MAX_OUTPUT:
                pieces.throw(too_much_output())  # raised where the template is writing: its line is known
        flush(n)
    except Exception as exc:  # noqa: BLE001 - sorted by templates.failure
        raise templates.failure(exc, name) from None


def _inlined(env, node, depth: int):
    """The template with each `{% include "name" %}` replaced by the included template's body (for the
    analysis only), or None where an include is not a plain one."""
    from jinja2 import nodes

    if depth > 8:
        return None
    for field in node.fields:
        value = getattr(node, field)
        if isinstance(value, nodes.Node):
            if _inlined(env, value, depth) is None:
                return None
        elif isinstance(value, list):
            out = []
            for child in value:
                if isinstance(child, nodes.Include):
                    if not (isinstance(child.template, nodes.Const) and isinstance(child.template.value, str)) \
                            or child.ignore_missing or not child.with_context:
                        return None
                    sub = _inlined(env, env.parse(env.loader.get_source(env, child.template.value)[0]), depth + 1)
                    if sub is None:
                        return None
                    out.extend(sub.body)
                elif isinstance(child, nodes.Node):
                    if _inlined(env, child, depth) is None:
                        return None
                    out.append(child)
                else:
                    out.append(child)
            setattr(node, field, out)
    return node


class _Frames:
    """What the template writes around one notice's part in that notice's own file (cached by the fields the
    template reads there, e.g. the title)."""

    def __init__(self, templates, name: str, fields):
        self.templates, self.name, self.fields = templates, name, fields
        self.cache: dict = {}

    def __call__(self, notice: dict, length: int = 1) -> tuple[str, str]:
        key = (length, *(str(notice.get(f)) for f in self.fields)) if self.fields is not None else None
        if key is not None and key in self.cache:
            return self.cache[key]
        outer = _Positioned([], self.templates.env(True), first=notice, length=length)
        before, after = [], []
        for piece in self.templates.stream(self.name, True, notices=outer):
            (before if outer.position < 0 else after).append(piece)
        result = "".join(before), "".join(after)
        if key is not None:
            self.cache[key] = result
        return result


def _write_file(path: str, parts, target) -> None:
    """One new file from a few pieces of bytes: open, one write, close."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        try:
            total = sum(map(len, parts))
            done = os.writev(fd, parts) if hasattr(os, "writev") else 0
            if done < total:
                view = memoryview(b"".join(parts))[done:]
                while view:
                    view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as exc:
        raise write_failed(Path(target), exc) from None


class _EncodedFrames:
    """_Frames, as UTF-8 bytes."""

    def __init__(self, frame):
        self.frame = frame
        self.cache: dict = {}

    def __call__(self, notice: dict) -> tuple[bytes, bytes]:
        head, tail = self.frame(notice)
        key = (head, tail)
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) > 64:
                self.cache.clear()
            found = self.cache[key] = (head.encode("utf-8"), tail.encode("utf-8"))
        return found


def _write_html(plan: Plan, templates, staging: Staging, progress, workers: int | None = None) -> None:
    name = "notice.html.j2"
    entries = plan.combined_entries()
    if not entries:
        return
    fast, fields = _separable(templates, name)
    frame = _Frames(templates, name, fields)
    if fast:  # the first two notices also rendered in full: on any difference, each is rendered in full
        sample = [n for _, n, _ in entries[:2]]
        parts: list[str] = []
        _sections(templates, name, sample, lambda i, body: parts.append(body), lambda text: None)
        fast = all("".join((frame(n)[0], body, frame(n)[1])) == templates.render(name, True, notices=[n])
                   for n, body in zip(sample, parts))
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(entries) >= POOL_FROM else 1
    combined = _Stream(staging, plan.combined.name)
    try:
        if fast and workers > 1:
            _write_html_pool(templates, staging, progress, workers, entries, frame, fields, combined)
        else:
            encoded = _EncodedFrames(frame)

            def section(index: int, body: str) -> None:
                data = body.encode("utf-8")
                combined.write_bytes(data)
                file, notice, now = entries[index]
                if now:
                    if fast:
                        head, tail = encoded(notice)
                        parts = [head, data, tail]
                    else:
                        parts = [templates.render(name, True, notices=[notice]).encode("utf-8")]
                    _write_file(staging.path(file), parts, staging.target(file))
                    staging.added(file)
                    if progress:
                        progress(1)

            _sections(templates, name, [n for _, n, _ in entries], section, combined.write)
    except BaseException:
        combined.abort()
        raise
    combined.finish()


_worker_html = None


def _init_html_worker(folders: list[str], name: str, fields) -> None:
    global _worker_html
    templates = _worker_templates(folders)
    _worker_html = (templates, name, _EncodedFrames(_Frames(templates, name, fields)))


def _worker_templates(folders: list[str]):
    from dibao_cli.documents.templating import Templates

    templates = Templates.__new__(Templates)
    templates.override = None
    templates.folders = [Path(f) for f in folders]
    templates._envs, templates._compiled = {}, {}
    return templates


def _render_html_chunk(chunk: list[tuple[str | None, dict]], where: str, folder: str) -> list[bytes]:
    """In a worker: each notice's part of the combined file (UTF-8), and its own file written into the run's
    private folder `where`."""
    templates, name, frame = _worker_html
    bodies: list[str] = []
    _sections(templates, name, [n for _, n in chunk], lambda i, body: bodies.append(body), lambda text: None)
    out = []
    for (file, notice), body in zip(chunk, bodies):
        data = body.encode("utf-8")
        if file is not None:
            head, tail = frame(notice)
            _write_file(os.path.join(where, file), [head, data, tail], os.path.join(folder, file))
        out.append(data)
    return out


def _write_html_pool(templates, staging: Staging, progress, workers, entries, frame, fields, combined) -> None:
    """Both cores: workers render chunks of notices and write their files; this process keeps the combined
    file in order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    head, tail = frame(entries[0][1], length=len(entries))
    combined.write(head)
    items = [(file if now else None, notice) for file, notice, now in entries]
    size = 100
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_html_worker,
                             initargs=([str(f) for f in templates.folders], "notice.html.j2", fields)) as pool:
        window = []

        def take(future, chunk):
            for (file, _), body in zip(chunk, future.result()):
                combined.write_bytes(body)
                if file is not None:
                    staging.added(file)
                    if progress:
                        progress(1)

        try:
            for chunk in chunks:  # a few chunks in flight, taken in order: memory stays flat
                window.append((pool.submit(_render_html_chunk, chunk, staging.dir, staging.folder), chunk))
                if len(window) > 2 * workers:
                    take(*window.pop(0))
            for future, chunk in window:
                take(future, chunk)
        except BaseException:
            for future, _ in window:  # nothing more is written into the private folder once it is removed
                future.cancel()
            raise
    combined.write(tail)


# ---------------------------------------------------------------- Word

_worker_template = None


def _init_worker(folders: list[str], name: str) -> None:
    global _worker_template
    _worker_template = _worker_templates(folders).word(name)


def _render_docx_chunk(chunk: list[tuple[str | None, dict]], date_time, where: str, folder: str) -> list[bytes]:
    """In a worker: each notice's document part (for the combined file), and its own file written into the
    run's private folder `where`."""
    out = []
    for file, notice in chunk:
        document = _worker_template.document_xml(_worker_template.render_body(notice))
        if file is not None:
            data = _worker_template.docx_bytes(notice, document, date_time)
            _write_file(os.path.join(where, file), [data], os.path.join(folder, file))
        out.append(document)
    return out


def _write_docx(plan: Plan, templates, staging: Staging, progress, workers: int | None) -> None:
    word = templates.word("notice.docx")
    entries = plan.combined_entries()
    if not entries:
        return
    date_time = (1980, 1, 1, 0, 0, 0)  # fixed: the same notice gives the same bytes
    combined = _CombinedDocx(word, staging, plan.combined.name, entries[0][1], date_time)
    if workers is None:  # both cores pay once there are enough notices to share
        workers = min(os.cpu_count() or 1, 4) if len(entries) >= POOL_FROM else 1
    use_pool = word.simple and workers > 1

    def one_by_one():
        for file, n, now in entries:
            document = word.document_xml(word.render_body(n)) if word.simple else None
            data = word.docx_bytes(n, document, date_time) if now or document is None else b""
            if now:
                staging.add(file, data)
            yield file if now else None, data, document

    def pooled():
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        items = [(file if now else None, n) for file, n, now in entries]
        size = 50
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                 initargs=([str(f) for f in templates.folders], "notice.docx")) as pool:
            # a few chunks in flight, taken in order: memory stays flat however many notices there are
            window = []
            try:
                for chunk in chunks:
                    window.append((pool.submit(_render_docx_chunk, chunk, date_time, staging.dir, staging.folder),
                                   chunk))
                    if len(window) > 2 * workers:
                        future, chunk = window.pop(0)
                        for (file, _), document in zip(chunk, future.result()):
                            if file is not None:
                                staging.added(file)
                            yield file, b"", document
                for future, chunk in window:
                    for (file, _), document in zip(chunk, future.result()):
                        if file is not None:
                            staging.added(file)
                        yield file, b"", document
            except BaseException:
                for future, _ in window:  # nothing more is written into the private folder once it is removed
                    future.cancel()
                raise

    try:
        for file, data, document in (pooled() if use_pool else one_by_one()):
            if file is not None and progress:
                progress(1)
            combined.add(data, document)
    except BaseException:
        combined.abort()
        raise
    combined.finish()


class _CombinedDocx:
    """All notices in one Word file for batch printing, written as they come: the template's own parts
    (styles, fonts, page setup) once, and each notice's body one after another, each in its own section
    (a new page with the template's page setup). Every notice comes from the same template, so the
    styles they use are the same styles."""

    def __init__(self, word, staging: Staging, name: str, example: dict, date_time):
        import zipfile

        self.word = word
        self.stream = _Stream(staging, name, binary=True)
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


__all__ = ["default_issuer", "choose", "ledger_kind", "write_notices", "notice_from_result", "notice_from_ledger",
           "Plan", "fingerprint", "file_names", "clean_text"]
