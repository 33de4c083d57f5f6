"""The schema of the durable records, as numbered migrations shared by both backends.

Each migration runs once, in its own transaction, in version order, and is recorded
in ``schema_migrations``; start-up applies whatever is missing, so running it again
changes nothing and an upgrade keeps every record. Statements are portable SQL
unless a dialect needs its own spelling (then a statement is a per-dialect mapping).
Never edit a released migration: add the next one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .sql_database import Database, Dialect, SqlSession

Statement = str | Mapping[Dialect, str]

#: pg_advisory_xact_lock key: two nodes starting at once migrate one after the other.
_MIGRATION_LOCK = 0x6D6474  # "mdt"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[Statement, ...]

    def sql_for(self, dialect: Dialect) -> list[str]:
        """The statements for ``dialect``; a mapping without it means "nothing to do there"."""
        return [
            s if isinstance(s, str) else s[dialect]
            for s in self.statements
            if isinstance(s, str) or dialect in s
        ]


_APPEND_ONLY = "the audit log is append-only"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "records",
        (
            """CREATE TABLE institutions (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                level TEXT NOT NULL,
                created_at_ms BIGINT NOT NULL
            )""",
            """CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                login TEXT NOT NULL UNIQUE,
                real_name TEXT NOT NULL,
                role TEXT NOT NULL,
                title TEXT NOT NULL,
                specialty TEXT NOT NULL,
                institution_id TEXT NOT NULL REFERENCES institutions (id),
                password_hash TEXT NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until_ms BIGINT,
                disabled_at_ms BIGINT,
                created_at_ms BIGINT NOT NULL
            )""",
            "CREATE INDEX accounts_institution ON accounts (institution_id, role)",
            """CREATE TABLE refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                family_id TEXT NOT NULL,
                account_id TEXT NOT NULL REFERENCES accounts (id),
                issued_at_ms BIGINT NOT NULL,
                expires_at_ms BIGINT NOT NULL,
                used_at_ms BIGINT,
                revoked_at_ms BIGINT
            )""",
            "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)",
            """CREATE TABLE referrals (
                id TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                status TEXT NOT NULL,
                from_institution_id TEXT NOT NULL REFERENCES institutions (id),
                to_institution_id TEXT NOT NULL REFERENCES institutions (id),
                requested_by TEXT NOT NULL REFERENCES accounts (id),
                patient_name TEXT NOT NULL,
                patient_sex TEXT NOT NULL,
                patient_birth_date TEXT NOT NULL,
                patient_id_number TEXT NOT NULL,
                summary TEXT NOT NULL,
                chief_complaint TEXT NOT NULL,
                history TEXT NOT NULL,
                reason TEXT NOT NULL,
                purpose TEXT NOT NULL,
                requested_specialties TEXT NOT NULL,
                requested_expert_ids TEXT NOT NULL,
                requested_title TEXT NOT NULL,
                proposed_at_ms BIGINT NOT NULL,
                created_at_ms BIGINT NOT NULL,
                updated_at_ms BIGINT NOT NULL,
                decided_by TEXT REFERENCES accounts (id),
                decided_at_ms BIGINT,
                decline_reason TEXT NOT NULL,
                assigned_expert_ids TEXT NOT NULL,
                scheduled_at_ms BIGINT,
                duration_minutes INTEGER,
                consultation_id TEXT UNIQUE,
                consultation_created_at_ms BIGINT,
                returned_at_ms BIGINT
            )""",
            "CREATE INDEX referrals_from ON referrals (from_institution_id, created_at_ms)",
            "CREATE INDEX referrals_to ON referrals (to_institution_id, created_at_ms)",
            # The experts of a case, as rows, so "my assigned cases" is an indexed query.
            """CREATE TABLE referral_experts (
                referral_id TEXT NOT NULL REFERENCES referrals (id),
                account_id TEXT NOT NULL REFERENCES accounts (id),
                PRIMARY KEY (referral_id, account_id)
            )""",
            "CREATE INDEX referral_experts_account ON referral_experts (account_id)",
            """CREATE TABLE attachments (
                id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL REFERENCES referrals (id),
                kind TEXT NOT NULL,
                description TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                sha256 TEXT NOT NULL,
                path TEXT NOT NULL,
                study_id TEXT NOT NULL,
                uploaded_by TEXT NOT NULL REFERENCES accounts (id),
                uploaded_at_ms BIGINT NOT NULL
            )""",
            "CREATE INDEX attachments_case ON attachments (case_id, uploaded_at_ms)",
            """CREATE TABLE consents (
                case_id TEXT NOT NULL REFERENCES referrals (id),
                kind TEXT NOT NULL,
                given_by TEXT NOT NULL,
                giver_name TEXT NOT NULL,
                method TEXT NOT NULL,
                obtained_at_ms BIGINT NOT NULL,
                form_attachment_id TEXT REFERENCES attachments (id),
                note TEXT NOT NULL,
                recorded_by TEXT NOT NULL REFERENCES accounts (id),
                recorded_at_ms BIGINT NOT NULL,
                PRIMARY KEY (case_id, kind)
            )""",
            """CREATE TABLE opinions (
                id TEXT PRIMARY KEY,
                case_id TEXT NOT NULL UNIQUE REFERENCES referrals (id),
                consultation_id TEXT NOT NULL,
                summary TEXT NOT NULL,
                imaging_review TEXT NOT NULL,
                diagnosis TEXT NOT NULL,
                recommendations TEXT NOT NULL,
                created_by TEXT NOT NULL REFERENCES accounts (id),
                created_at_ms BIGINT NOT NULL,
                updated_by TEXT NOT NULL REFERENCES accounts (id),
                updated_at_ms BIGINT NOT NULL,
                revision INTEGER NOT NULL,
                version INTEGER NOT NULL,
                signed_by TEXT REFERENCES accounts (id),
                signer_name TEXT,
                signer_title TEXT,
                signed_at_ms BIGINT,
                signature_algorithm TEXT,
                signature_key_id TEXT,
                recording_manifest_sha256 TEXT,
                signature TEXT
            )""",
            """CREATE TABLE notifications (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts (id),
                event TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at_ms BIGINT NOT NULL,
                read_at_ms BIGINT
            )""",
            "CREATE INDEX notifications_account ON notifications (account_id, created_at_ms)",
            {
                Dialect.SQLITE: """CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY,
                    at_ms BIGINT NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    object_type TEXT NOT NULL,
                    object_id TEXT NOT NULL,
                    address TEXT NOT NULL,
                    outcome TEXT NOT NULL
                )""",
                Dialect.POSTGRESQL: """CREATE TABLE audit_log (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    at_ms BIGINT NOT NULL,
                    actor_id TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    object_type TEXT NOT NULL,
                    object_id TEXT NOT NULL,
                    address TEXT NOT NULL,
                    outcome TEXT NOT NULL
                )""",
            },
        ),
    ),
    Migration(
        2,
        "audit log: append-only, searchable",
        (
            "CREATE INDEX audit_log_actor ON audit_log (actor_id, at_ms)",
            "CREATE INDEX audit_log_object ON audit_log (object_type, object_id, at_ms)",
            "CREATE INDEX audit_log_time ON audit_log (at_ms)",
            {
                Dialect.SQLITE: f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END""",
                Dialect.POSTGRESQL: f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger
                    LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$""",
            },
            {
                Dialect.SQLITE: f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END""",
                Dialect.POSTGRESQL: """CREATE TRIGGER audit_log_no_change
                    BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
            },
            {
                # PostgreSQL's TRUNCATE bypasses row triggers, so close it too (SQLite has none).
                Dialect.POSTGRESQL: """CREATE TRIGGER audit_log_no_truncate
                    BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
            },
        ),
    ),
)


