"""The commands of a group by name, each imported from its module the first time it is looked up (to run it or to
show its help), so that `dibao --version` and `dibao --help` start without importing every command's module and
what those import. The group's own help lists the commands from their one-line summaries."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

import click


class LazyCommands(MutableMapping):
    """name → command, in the order given. `table` maps each name to ("module:attribute", summary), the module
    under `package`, the summary being the first paragraph of the command's help: all that the group's `--help`
    shows of it (tests/test_startup.py checks every summary against its command)."""

    def __init__(self, table: dict[str, tuple[str, str]], package: str):
        self._package = package
        self._entries: dict[str, click.Command | str] = {name: where for name, (where, _) in table.items()}
        self._summaries = {name: summary for name, (_, summary) in table.items()}

    def __getitem__(self, name: str) -> click.Command:
        entry = self._entries[name]
        if isinstance(entry, str):
            module, _, attribute = entry.partition(":")
            entry = self._entries[name] = getattr(importlib.import_module(f"{self._package}.{module}"), attribute)
        return entry

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._entries[name] = command
        self._summaries.pop(name, None)

    def __delitem__(self, name: str) -> None:
        del self._entries[name]
        self._summaries.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def listed(self, name: str) -> click.Command | None:
        """What the group's help lists for `name`: the command once imported, else a stand-in carrying only its
        summary (the same short help, without importing the module)."""
        entry = self._entries.get(name)
        if entry is None or not isinstance(entry, str):
            return entry
        return click.Command(name, help=self._summaries[name])
