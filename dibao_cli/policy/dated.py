"""A region's policy: its chain of files (province first), and the value of a parameter in force on a day.

A value in force for region R at date D comes from the most specific file in R's chain that has an entry dated
on or before D. A parameter with no entry in force is an error, never a silent 0."""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass, field

from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy import schema
from dibao_cli.policy.entries import Entry, PolicyFile
from dibao_cli.policy.regions import region_name


@dataclass
class Policy:
    """The chain of policy files that apply to one region (province first)."""

    region: str
    files: list[PolicyFile]
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " + ".join(f.name for f in self.files)

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for f in self.files:
            h.update(f.digest.encode())
        return h.hexdigest()

    def entry(self, name: str, day: _dt.date) -> Entry:
        """The entry in force for parameter `name` at `day`."""
        for policy_file in reversed(self.files):
            entries = policy_file.parameters.get(name)
            if not entries:
                continue
            in_force = [e for e in entries if e.since <= day]
            if in_force:
                return in_force[-1]
        label = schema.BY_NAME[name].label
        raise PolicyInvalid(
            f"政策中没有 {day.isoformat()} 适用的“{label}”（参数 {name}）。请在本县政策文件中补上起始日期不晚于 {day.isoformat()} 的值。"
        )

    def has(self, name: str, day: _dt.date) -> bool:
        """Whether parameter `name` has a value in force at `day` in any file of the chain."""
        return any(e.since <= day for f in self.files for e in f.parameters.get(name, ()))

    def income_item(self, item: str, day: _dt.date) -> tuple[str | None, Entry] | None:
        """(category, entry) for an income item at `day`, or None when the policy does not know the item."""
        category = None
        for policy_file in reversed(self.files):
            found = policy_file.income_items.get(item)
            if found is None:
                continue
            category = category or found[0]
            in_force = [e for e in found[1] if e.since <= day]
            if in_force:
                return category, in_force[-1]
        return None

    def document(self, key: str) -> str:
        """A [documents] value from the most specific file that sets it ("" when none does)."""
        for policy_file in reversed(self.files):
            if key in policy_file.documents:
                return policy_file.documents[key]
        return ""

    def local_document(self) -> str:
        """The printable name of the county's own policy document, cited for figures no provincial document fixes."""
        return self.document("policy_document") or f"{region_name(self.region)}最低生活保障政策参数（{region_name(self.region)}民政局确定）"

    def citation(self, entry: Entry) -> str:
        """What a printed document cites for an entry: its source, or the county's own document for a default
        the county has not confirmed."""
        return entry.source if entry.confirmed else self.local_document()

    def unconfirmed(self, day: _dt.date) -> list[tuple[str, Entry]]:
        """(label, entry) for each value in force at `day` that is a default the county has not confirmed."""
        out = []
        for param in schema.PARAMETERS:
            if not self.has(param.name, day):
                continue
            entry = self.entry(param.name, day)
            if not entry.confirmed:
                out.append((param.label, entry))
        for item in self.income_item_names():
            found = self.income_item(item, day)
            if found is not None and not found[1].confirmed:
                out.append((f"收入项目“{item}”", found[1]))
        return out

    def calendar_days(self) -> dict[_dt.date, Entry]:
        """Days the policy files add to or correct in the holiday calendar (the most specific file wins)."""
        days: dict[_dt.date, Entry] = {}
        for policy_file in self.files:
            for entry in policy_file.calendar:
                days[entry.since] = entry
        return days

    def income_item_names(self) -> list[str]:
        names: dict[str, None] = {}
        for policy_file in self.files:
            for item in policy_file.income_items:
                names.setdefault(item)
        return list(names)
