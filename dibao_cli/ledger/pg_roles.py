"""Who may do what in a shared PostgreSQL ledger, enforced by the database itself.

Four group roles; a person logs in as their own database user, made a member of one of them:
- dibao_township: a township clerk. Sees only the households of their township (row-level security on
  `township`; members and application steps through their household), records applications, steps and
  visits for it, and imports its roster into a month (`import --township`: its own rows only, the other
  townships copied by a function of the administrator's, ledger/pg_township.py); cannot change decisions,
  import another township or touch the audit log (of which they read only the entries they wrote), and
  withdraws only the import announcements they made (`pending_imports`).
- dibao_county: a county clerk. All townships; imports months, issues notices (document numbers), approves.
- dibao_auditor: reads everything, the audit log included; writes nothing.
- dibao_admin: the county clerk's rights plus the structure (dibao db upgrade) and the roles.
Which township a clerk belongs to is a row of `dibao_township_users` (written by `dibao db roles`).

Every change to a ledger table is recorded in `audit_changes` with the database user (a statement-level
trigger that runs with the owner's rights); `audit` rows carry the database user as well. Nobody but the
administrator may alter or delete either log, and a clerk cannot put another user's name on an entry.
"""

from __future__ import annotations

from dibao_cli.ledger import pg_township
from dibao_cli.ledger.pg_schema import LEDGER_TABLES

GROUPS = ("dibao_township", "dibao_county", "dibao_auditor", "dibao_admin")
# tables with a township column of their own, and tables that belong to a household of one
TOWNSHIP_TABLES = ("households", "events", "assistance_tekun", "assistance_cases", "case_applications",
                   "case_visits", "case_signals")
OWN = "township IN (SELECT township FROM dibao_township_users WHERE db_user = session_user)"
THROUGH_HOUSEHOLD = {
    "members": "EXISTS (SELECT 1 FROM households h WHERE h.import_id = members.import_id "
               "AND h.household_id = members.household_id)",
    "case_steps": "EXISTS (SELECT 1 FROM case_applications a WHERE a.id = case_steps.application_id)",
    # a document's number and kind for a household: the township's whose household it is (in any month)
    "doc_number_decisions": "EXISTS (SELECT 1 FROM households h WHERE h.household_id = doc_number_decisions.household_id)",
}
TOWNSHIP_WRITES = ("case_applications", "case_steps", "case_visits")  # a township clerk's own casework
TOWNSHIP_IMPORTS = ("households", "members", "events", "assistance_tekun")  # a township's rows of a month
LOGS = ("audit", "audit_changes")


