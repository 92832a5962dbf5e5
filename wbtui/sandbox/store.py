"""SQLite persistence for the sandbox: one WAL database under the data dir, plus helpers.

Other modules add their own tables with `register_tables(ddl)` (run at every start, so write
`CREATE TABLE IF NOT EXISTS`) and extra columns on shared tables with `ensure_columns`, from a
function given to `register_tables` (called with the Store at every start).
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .filters import install_sqlite_functions

Row = dict[str, Any]

CORE_TABLES = """
CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id          INTEGER PRIMARY KEY,
  username    TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL DEFAULT '',
  email       TEXT UNIQUE,
  admin       INTEGER NOT NULL DEFAULT 0,
  flags       TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  deleted_at  TEXT
);
CREATE TABLE IF NOT EXISTS api_keys (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  name        TEXT NOT NULL UNIQUE,      -- public label, never the secret
  key_hash    TEXT NOT NULL UNIQUE,      -- sha256 of the secret
  description TEXT,
  created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,  -- a username or a team name
  is_team         INTEGER NOT NULL,
  default_access  TEXT NOT NULL DEFAULT 'PRIVATE',
  created_at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  entity_id   INTEGER NOT NULL REFERENCES entities(id),
  user_id     INTEGER NOT NULL REFERENCES users(id),
  role        TEXT NOT NULL DEFAULT 'member',   -- admin | member
  created_at  TEXT NOT NULL,
  PRIMARY KEY (entity_id, user_id)
);
CREATE INDEX IF NOT EXISTS members_user ON members(user_id);
CREATE TABLE IF NOT EXISTS projects (
  id          INTEGER PRIMARY KEY,
  entity_id   INTEGER NOT NULL REFERENCES entities(id),
  name        TEXT NOT NULL,
  description TEXT,
  access      TEXT NOT NULL DEFAULT 'PRIVATE',  -- PRIVATE | ENTITY_READ | ENTITY_WRITE | USER_READ | USER_WRITE
  views       TEXT NOT NULL DEFAULT '{}',
  user_id     INTEGER REFERENCES users(id),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (entity_id, name)
);
CREATE TABLE IF NOT EXISTS sweeps (
  id          INTEGER PRIMARY KEY,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  name        TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS runs (
  id                  INTEGER PRIMARY KEY,
  project_id          INTEGER NOT NULL REFERENCES projects(id),
  name                TEXT NOT NULL,
  display_name        TEXT,
  state               TEXT NOT NULL,
  config              TEXT NOT NULL DEFAULT '{}',
  summary             TEXT NOT NULL DEFAULT '{}',
  tags                TEXT NOT NULL DEFAULT '[]',
  group_name          TEXT,
  job_type            TEXT,
  notes               TEXT,
  description         TEXT,
  user_id             INTEGER REFERENCES users(id),
  sweep_id            INTEGER REFERENCES sweeps(id),
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  heartbeat_at        TEXT,
  commit_hash         TEXT,
  host                TEXT,
  program             TEXT,
  repo                TEXT,
  exitcode            INTEGER,
  system_metrics      TEXT NOT NULL DEFAULT '{}',
  history_line_count  INTEGER NOT NULL DEFAULT 0,
  events_line_count   INTEGER NOT NULL DEFAULT 0,
  log_line_count      INTEGER NOT NULL DEFAULT 0,
  preempting          INTEGER NOT NULL DEFAULT 0,
  should_stop         INTEGER NOT NULL DEFAULT 0,
  UNIQUE (project_id, name)
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(project_id, created_at);
CREATE INDEX IF NOT EXISTS runs_heartbeat ON runs(project_id, heartbeat_at);
CREATE INDEX IF NOT EXISTS runs_live ON runs(state, heartbeat_at);
CREATE INDEX IF NOT EXISTS runs_sweep ON runs(sweep_id);
CREATE TABLE IF NOT EXISTS keysets (
  id    INTEGER PRIMARY KEY,
  keys  TEXT NOT NULL UNIQUE         -- JSON array: the sorted top-level keys of history rows
);
CREATE TABLE IF NOT EXISTS history (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  line    INTEGER NOT NULL,          -- file_stream line index: re-sent lines replace
  step    INTEGER,
  keyset  INTEGER REFERENCES keysets(id),  -- which keys the row has, for sampledHistory
  data    TEXT NOT NULL,
  PRIMARY KEY (run_id, line)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_step ON history(run_id, step, line, keyset);  -- ordered and covering for sampling
CREATE TABLE IF NOT EXISTS history_keys (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  type    TEXT NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (run_id, key, type)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  line    INTEGER NOT NULL,
  data    TEXT NOT NULL,
  PRIMARY KEY (run_id, line)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_lines (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  line       INTEGER NOT NULL,
  timestamp  TEXT,
  level      TEXT NOT NULL DEFAULT '',
  label      TEXT NOT NULL DEFAULT '',
  content    TEXT NOT NULL,
  PRIMARY KEY (run_id, line)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_files (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  size        INTEGER NOT NULL DEFAULT 0,
  md5         TEXT,
  mimetype    TEXT,
  uploaded    INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  UNIQUE (run_id, name)
);
CREATE TABLE IF NOT EXISTS alerts (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  title          TEXT NOT NULL,
  text           TEXT NOT NULL,
  severity       TEXT NOT NULL,
  wait_duration  INTEGER,
  created_at     TEXT NOT NULL
);
"""

_extra_tables: list[str | Callable[[Store], None]] = []


def register_tables(ddl: str | Callable[[Store], None]) -> None:
    """Add DDL (idempotent statements), or a function of the Store, that every Store runs when it opens."""
    if ddl not in _extra_tables:
        _extra_tables.append(ddl)


def now() -> str:
    """W&B's timestamp form: ISO-8601 UTC, seconds, no zone (sorts like time)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def json_text(value: Any) -> str:
    """JSON that SQLite's JSON functions accept: NaN and infinities become strings."""
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> Row:
    return {d[0]: v for d, v in zip(cursor.description, row)}


class Store:
    """Thread-safe access to the sandbox database: one connection per thread."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        conn = self.conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(CORE_TABLES)
        for ddl in _extra_tables:
            conn.executescript(ddl) if isinstance(ddl, str) else ddl(self)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # autocommit mode; writes group themselves with `transaction()`
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = _dict_row
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA synchronous=NORMAL")
            install_sqlite_functions(conn)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        cursor = self._tuple_cursor(sql, params)
        names = [d[0] for d in cursor.description or ()]  # once, not once a row as a row factory does
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def tuples(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        """Rows as plain tuples: much cheaper than dicts for long results."""
        return self._tuple_cursor(sql, params).fetchall()

    def _tuple_cursor(self, sql: str, params: Iterable[Any]) -> sqlite3.Cursor:
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, tuple(params))

    def one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        return self.conn.execute(sql, tuple(params)).fetchone()

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.conn.execute(sql, tuple(params)).fetchone()
        return None if row is None else next(iter(row.values()))

    def execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, tuple(params))

    def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        return self.conn.execute(sql, tuple(params)).lastrowid

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        self.conn.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested calls join the outer one."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def ensure_columns(self, table: str, columns: dict[str, str]) -> None:
        """Add missing columns (name -> SQL declaration) to an existing table."""
        have = {r["name"] for r in self.query(f"PRAGMA table_info({table})")}
        for name, decl in columns.items():
            if name not in have:
                self.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.one("SELECT value FROM settings WHERE key = ?", (key,))
        return default if row is None else row["value"]

    def set_setting(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()
