"""The record of one household's assessment as it ran: each step's inputs, the policy parameters it read (each
with its dated citation) and its result, in the order computed.

The idea is a calculation tracer's (a node per computed value, with the parameters read while computing it),
kept flat and cheap: a record is a tuple; inputs and results are the computation's own objects, held by
reference, never copied or formatted; a parameter is the resolved policy's own dated entry. Nothing is recorded
unless a trace is asked for (`dibao explain`), so assessing a province costs nothing extra. What is shown is
rendered from the record (assess/explain.py), so a line of text cannot disagree with the figure it explains.
"""

from __future__ import annotations

from typing import NamedTuple

from dibao_cli.policy import Entry, PolicyAt


class Used(NamedTuple):
    """A policy parameter read by a step: its name (policy/schema.py, or "income_items.<item>") and the dated,
    cited entry in force."""

    name: str
    entry: Entry

    @property
    def value(self):
        return self.entry.value


class Record(NamedTuple):
    """One step: what went in, which parameters it read, what came out."""

    step: str
    inputs: dict
    parameters: tuple[Used, ...]
    result: object

    def parameter(self, name: str) -> Entry:
        """The entry of a parameter this step read (KeyError when it read no such parameter)."""
        for used in self.parameters:
            if used.name == name:
                return used.entry
        raise KeyError(f"step {self.step!r} read no parameter {name!r}")


class Trace:
    """The records of one household, in order. Parameters read through `TracingPolicy` (or noted with `use`)
    belong to the next step recorded."""

    __slots__ = ("policy", "records", "_used")

    def __init__(self, policy: PolicyAt) -> None:
        self.policy = policy  # the resolved policy the records' citations are worded from
        self.records: list[Record] = []
        self._used: dict[str, Entry] = {}

    def use(self, name: str, entry: Entry | None) -> None:
        if entry is not None and name not in self._used:
            self._used[name] = entry

    def record(self, step: str, result=None, **inputs) -> Record:
        record = Record(step, inputs, tuple(Used(n, e) for n, e in self._used.items()), result)
        self._used = {}
        self.records.append(record)
        return record

    def complete(self, step: str, result, **inputs) -> Record:
        """Give the last record of `step` its result and inputs, known only after later steps (the household's
        income once 特困 members are decided); the parameters it read stay its own."""
        index = max(i for i, record in enumerate(self.records) if record.step == step)
        record = self.records[index] = self.records[index]._replace(result=result, inputs=inputs)
        return record

    def get(self, step: str) -> Record | None:
        """The last record of a step, or None when the computation never reached it."""
        for record in reversed(self.records):
            if record.step == step:
                return record
        return None

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


class TracingPolicy:
    """A resolved policy seen through a trace: every parameter a rule reads is noted for the step being recorded
    (the rules take it in place of the PolicyAt; only used when tracing)."""

    __slots__ = ("_policy", "_trace")

    def __init__(self, policy: PolicyAt, trace: Trace):
        self._policy = policy
        self._trace = trace

    @property
    def resolved(self) -> PolicyAt:
        return self._policy

    def __getattr__(self, name: str):
        value = getattr(self._policy, name)
        entry = self._policy.entries.get(name)
        if entry is not None:
            self._trace.use(name, entry)
        return value

    def entry(self, name: str) -> Entry | None:
        entry = self._policy.entry(name)
        self._trace.use(name, entry)
        return entry

    def standard_entry(self, area_type: str) -> Entry:
        entry = self._policy.standard_entry(area_type)
        self._trace.use("urban_standard_monthly" if area_type == "城市" else "rural_standard_annual", entry)
        return entry

    def annual_standard_fen(self, area_type: str):
        self.standard_entry(area_type)
        return self._policy.annual_standard_fen(area_type)

    def income_item(self, item: str):
        found = self._policy.income_item(item)
        if found is not None:
            self._trace.use(f"income_items.{item}", found[1])
        return found


def resolved(policy) -> PolicyAt:
    """The PolicyAt behind a policy that may be seen through a trace (for caches kept on the policy itself)."""
    return policy.resolved if isinstance(policy, TracingPolicy) else policy
