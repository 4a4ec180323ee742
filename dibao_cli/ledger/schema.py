"""The ledger's tables. Portable SQL (no SQLite-only types); the version lives in PRAGMA user_version
for SQLite. Each migration takes the schema from version N-1 to N and runs in one transaction: either SQL
text, or a function of the connection for a step that needs more than SQL (converting stored values)."""

from __future__ import annotations

import json
import re

V1 = """
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        month TEXT NOT NULL,
        assessed_on TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        region TEXT NOT NULL,
        policy_name TEXT NOT NULL,
        policy_hash TEXT NOT NULL,
        inputs TEXT NOT NULL,
        households INTEGER NOT NULL,
        members INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        superseded_by INTEGER,
        dibao_version TEXT NOT NULL
    );
    CREATE INDEX imports_month ON imports (month);
    CREATE TABLE households (
        import_id INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        linked_from TEXT,
        township TEXT,
        village TEXT,
        head_name TEXT,
        head_id TEXT,
        area_type TEXT,
        members INTEGER NOT NULL,
        covered INTEGER NOT NULL,
        status TEXT NOT NULL,
        counted_fen INTEGER NOT NULL,
        adjusted_fen TEXT NOT NULL,
        per_capita TEXT NOT NULL,
        total_fen INTEGER,
        differential_fen INTEGER NOT NULL,
        classified_fen INTEGER NOT NULL,
        phase_out_start TEXT,
        phase_out_end TEXT,
        last_check TEXT,
        enrolled_on TEXT,
        can_work INTEGER NOT NULL,
        reasons TEXT NOT NULL,
        PRIMARY KEY (import_id, household_id)
    );
    CREATE INDEX households_id ON households (household_id);
    CREATE INDEX households_linked ON households (linked_from);
    CREATE TABLE members (
        import_id INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        id_number TEXT NOT NULL,
        name TEXT,
        relation TEXT,
        male INTEGER,
        birth TEXT,
        disability_grade INTEGER,
        labour TEXT,
        covered INTEGER NOT NULL
    );
    CREATE INDEX members_import ON members (import_id, household_id);
    CREATE TABLE events (
        import_id INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE INDEX events_household ON events (household_id);
    CREATE TABLE doc_numbers (
        prefix TEXT PRIMARY KEY,
        last INTEGER NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        os_user TEXT NOT NULL,
        command TEXT NOT NULL,
        inputs TEXT NOT NULL,
        policy_hash TEXT,
        dibao_version TEXT NOT NULL
    );
"""

# 2: casework: applications and their steps, household visits, monitor/crosscheck signals
CASEWORK = """
    CREATE TABLE case_applications (
        id INTEGER PRIMARY KEY,
        household_id TEXT NOT NULL,
        applicant TEXT NOT NULL,
        applicant_id TEXT NOT NULL,
        township TEXT NOT NULL,
        village TEXT NOT NULL,
        programmes TEXT NOT NULL,
        accepted_on TEXT NOT NULL,
        close_relative TEXT NOT NULL,
        status TEXT NOT NULL,
        closed_on TEXT,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX case_applications_key ON case_applications (household_id, accepted_on);
    CREATE TABLE case_steps (
        id INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL REFERENCES case_applications (id),
        step TEXT NOT NULL,
        on_date TEXT NOT NULL,
        people TEXT NOT NULL,
        result TEXT NOT NULL,
        note TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX case_steps_key ON case_steps (application_id, step, on_date);
    CREATE TABLE case_visits (
        id INTEGER PRIMARY KEY,
        household_id TEXT NOT NULL,
        township TEXT NOT NULL,
        village TEXT NOT NULL,
        visited_on TEXT NOT NULL,
        visitors TEXT NOT NULL,
        kind TEXT NOT NULL,
        findings TEXT NOT NULL,
        outcome TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX case_visits_key ON case_visits (household_id, visited_on, kind);
    CREATE TABLE case_signals (
        id INTEGER PRIMARY KEY,
        household_id TEXT NOT NULL,
        township TEXT NOT NULL,
        village TEXT NOT NULL,
        head_name TEXT NOT NULL,
        member TEXT NOT NULL,
        origin TEXT NOT NULL,
        code TEXT NOT NULL,
        label TEXT NOT NULL,
        figures TEXT NOT NULL,
        raised_on TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        closed_on TEXT,
        closed_by TEXT
    );
    CREATE INDEX case_signals_household ON case_signals (household_id);
"""

