"""A township's import on PostgreSQL, with the database enforcing who may import which township.

A township import makes a new version of the month: this township's rows (written by the clerk, whose
row-level security lets them write their own township only) plus the month's other townships' rows of its
current version, which a township clerk can neither read nor write. Those are copied by
`dibao_open_township_month`, a SECURITY DEFINER function (owned by dibao_admin once `dibao db roles` has run,
with a fixed search_path): it refuses a township clerk any township but their own (dibao_township_users),
takes the ledger's write lock, finds the month's current version and the month before it itself (nothing of
the caller's decides which rows are copied) and returns the new version's id. `dibao_count_month` counts the
version's households and members once the clerk's rows are in.
"""

from __future__ import annotations

from dibao_cli.ledger.postgres import WRITE_LOCK

OPEN_ARGS = ("text, text, text, text, text, text, text, text, integer, text, text")
OPEN = f"dibao_open_township_month({OPEN_ARGS})"
COUNT = "dibao_count_month(bigint)"
FUNCTIONS = (OPEN, COUNT)

# the columns of a table but its import id, as the function copies them (later columns come along)
_COLUMNS = ("(SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = ('public.' || {table})::regclass AND attnum > 0 AND NOT attisdropped "
            "AND attname <> 'import_id')")

CHECK_CALLER = """
CREATE OR REPLACE FUNCTION dibao_may_import_township(p_township text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $f$
DECLARE
    mine text;
BEGIN
    SELECT township INTO mine FROM dibao_township_users WHERE db_user = session_user;
    IF FOUND THEN
        IF mine IS DISTINCT FROM p_township THEN
            RAISE EXCEPTION '数据库用户 % 是%的乡镇经办人，只能导入%的名册，不能导入“%”', session_user, mine, mine, p_township
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN;
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
            OR session_user = (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'imports')
            OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dibao_county')
                AND pg_has_role(session_user, 'dibao_county', 'MEMBER')
                AND NOT (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dibao_township')
                         AND pg_has_role(session_user, 'dibao_township', 'MEMBER'))) THEN
        RETURN;
    END IF;
    RAISE EXCEPTION '数据库用户 % 不是县局经办人，也没有登记所属乡镇，不能按乡镇导入', session_user
        USING ERRCODE = 'insufficient_privilege';
END $f$
"""

OPEN_MONTH = f"""
CREATE OR REPLACE FUNCTION dibao_open_township_month(
    p_township text, p_month text, p_assessed_on text, p_imported_at text, p_region text, p_policy_name text,
    p_policy_hash text, p_inputs text, p_skipped integer, p_dibao_version text, p_options text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
DECLARE
    existing bigint;
    previous bigint;
    new_id bigint;
    cols text;
BEGIN
    PERFORM dibao_may_import_township(p_township);
    PERFORM pg_advisory_xact_lock({WRITE_LOCK});
    IF EXISTS (SELECT 1 FROM imports WHERE month > p_month AND superseded_by IS NULL) THEN
        RAISE EXCEPTION '台账中已有 % 以后的月份，按乡镇导入只能导入最新的月份', p_month
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT id INTO existing FROM imports WHERE month = p_month AND superseded_by IS NULL;
    SELECT id INTO previous FROM imports WHERE superseded_by IS NULL AND month < p_month ORDER BY month DESC LIMIT 1;
    INSERT INTO imports (month, assessed_on, imported_at, region, policy_name, policy_hash, inputs, households,
                         members, skipped, dibao_version, options)
        VALUES (p_month, p_assessed_on, p_imported_at, p_region, p_policy_name, p_policy_hash, p_inputs, 0, 0,
                p_skipped, p_dibao_version, p_options)
        RETURNING id INTO new_id;
    IF existing IS NULL THEN
        RETURN new_id;
    END IF;
    UPDATE imports SET superseded_by = new_id WHERE id = existing;
    FOREACH cols IN ARRAY ARRAY['households', 'events'] LOOP
        EXECUTE format('INSERT INTO %1$I (import_id, %2$s) SELECT $1, %2$s FROM %1$I '
                       'WHERE import_id = $2 AND COALESCE(township, '''') <> $3', cols, {_COLUMNS.format(table="cols")})
            USING new_id, existing, p_township;
    END LOOP;
    FOREACH cols IN ARRAY ARRAY['members', 'assistance_tekun'] LOOP
        EXECUTE format('INSERT INTO %1$I (import_id, %2$s) SELECT $1, %2$s FROM %1$I WHERE import_id = $2 '
                       'AND household_id NOT IN (SELECT household_id FROM households WHERE import_id IN ($2, $4) '
                       'AND COALESCE(township, '''') = $3)', cols, {_COLUMNS.format(table="cols")})
            USING new_id, existing, p_township, COALESCE(previous, existing);
    END LOOP;
    RETURN new_id;
END $f$
"""

COUNT_MONTH = """
CREATE OR REPLACE FUNCTION dibao_count_month(p_import bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
    UPDATE imports SET households = (SELECT COUNT(*) FROM households WHERE import_id = p_import),
                       members = (SELECT COUNT(*) FROM members WHERE import_id = p_import)
    WHERE id = p_import
$f$
"""


def create_statements() -> list[str]:
    """The functions (a step of the structure); only their owner may run them until `dibao db roles`."""
    out = [CHECK_CALLER, OPEN_MONTH, COUNT_MONTH]
    out += [f"REVOKE ALL ON FUNCTION {f} FROM PUBLIC" for f in (*FUNCTIONS, "dibao_may_import_township(text)")]
    return out


def role_statements() -> list[str]:
    """With the roles: the functions run with the administrator group's rights (not a superuser's), and clerks
    may call them."""
    out = [f"ALTER FUNCTION {f} OWNER TO dibao_admin" for f in (*FUNCTIONS, "dibao_may_import_township(text)")]
    out += [f"GRANT EXECUTE ON FUNCTION {f} TO dibao_township, dibao_county" for f in FUNCTIONS]
    return out
