"""Repeated texts stored once: a reason's code, basis and sentence (its numbers taken out) is a row of
`texts`; a household keeps the ids and its own numbers (ledger/schema.py compact_reasons)."""

from __future__ import annotations

import json

from dibao_cli.ledger.schema import compact_reasons, expand_reasons


class TextStore:
    """Mixed into `Ledger`: needs `self.db` and `self.transaction()`."""

    # provisional ids of new texts count down from -(provisional_from + 1): a helper process that stages part of an
    # import (ledger/month_helper.py) numbers its own apart, and its texts are adopted before they are settled
    provisional_from = 0
    # the staged households' reasons as copied into the ledger (SQLite: through the remap settle_texts defers)
    staged_reasons = "reasons"

    def load_texts(self) -> None:
        """Known texts before an import stages its rows (new ones get provisional negative ids)."""
        self._ids = {body: tid for tid, body in self.db.execute("SELECT id, body FROM texts").fetchall()}
        self._new: dict[str, int] = {}
        self._memo: dict[tuple, int] = {}
        self._parts: dict[tuple, str] = {}
        self._foreign: dict[int, str] = {}  # a helper process's provisional id -> text (adopt_texts)

    def _local_id(self, body: str) -> int:
        found = self._ids.get(body)
        if found is None:
            found = self._new.get(body)
            if found is None:
                found = self._new[body] = -(self.provisional_from + len(self._new) + 1)
        return found

    def compact_reasons(self, reasons) -> str:
        return compact_reasons(reasons, self._local_id, self._memo)

    def compact_reason_list(self, reasons) -> str:
        """compact_reasons of an assessment's Reason objects (compact_reason_tuples)."""
        return self.compact_reason_tuples([(r.code, r.text, r.basis) for r in reasons])

    def compact_reason_tuples(self, reasons) -> str:
        """compact_reasons of (code, text, basis) reasons; each reason's stored form is kept by its code, basis and
        text (one import's households share a few thousand sentences)."""
        parts = self._parts
        if len(reasons) == 1:
            key = reasons[0]
            part = parts.get(key)
            if part is None:
                part = parts[key] = self._compact_one(key)
            return part
        out = []
        for key in reasons:
            part = parts.get(key)
            if part is None:
                part = parts[key] = self._compact_one(key)
            out.append(part)
        return ";".join(out)

    def _compact_one(self, reason) -> str:
        code, text, basis = reason
        return compact_reasons([{"code": code, "text": text, "basis": basis}], self._local_id, self._memo)

    def new_texts(self) -> dict[str, int]:
        """The texts new in this import that this process numbered from `provisional_from` on: text -> id."""
        return {body: local for body, local in self._new.items() if -local > self.provisional_from}

    def adopt_texts(self, texts: dict[str, int]) -> None:
        """The new texts of a helper process that staged rows of this import (`new_texts` there), numbered apart
        from ours: settled with ours, in the order found (ours first: the helper's households come after ours)."""
        self._foreign.update((local, body) for body, local in texts.items())

    def settle_texts(self, table: str) -> None:
        """Store the texts new in this import (one short transaction) and give the staged rows of `table`
        their ids. Texts are only ever added, so one stored by an import that later fails does no harm."""
        foreign = getattr(self, "_foreign", {})
        self.staged_reasons = "reasons"
        if not self._new and not foreign:
            return
        bodies = list(dict.fromkeys([*self._new, *foreign.values()]))
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO texts (body) VALUES (?)", [(b,) for b in bodies])
            ids = {body: db.execute("SELECT id FROM texts WHERE body = ?", (body,)).fetchone()[0] for body in bodies}
        final = {local: ids[body] for body, local in self._new.items()}
        final.update((local, ids[body]) for local, body in foreign.items())

        done: dict[str, str] = {}  # households share their stored reasons (a few thousand in a province month)

        def remap(stored: str) -> str:
            out = done.get(stored)
            if out is None:
                if not stored.startswith("-") and ";-" not in stored:  # no new text in it
                    done[stored] = stored
                    return stored
                parts = []
                for part in stored.split(";"):
                    text_id, sep, rest = part.partition(":")
                    tid = int(text_id)
                    parts.append(f"{final[tid] if tid < 0 else tid}{sep}{rest}")
                out = done[stored] = ";".join(parts)
            return out

        self._remap_reasons(table, remap)
        self._ids.update(ids)
        self._new = {}
        self._foreign = {}
        self._memo = {}  # it held provisional ids
        self._parts = {}

    def _remap_reasons(self, table: str, remap) -> None:
        self.db.create_function("dibao_remap", 1, remap, deterministic=True)
        self.db.execute(f"UPDATE {table} SET reasons = dibao_remap(reasons) "
                        "WHERE reasons LIKE '-%' OR reasons LIKE '%;-%'")

    def render_reasons(self, stored: str) -> str:
        """The stored reasons back to the JSON list of {code, text, basis} shown and printed."""
        return json.dumps(expand_reasons(stored, self._body), ensure_ascii=False)

    def _body(self, text_id: int) -> str:
        body = self._texts.get(text_id)
        if body is None:
            row = self.db.execute("SELECT body FROM texts WHERE id = ?", (text_id,)).fetchone()
            body = self._texts[text_id] = row[0] if row else '["", "", ""]'
        return body
