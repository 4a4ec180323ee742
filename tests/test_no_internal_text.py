"""What dibao ships (code, policy files, templates, examples) cites public documents only: no word of the
developers' internal notes may reach a message, a policy source or a printed document."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [ROOT / "dibao_cli", ROOT / "templates", ROOT / "examples"]
FORBIDDEN = ["seed", "domain.md", "领域说明", "../shared", "shared/", "[设置]", "兴安盟", "赣州", "STYLE.md", "DEVELOPERS"]


def _files():
    for top in SHIPPED:
        for path in sorted(top.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".toml", ".j2", ".txt", ".sh", ".po", ".md", ".html"}:
                yield path


@pytest.mark.parametrize("word", FORBIDDEN)
def test_no_internal_word_in_shipped_files(word):
    hits = []
    for path in _files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if word.lower() in line.lower():
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert hits == []
