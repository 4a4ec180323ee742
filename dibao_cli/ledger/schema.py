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
    # casework: applications and their steps, household visits, monitor/crosscheck signals
    """
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
    """,
    # temporary assistance: one row per application, its decision and payment
    """
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
    """,
]
VERSION = len(MIGRATIONS)
