"""The outreach pipeline's tables: pitches and their events, contacts found on sites, the mail
queue, the suppression list and the mailbox's sync state."""

from __future__ import annotations

import sqlite3

from assistant.sql import run_script


def _outreach_001(db: sqlite3.Connection) -> None:
    run_script(
        db,
        """
        CREATE TABLE pitches (
            id INTEGER PRIMARY KEY,
            draft_key TEXT NOT NULL,               -- the draft's URL, else its resolved path
            draft_path TEXT NOT NULL,
            draft_url TEXT,
            draft_title TEXT NOT NULL,
            site TEXT NOT NULL,                    -- the site's identity (prospects.identity)
            page_url TEXT,                         -- their page being pitched
            contact TEXT,                          -- the address to write to
            contact_source TEXT,                   -- the URL it was seen on, or 'given'
            contact_role INTEGER NOT NULL DEFAULT 0,
            template TEXT NOT NULL,
            context TEXT NOT NULL,                 -- JSON: what the templates are filled from
            reasons TEXT NOT NULL DEFAULT '[]',    -- JSON: why the draft fits, in words
            subject TEXT,
            body TEXT,
            stage TEXT NOT NULL DEFAULT 'new',
            stage_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            first_sent_at TEXT,
            reply_at TEXT,
            reply_excerpt TEXT,
            won_link TEXT                          -- the linking page, when won
        );
        CREATE INDEX pitches_site ON pitches(site);
        CREATE INDEX pitches_stage ON pitches(stage);
        CREATE INDEX pitches_draft_site ON pitches(draft_key, site);
        CREATE TABLE pitch_events (
            id INTEGER PRIMARY KEY,
            pitch_id INTEGER NOT NULL REFERENCES pitches(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,                    -- created | drafted | queued | sent | followed-up | replied | ...
            detail TEXT
        );
        CREATE INDEX pitch_events_pitch ON pitch_events(pitch_id, at);
        CREATE TABLE outreach_contacts (
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL,
            email TEXT NOT NULL,
            source_url TEXT NOT NULL,
            kind TEXT NOT NULL,                    -- mailto | schema | text | author | given
            role INTEGER NOT NULL DEFAULT 0,
            name TEXT,
            on_site INTEGER NOT NULL DEFAULT 1,
            found_at TEXT NOT NULL,
            UNIQUE (site, email)
        );
        CREATE TABLE outreach_messages (
            id INTEGER PRIMARY KEY,
            pitch_id INTEGER NOT NULL REFERENCES pitches(id) ON DELETE CASCADE,
            step INTEGER NOT NULL,                 -- 0 the pitch, 1.. the follow-ups
            message_id TEXT NOT NULL UNIQUE,       -- chosen before sending: how a crash is resolved
            sender TEXT NOT NULL,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            via TEXT NOT NULL,                     -- smtp | eml
            state TEXT NOT NULL DEFAULT 'scheduled', -- scheduled | sending | sent | failed | dead | unknown | cancelled
            scheduled_at TEXT NOT NULL,
            lease_until TEXT,
            tries INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            sent_at TEXT,
            eml_path TEXT,
            UNIQUE (pitch_id, step)
        );
        CREATE INDEX outreach_messages_due ON outreach_messages(state, scheduled_at);
        CREATE TABLE suppression (
            address_hash TEXT PRIMARY KEY,         -- sha256 of the lower-cased address: kept after forget
            reason TEXT NOT NULL,                  -- opted-out | bounced | by hand
            at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE mailbox_state (
            mailbox TEXT PRIMARY KEY,
            state TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
    )


def _outreach_002(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE pitches ADD COLUMN empties INTEGER NOT NULL DEFAULT 0")  # template values left empty


MIGRATIONS = [("outreach_001_pipeline", _outreach_001), ("outreach_002_empties", _outreach_002)]