# 3: temporary assistance: one row per application, its decision and payment; 特困 persons of a month
ASSISTANCE = """
    CREATE TABLE assistance_cases (
        id INTEGER PRIMARY KEY,
        household_id TEXT NOT NULL,
        person TEXT NOT NULL,
        person_id TEXT NOT NULL,
        township TEXT NOT NULL,
        village TEXT NOT NULL,
        area_type TEXT NOT NULL,
        persons INTEGER NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        cause TEXT NOT NULL,
        applied_on TEXT NOT NULL,
        requested_fen INTEGER,
        status TEXT NOT NULL,
        decided_on TEXT,
        amount_fen INTEGER,
        level TEXT,
        reason TEXT NOT NULL,
        warnings TEXT NOT NULL,
        paid_on TEXT,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX assistance_cases_key ON assistance_cases (household_id, person, applied_on, cause);
    CREATE INDEX assistance_cases_decided ON assistance_cases (decided_on);
    CREATE TABLE assistance_tekun (
        import_id INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        township TEXT,
        id_number TEXT NOT NULL,
        name TEXT,
        mode TEXT NOT NULL,
        care_level TEXT,
        basic_fen INTEGER NOT NULL,
        care_fen INTEGER NOT NULL
    );
    CREATE INDEX assistance_tekun_import ON assistance_tekun (import_id);
"""

# 4: repeated texts stored once (texts), households marked when carried over unassessed, events indexed by
# month, imports waiting their turn (pending_imports), the options of an import (to compute it again);
# households and members keyed by month without a separate row id and index (a third smaller per month).
V4 = """
    CREATE TABLE texts (
        id INTEGER PRIMARY KEY,
        body TEXT NOT NULL UNIQUE
    );
    ALTER TABLE imports ADD COLUMN options TEXT;
    CREATE INDEX events_import ON events (import_id, kind);
    CREATE TABLE pending_imports (
        id INTEGER PRIMARY KEY,
        month TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL
    );
"""


