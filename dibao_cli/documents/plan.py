"""Where each notice goes, and the manifest of what the combined print files hold.

The plan is checked before any number is given or any file written; the manifest lets a later run into the
same folder add to the combined print file, never drop what an earlier run put there.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from dibao_cli.documents.naming import clean, decision_json, file_names, needs_cleaning
from dibao_cli.documents.staging import Staging, Stream, write_failed
from dibao_cli.errors import OutputRefused

COMBINED = "全部通知书"
MANIFEST = ".dibao-notices.jsonl"  # what the combined print files hold (so that a later run adds, never drops)


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


class Plan:
    """Where each notice goes, checked before any number is given or any file written."""

    def __init__(self, notices: list[dict], folder: Path, fmt: str, force: bool):
        self.folder = Path(folder)
        self.fmt = fmt
        self.force = force
        self.notices, self.fingerprints = [], []
        for n in notices:  # one pass in C finds the rare notice that holds a control character
            text = decision_json(n)
            if needs_cleaning(text):
                n = clean(n)
                text = decision_json(n)
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


def write_manifest(plan: Plan, staging: Staging) -> None:
    if not plan.notices and not (plan.folder / MANIFEST).exists():
        return
    import orjson

    others = [e for e in plan.manifest if e["fmt"] != plan.fmt]
    stream = Stream(staging, MANIFEST, binary=True)
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
