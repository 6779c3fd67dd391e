-- Core observatory schema (SQLite). Keep in step with ../postgres/0001_core.sql:
-- same tables, same columns, same order (a test compares them).

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('ministere', 'administration', 'domaine')),
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES organisations(id),
    UNIQUE (kind, name)
);

CREATE TABLE demarches (
    id INTEGER PRIMARY KEY,
    jdma_id INTEGER UNIQUE,
    sheet_ref TEXT UNIQUE,
    legacy_id TEXT UNIQUE,
    created_at TEXT NOT NULL
);

-- Dated history of what a démarche is called, who owns it and whether it is observed.
CREATE TABLE demarche_versions (
    demarche_id INTEGER NOT NULL REFERENCES demarches(id),
    valid_from TEXT NOT NULL,
    title TEXT NOT NULL,
    ministere_id INTEGER REFERENCES organisations(id),
    administration_id INTEGER REFERENCES organisations(id),
    domaine_id INTEGER REFERENCES organisations(id),
    url TEXT,
    observed INTEGER NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (demarche_id, valid_from)
);

CREATE TABLE editions (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    quarter TEXT,
    cutoff TEXT,
    feedback_from TEXT,
    feedback_to TEXT,
    probe_from TEXT,
    probe_to TEXT,
    ruleset_id TEXT NOT NULL,
    state TEXT NOT NULL,
    current_revision INTEGER NOT NULL DEFAULT 0,
    correction_reason TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    published_at TEXT
);

-- The démarches of an edition and their descriptive fields for that edition.
CREATE TABLE edition_members (
    edition_id INTEGER NOT NULL REFERENCES editions(id),
    demarche_id INTEGER NOT NULL REFERENCES demarches(id),
    title TEXT NOT NULL,
    ministere TEXT,
    administration TEXT,
    domaine TEXT,
    url TEXT,
    audience TEXT NOT NULL DEFAULT '',
    volume_total REAL,
    volume_online REAL,
    feedback_button INTEGER,
    PRIMARY KEY (edition_id, demarche_id)
);

-- Raw values. Levels are never stored here: they are computed under the edition's rule set.
CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id),
    demarche_id INTEGER NOT NULL REFERENCES demarches(id),
    indicator TEXT NOT NULL,
    value_num REAL,
    value_text TEXT,
    sample_count INTEGER,
    source TEXT NOT NULL CHECK (source IN ('import', 'sonde', 'avis', 'testeur', 'ministere')),
    source_ref TEXT,
    window_from TEXT,
    window_to TEXT,
    author TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX measurements_by_cell ON measurements (edition_id, demarche_id, indicator, id);

-- Rule-set texts as they were when a revision was frozen, keyed by content hash.
CREATE TABLE rulesets (
    hash TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    stored_at TEXT NOT NULL
);

CREATE TABLE revisions (
    edition_id INTEGER NOT NULL REFERENCES editions(id),
    revision INTEGER NOT NULL,
    ruleset_hash TEXT NOT NULL REFERENCES rulesets(hash),
    reason TEXT,
    published_at TEXT NOT NULL,
    synthesis_json TEXT NOT NULL,
    PRIMARY KEY (edition_id, revision)
);

CREATE TABLE revision_members (
    edition_id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    demarche_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    ministere TEXT,
    administration TEXT,
    domaine TEXT,
    url TEXT,
    audience TEXT NOT NULL DEFAULT '',
    volume_total REAL,
    volume_online REAL,
    feedback_button INTEGER,
    PRIMARY KEY (edition_id, revision, demarche_id)
);

-- Frozen raw values of a published revision. `level_key` is a cache of the classification
-- under the revision's frozen rule set, used for filtering; it can always be recomputed.
CREATE TABLE revision_cells (
    edition_id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    demarche_id INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    value_num REAL,
    value_text TEXT,
    sample_count INTEGER,
    level_key TEXT NOT NULL,
    measurement_id INTEGER,
    PRIMARY KEY (edition_id, revision, demarche_id, indicator)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);

-- A published revision never changes: the database itself refuses it.
CREATE TRIGGER revisions_frozen_u BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'révision publiée : modification refusée'); END;
CREATE TRIGGER revisions_frozen_d BEFORE DELETE ON revisions BEGIN SELECT RAISE(ABORT, 'révision publiée : suppression refusée'); END;
CREATE TRIGGER revision_members_frozen_u BEFORE UPDATE ON revision_members BEGIN SELECT RAISE(ABORT, 'révision publiée : modification refusée'); END;
CREATE TRIGGER revision_members_frozen_d BEFORE DELETE ON revision_members BEGIN SELECT RAISE(ABORT, 'révision publiée : suppression refusée'); END;
CREATE TRIGGER revision_cells_frozen_u BEFORE UPDATE ON revision_cells BEGIN SELECT RAISE(ABORT, 'révision publiée : modification refusée'); END;
CREATE TRIGGER revision_cells_frozen_d BEFORE DELETE ON revision_cells BEGIN SELECT RAISE(ABORT, 'révision publiée : suppression refusée'); END;
