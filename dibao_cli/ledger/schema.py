"""The ledger's tables. Portable SQL (no SQLite-only types); the version lives in PRAGMA user_version
for SQLite. Each migration takes the schema from version N-1 to N and runs in one transaction."""

MIGRATIONS = [
    # 1: months, households, members, events, audit log
    """
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
    """,
]
VERSION = len(MIGRATIONS)
