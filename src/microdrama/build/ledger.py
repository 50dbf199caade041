"""The ledger: every AI provider call a project made, in build/ledger.sqlite.

One row per attempt, written before the call (status ``pending``, with its estimated
cost) and finished after it, so a crash leaves evidence rather than silence, and the
budget check can count money that is in flight. SQLite in WAL mode lets build workers
in several processes write at once. API keys and request bodies are never stored:
only the request's hash, which is also its cache key.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

Status = str  # pending | ok | cached | retry | failed | budget | interrupted

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    started REAL NOT NULL,          -- unix time
    finished REAL,
    stage TEXT NOT NULL,
    episode INTEGER,
    provider TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    capability TEXT NOT NULL,
    request_key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    units REAL NOT NULL DEFAULT 0,  -- images, or characters for speech
    estimated_cost REAL NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'USD',
    latency_ms REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS calls_by_run ON calls (run_id, status);
CREATE INDEX IF NOT EXISTS calls_by_provider ON calls (provider, started);
"""


@dataclass(frozen=True)
class CallRecord:
    id: int
    run_id: str
    started: float
    finished: float | None
    stage: str
    episode: int | None
    provider: str
    kind: str
    model: str
    capability: str
    request_key: str
    attempt: int
    status: str
    prompt_tokens: int
    completion_tokens: int
    units: float
    estimated_cost: float
    cost: float
    currency: str
    latency_ms: float | None
    error: str | None


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=60000")
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An exclusive write transaction: budget and rate checks plus the insert happen atomically."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @staticmethod
    def committed_cost(db: sqlite3.Connection, run_id: str) -> float:
        """Spent plus reserved in this run: finished calls' cost and pending calls' estimates."""
        row = db.execute(
            "SELECT COALESCE(SUM(CASE WHEN status = 'pending' THEN estimated_cost ELSE cost END), 0)"
            " FROM calls WHERE run_id = ?",
            (run_id,),
        ).fetchone()
        return float(row[0])

    @staticmethod
    def recent_starts(db: sqlite3.Connection, provider: str, since: float) -> list[float]:
        rows = db.execute(
            "SELECT started FROM calls WHERE provider = ? AND started >= ? AND status != 'cached' ORDER BY started",
            (provider, since),
        ).fetchall()
        return [float(row[0]) for row in rows]

    @staticmethod
    def insert(db: sqlite3.Connection, **values: object) -> int:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = db.execute(f"INSERT INTO calls ({columns}) VALUES ({marks})", tuple(values.values()))
        return int(cursor.lastrowid or 0)

    def record(self, **values: object) -> int:
        """A finished row in one go (cache hits, budget stops)."""
        values.setdefault("finished", values.get("started", time.time()))
        with self._connect() as db:
            return self.insert(db, **values)

    def finish(self, row_id: int, status: Status, **values: object) -> None:
        values = {"status": status, "finished": time.time(), **values}
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self._connect() as db:
            db.execute(f"UPDATE calls SET {assignments} WHERE id = ?", (*values.values(), row_id))

    def mark_interrupted(self, current_run: str) -> int:
        """Pending rows of other runs were cut off by a crash or a kill: say so."""
        with self._connect() as db:
            cursor = db.execute(
                "UPDATE calls SET status = 'interrupted' WHERE status = 'pending' AND run_id != ?", (current_run,)
            )
            return cursor.rowcount

    def calls(self, *, run_id: str | None = None, limit: int | None = None) -> list[CallRecord]:
        query = "SELECT * FROM calls"
        parameters: tuple[object, ...] = ()
        if run_id is not None:
            query += " WHERE run_id = ?"
            parameters = (run_id,)
        query += " ORDER BY id"
        if limit is not None:
            query = f"SELECT * FROM ({query} DESC LIMIT {int(limit)}) ORDER BY id"
        with self._connect() as db:
            return [CallRecord(*row) for row in db.execute(query, parameters).fetchall()]
