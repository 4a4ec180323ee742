"""A notice's values made safe for paper and file names, its file name, and its fingerprint.

Control characters never reach a notice or a file name; each household's file name is unique in the
folder, also ignoring letter case; a decision's fingerprint is everything printed except its number, date
and phone, so that re-issuing the same decision is recognised.
"""

from __future__ import annotations

import hashlib
import re

from dibao_cli.documents.notices import FILE_LABEL, safe_name


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]")
_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
# in JSON text: an escaped control character, or one JSON leaves as it is
_ESCAPED_CONTROLS = (b"\\u00", b"\\t", b"\\n", b"\\r", b"\\b", b"\\f")


def needs_cleaning(json_text: bytes) -> bool:
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


def decision_json(notice: dict) -> bytes:
    import orjson

    return orjson.dumps(dict(notice, **_VOLATILE), option=orjson.OPT_SORT_KEYS)


def fingerprint(notice: dict) -> str:
    """What makes a decision the same decision: everything printed except its number, date and phone."""
    return hashlib.sha256(decision_json(notice)).hexdigest()