async def migrate(
    database: Database, migrations: Sequence[Migration] = MIGRATIONS, target: int | None = None
) -> list[int]:
    """Apply the migrations not yet applied (up to ``target``); the versions applied now."""
    async with database.transaction() as session:
        await _lock(database, session)
        await session.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at_ms BIGINT NOT NULL
            )"""
        )
    applied: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if target is not None and migration.version > target:
            break
        async with database.transaction() as session:
            await _lock(database, session)
            done = await session.fetchrow(
                "SELECT version FROM schema_migrations WHERE version = ?", migration.version
            )
            if done is not None:
                continue
            for sql in migration.sql_for(database.dialect):
                await session.execute(sql)
            await session.execute(
                "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
                migration.version,
                migration.name,
                time.time_ns() // 1_000_000,
            )
        applied.append(migration.version)
    return applied


async def schema_version(database: Database) -> int:
    """The highest migration applied (0 for an empty database)."""
    async with database.transaction() as session:
        row = await session.fetchrow("SELECT MAX(version) AS version FROM schema_migrations")
    return int(row["version"]) if row and row["version"] is not None else 0


async def _lock(database: Database, session: SqlSession) -> None:
    # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs a lock.
    if database.dialect is Dialect.POSTGRESQL:
        await session.execute("SELECT pg_advisory_xact_lock(?)", _MIGRATION_LOCK)
