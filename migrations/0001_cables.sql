-- Cables, one row per document loaded: keyed by the name it was distributed under (a file
-- named like a cable ID, or the cables.csv ID field), else by the ID its text gives. The
-- canonical ID always comes from the text; two documents with one canonical ID (two
-- transmissions or renderings of a cable) keep separate rows, and references and pages
-- find a cable by its canonical ID.
CREATE TABLE cables (
    id              text PRIMARY KEY,
    canonical_id    text NOT NULL,
    reference_id    text NOT NULL,
    content_hash    bytea NOT NULL,
    source          text NOT NULL,
    format          text NOT NULL,
    id_source       text NOT NULL,
    sent_at         timestamptz,
    origin          text,
    post            text,
    classification  text,
    subject         text,
    tags            text[] NOT NULL DEFAULT '{}',
    countries       text[] NOT NULL DEFAULT '{}',
    recipients      jsonb NOT NULL DEFAULT '[]',
    info_recipients jsonb NOT NULL DEFAULT '[]',
    paragraphs      jsonb NOT NULL DEFAULT '[]',
    header          text NOT NULL,
    body            text NOT NULL,
    ingested_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- lz4 compresses cable text about as well as the default and loads twice as fast; servers
-- built without lz4 keep the default.
DO $$
BEGIN
    ALTER TABLE cables ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE cables ALTER COLUMN header SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression not available; using the default';
END $$;

CREATE INDEX cables_canonical_id ON cables (canonical_id);
CREATE INDEX cables_sent_at ON cables (sent_at);
CREATE INDEX cables_countries ON cables USING gin (countries);

-- References out of a cable, in REF block order. For cables, `target` is the canonical
-- ID of the cited cable; otherwise it is the text as written.
CREATE TABLE cable_refs (
    cable_id  text NOT NULL REFERENCES cables (id) ON DELETE CASCADE,
    position  int NOT NULL,
    kind      text NOT NULL,
    target    text NOT NULL,
    label     text,
    PRIMARY KEY (cable_id, position)
);

CREATE INDEX cable_refs_cited ON cable_refs (target) WHERE kind = 'cable';