def setup_statements() -> list[str]:
    """Idempotent: the group roles' rights, row-level security, the change log and its protection."""
    out = [f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{g}') THEN CREATE ROLE {g} NOLOGIN; "
           f"END IF; END $$" for g in GROUPS]
    out += [
        "GRANT dibao_county TO dibao_admin",
        "CREATE TABLE IF NOT EXISTS dibao_township_users (db_user TEXT PRIMARY KEY, township TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS audit_changes (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "at TIMESTAMPTZ NOT NULL DEFAULT now(), db_user TEXT NOT NULL DEFAULT session_user, "
        "table_name TEXT NOT NULL, operation TEXT NOT NULL)",
        # who wrote an entry is the database's to say, not the writer's
        "CREATE OR REPLACE FUNCTION dibao_stamp_user() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN NEW.db_user := session_user; RETURN NEW; END $$",
        "DROP TRIGGER IF EXISTS audit_user ON audit",
        "CREATE TRIGGER audit_user BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION dibao_stamp_user()",
        "CREATE OR REPLACE FUNCTION dibao_log_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        "SET search_path = public AS $$ BEGIN INSERT INTO audit_changes (table_name, operation) "
        "VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END $$",
        # the logs are appended to, never altered: only the administrator may (e.g. to archive old years)
        "CREATE OR REPLACE FUNCTION dibao_keep_log() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF pg_has_role(session_user, 'dibao_admin', 'MEMBER') THEN RETURN COALESCE(NEW, OLD); END IF; "
        "RAISE EXCEPTION 'dibao: the audit log cannot be altered' USING ERRCODE = 'insufficient_privilege'; END $$",
    ]
    for table in LOGS:
        out += [f"DROP TRIGGER IF EXISTS {table}_kept ON {table}",
                f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION dibao_keep_log()",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION dibao_keep_log()"]
    for table in LEDGER_TABLES:
        if table in LOGS:
            continue
        out += [f"DROP TRIGGER IF EXISTS {table}_changes ON {table}",
                f"CREATE TRIGGER {table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dibao_log_change()"]
    everything = ", ".join((*LEDGER_TABLES, "audit_changes", "dibao_township_users"))
    out += [f"REVOKE ALL ON {everything} FROM PUBLIC",
            f"GRANT SELECT ON {everything} TO dibao_auditor",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(t for t in LEDGER_TABLES if t not in LOGS)} "
            "TO dibao_county",
            "GRANT SELECT, INSERT ON audit TO dibao_county, dibao_township",
            "GRANT SELECT ON audit_changes TO dibao_county",
            "GRANT SELECT ON dibao_township_users TO dibao_township, dibao_county",
            f"GRANT SELECT ON dibao_schema TO {', '.join(GROUPS)}",
            "GRANT ALL ON dibao_township_users, audit, audit_changes TO dibao_admin",
            "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO dibao_county, dibao_township",
            f"GRANT SELECT ON {', '.join(t for t in LEDGER_TABLES if t not in LOGS)} TO dibao_township",
            f"GRANT INSERT, UPDATE ON {', '.join(TOWNSHIP_WRITES)} TO dibao_township",
            f"GRANT INSERT ON {', '.join(TOWNSHIP_IMPORTS)} TO dibao_township",
            "GRANT INSERT ON texts TO dibao_township",
            "GRANT INSERT, DELETE ON pending_imports TO dibao_township",
            *pg_township.role_statements()]
    for table in (*TOWNSHIP_TABLES, *THROUGH_HOUSEHOLD):
        rule = check = THROUGH_HOUSEHOLD.get(table, OWN)
        if table in TOWNSHIP_IMPORTS:  # a township's rows of a month go into the newest version only (its import's)
            check = f"{rule} AND import_id = (SELECT MAX(id) FROM imports)"
        out += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                f"DROP POLICY IF EXISTS county_all ON {table}",
                f"CREATE POLICY county_all ON {table} TO dibao_county, dibao_admin USING (true) WITH CHECK (true)",
                f"DROP POLICY IF EXISTS auditor_read ON {table}",
                f"CREATE POLICY auditor_read ON {table} FOR SELECT TO dibao_auditor USING (true)",
                f"DROP POLICY IF EXISTS township_own ON {table}",
                f"CREATE POLICY township_own ON {table} TO dibao_township USING ({rule}) WITH CHECK ({check})"]
    # imports announced (pending_imports): a township clerk reads them all (to wait for the earlier months) and
    # withdraws only their own, stamped with their name by the database (another's is never theirs to remove)
    # (an announcement made before this structure has no user: whoever made it may withdraw it)
    out += ["DROP TRIGGER IF EXISTS pending_imports_user ON pending_imports",
            "CREATE TRIGGER pending_imports_user BEFORE INSERT ON pending_imports FOR EACH ROW "
            "EXECUTE FUNCTION dibao_stamp_user()",
            "ALTER TABLE pending_imports ENABLE ROW LEVEL SECURITY",
            "DROP POLICY IF EXISTS county_all ON pending_imports",
            "CREATE POLICY county_all ON pending_imports TO dibao_county, dibao_admin USING (true) WITH CHECK (true)",
            "DROP POLICY IF EXISTS auditor_read ON pending_imports",
            "CREATE POLICY auditor_read ON pending_imports FOR SELECT TO dibao_auditor USING (true)",
            "DROP POLICY IF EXISTS township_reads ON pending_imports",
            "CREATE POLICY township_reads ON pending_imports FOR SELECT TO dibao_township USING (true)",
            "DROP POLICY IF EXISTS township_announces ON pending_imports",
            "CREATE POLICY township_announces ON pending_imports FOR INSERT TO dibao_township "
            "WITH CHECK (db_user = session_user)",
            "DROP POLICY IF EXISTS township_withdraws ON pending_imports",
            "CREATE POLICY township_withdraws ON pending_imports FOR DELETE TO dibao_township "
            "USING (db_user = session_user OR db_user IS NULL)"]
    # the audit log: a township clerk reads the entries they wrote themselves, nobody else's
    out += ["ALTER TABLE audit ENABLE ROW LEVEL SECURITY",
            "DROP POLICY IF EXISTS everyone_reads ON audit",
            "CREATE POLICY everyone_reads ON audit FOR SELECT TO dibao_county, dibao_admin, dibao_auditor USING (true)",
            "DROP POLICY IF EXISTS everyone_writes ON audit",
            "CREATE POLICY everyone_writes ON audit FOR INSERT TO dibao_county, dibao_admin, dibao_township "
            "WITH CHECK (db_user = session_user)",
            "DROP POLICY IF EXISTS admin_keeps ON audit",
            "CREATE POLICY admin_keeps ON audit FOR UPDATE TO dibao_admin USING (true) WITH CHECK (true)",
            "DROP POLICY IF EXISTS admin_archives ON audit",
            "CREATE POLICY admin_archives ON audit FOR DELETE TO dibao_admin USING (true)",
            "DROP POLICY IF EXISTS township_own ON audit",
            "CREATE POLICY township_own ON audit FOR SELECT TO dibao_township USING (db_user = session_user)"]
    return out


def member_statements(township_clerks: dict[str, str], county: list[str], auditors: list[str],
                      admins: list[str]) -> list[tuple[str, tuple]]:
    """Make existing database users members of the groups (and record a township clerk's township)."""
    out: list[tuple[str, tuple]] = []
    for user, township in township_clerks.items():
        out += [(f'GRANT dibao_township TO "{_name(user)}"', ()),
                ("INSERT INTO dibao_township_users (db_user, township) VALUES (?, ?) "
                 "ON CONFLICT (db_user) DO UPDATE SET township = EXCLUDED.township", (user, township))]
    for group, users in (("dibao_county", county), ("dibao_auditor", auditors), ("dibao_admin", admins)):
        out += [(f'GRANT {group} TO "{_name(u)}"', ()) for u in users]
    return out


def _name(user: str) -> str:
    return user.replace('"', '""')