def _run(db, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v4(db) -> None:
    """Reasons were stored whole on every household row (code, text and basis as JSON); now they are stored
    once in `texts` and a household keeps their ids and its own numbers (see compact_reasons)."""
    _run(db, V4)
    ids: dict[str, int] = {}

    def intern(body: str) -> int:
        found = ids.get(body)
        if found is None:
            row = db.execute("SELECT id FROM texts WHERE body = ?", (body,)).fetchone()
            found = row[0] if row else db.execute("INSERT INTO texts (body) VALUES (?)", (body,)).lastrowid
            ids[body] = found
        return found

    last = 0
    while True:
        rows = db.execute("SELECT rowid, reasons FROM households WHERE rowid > ? ORDER BY rowid LIMIT 5000",
                          (last,)).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        updates = []
        for rowid, reasons in rows:
            items = json.loads(reasons) if reasons.startswith("[") else []
            updates.append((compact_reasons(items, intern), rowid))
        db.executemany("UPDATE households SET reasons = ? WHERE rowid = ?", updates)
    _run(db, REBUILD)


# Keys lead the columns: SQLite 3.40 misreads NOT NULL columns of a WITHOUT ROWID table whose key does not.
REBUILD = """
    CREATE TABLE households_v2 (
        import_id INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        linked_from TEXT,
        township TEXT,
        village TEXT,
        head_name TEXT,
        head_id TEXT,
        area_type TEXT,
        members INTEGER NOT NULL,
        covered INTEGER NOT NULL,
        status TEXT NOT NULL,
        counted_fen INTEGER NOT NULL,
        adjusted_fen TEXT NOT NULL,
        per_capita TEXT NOT NULL,
        total_fen INTEGER,
        differential_fen INTEGER NOT NULL,
        classified_fen INTEGER NOT NULL,
        phase_out_start TEXT,
        phase_out_end TEXT,
        last_check TEXT,
        enrolled_on TEXT,
        can_work INTEGER NOT NULL,
        reasons TEXT NOT NULL,
        assessed INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (import_id, household_id)
    ) WITHOUT ROWID;
    INSERT INTO households_v2 SELECT *, 1 FROM households;
    DROP TABLE households;
    ALTER TABLE households_v2 RENAME TO households;
    CREATE INDEX households_id ON households (household_id);
    CREATE INDEX households_linked ON households (linked_from);
    CREATE TABLE members_v2 (
        import_id INTEGER NOT NULL,
        household_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        id_number TEXT NOT NULL,
        name TEXT,
        relation TEXT,
        male INTEGER,
        birth TEXT,
        disability_grade INTEGER,
        labour TEXT,
        covered INTEGER NOT NULL,
        PRIMARY KEY (import_id, household_id, seq)
    ) WITHOUT ROWID;
    INSERT INTO members_v2 (import_id, household_id, id_number, name, relation, male, birth, disability_grade, labour,
                            covered, seq)
        SELECT *, ROW_NUMBER() OVER (PARTITION BY import_id, household_id ORDER BY rowid) FROM members;
    DROP TABLE members;
    ALTER TABLE members_v2 RENAME TO members
"""


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
SLOT = "\x1f"  # where a number of the household's own goes back into a stored sentence


SPLIT = re.compile(f"({NUMBER.pattern})")  # the pieces of a sentence between its numbers, and the numbers


def compact_reasons(items, intern, memo: dict | None = None) -> str:
    """[{code, text, basis}, ...] -> 'id:n|n|n;id:...'. Each reason's code, basis and sentence with its
    numbers taken out is a row of `texts` (the same for thousands of households); the household keeps the
    id and its own numbers (amounts, dates). `memo` keeps the ids found (one import's thousands of
    households ask for the same few sentences)."""
    parts = []
    for item in items:
        text = item["text"]
        pieces = [text] if SLOT in text else SPLIT.split(text)
        template = SLOT.join(pieces[::2])
        key = (item["code"], item["basis"], template)
        text_id = memo.get(key) if memo is not None else None
        if text_id is None:
            text_id = intern(json.dumps([item["code"], item["basis"], template], ensure_ascii=False))
            if memo is not None:
                memo[key] = text_id
        parts.append(f"{text_id}:{'|'.join(pieces[1::2])}")
    return ";".join(parts)


def expand_reasons(stored: str, body_of) -> list[dict]:
    """The stored form back to [{code, text, basis}, ...]; `body_of(id)` gives a row of `texts`."""
    out = []
    for part in stored.split(";") if stored else ():
        text_id, _, numbers = part.partition(":")
        code, basis, template = json.loads(body_of(int(text_id)))
        pieces = template.split(SLOT)
        values = numbers.split("|") if numbers else []
        text = pieces[0] + "".join(v + piece for v, piece in zip(values, pieces[1:]))
        out.append({"code": code, "text": text, "basis": basis})
    return out


# 5: the monthly standard a household's income was compared to (fen; NULL for rows stored before, whose
# notices read it from the stored reason), and the document numbers of decisions (made on first use before).
V5 = """
    ALTER TABLE households ADD COLUMN standard_fen INTEGER;
    CREATE TABLE IF NOT EXISTS doc_number_decisions (
        prefix TEXT NOT NULL,
        number INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        household_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        PRIMARY KEY (prefix, number)
    );
    CREATE INDEX IF NOT EXISTS doc_number_decisions_fp ON doc_number_decisions (prefix, fingerprint)
"""

# 6: each event carries its place in its import (seq: a household's events are listed in the order the import
# found them, on every backend, whatever order the rows were written in) and its household's township (so an
# event of a household gone this month still belongs to one township: row-level security on PostgreSQL).
V6 = """
    ALTER TABLE events ADD COLUMN township TEXT;
    ALTER TABLE events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    UPDATE events SET seq = s.n FROM (SELECT rowid AS r, ROW_NUMBER() OVER (PARTITION BY import_id ORDER BY rowid) AS n
                                      FROM events) AS s WHERE s.r = events.rowid;
    UPDATE events SET township = h.township FROM households AS h
        WHERE h.import_id = events.import_id AND h.household_id = events.household_id;
    UPDATE events SET township = (SELECT h.township FROM households AS h WHERE h.household_id = events.household_id
                                  ORDER BY h.import_id DESC LIMIT 1)
        WHERE township IS NULL;
    DROP INDEX events_household;
    CREATE INDEX events_household ON events (household_id, import_id, seq)
"""

# 7: the 低保边缘 line a marginal household's income was compared to (fen; NULL for rows stored before, whose
# notices read it from the stored reason)
V7 = """
    ALTER TABLE households ADD COLUMN marginal_line_fen INTEGER
"""

# 8: who announced an import (pending_imports.db_user: the database user on a shared PostgreSQL ledger, where a
# township clerk withdraws only their own announcements; NULL for those made before, and in a SQLite file)
V8 = """
    ALTER TABLE pending_imports ADD COLUMN db_user TEXT
"""

MIGRATIONS = [V1, CASEWORK, ASSISTANCE, _v4, V5, V6, V7, V8]
VERSION = len(MIGRATIONS)
