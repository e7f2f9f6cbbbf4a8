-- Commitments found by the extractor, and the analyst work on them.
--
-- Machine fields (span, actor, country, ...) are rewritten by re-extraction; analyst fields
-- (review, status, corrections) and the tables that hang off a commitment (events, links)
-- never are. A commitment is identified within its cable by the hash of its sentence, so
-- it keeps its row, its history and its links when the extractor changes, as long as the
-- extractor still finds that sentence.
CREATE TABLE commitments (
    id                bigserial PRIMARY KEY,
    cable_id          text NOT NULL REFERENCES cables (id) ON DELETE CASCADE,
    sentence_hash     text NOT NULL,

    -- Machine fields, from the extractor named in extractor_version.
    paragraph         text,
    sentence          text NOT NULL,
    start_byte        int NOT NULL,
    end_byte          int NOT NULL,
    actor             text NOT NULL,
    actor_kind        text NOT NULL,
    country           text,
    category          text NOT NULL,
    deadline          text,
    due_date          date,
    due_precision     text,
    quantity          text,
    quantity_value    double precision,
    conditional       boolean NOT NULL DEFAULT false,
    confidence        real NOT NULL,
    extractor_version text NOT NULL,
    -- False when the current extractor no longer finds this sentence but analyst work on it
    -- is kept.
    extracted         boolean NOT NULL DEFAULT true,

    -- Analyst fields.
    review            text NOT NULL DEFAULT 'proposed'
                      CHECK (review IN ('proposed', 'confirmed', 'dismissed')),
    status            text NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'in_progress', 'fulfilled',
                                        'partially_fulfilled', 'stalled', 'abandoned')),
    status_changed_at timestamptz,
    actor_fix         text,
    country_fix       text,
    category_fix      text,
    due_date_fix      date,
    -- Optimistic concurrency: every analyst change bumps it; a form carries the revision it
    -- was rendered from.
    revision          int NOT NULL DEFAULT 0,

    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),

    -- What the pages show: the analyst's correction, else the machine's value.
    eff_country       text GENERATED ALWAYS AS (COALESCE(country_fix, country)) STORED,
    eff_category      text GENERATED ALWAYS AS (COALESCE(category_fix, category)) STORED,
    eff_due_date      date GENERATED ALWAYS AS (COALESCE(due_date_fix, due_date)) STORED,
    search            tsvector GENERATED ALWAYS AS (
                          to_tsvector('english', sentence || ' ' || actor
                                      || ' ' || COALESCE(actor_fix, ''))) STORED,

    UNIQUE (cable_id, sentence_hash)
);

CREATE INDEX commitments_country_status ON commitments (eff_country, status, id);
CREATE INDEX commitments_status ON commitments (status, id);
CREATE INDEX commitments_due ON commitments (eff_due_date, id) WHERE eff_due_date IS NOT NULL;
CREATE INDEX commitments_review ON commitments (review, id);
CREATE INDEX commitments_search ON commitments USING gin (search);

-- Every analyst change, kept forever: status changes (from, to, note, evidence cable),
-- reviews, corrections, links made and removed. The current status is the latest status
-- event's `to_value`.
CREATE TABLE commitment_events (
    id                bigserial PRIMARY KEY,
    commitment_id     bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    at                timestamptz NOT NULL DEFAULT now(),
    username          text NOT NULL,
    kind              text NOT NULL
                      CHECK (kind IN ('status', 'review', 'correction', 'link', 'unlink')),
    field             text,
    from_value        text,
    to_value          text,
    note              text NOT NULL DEFAULT '',
    evidence_cable_id text REFERENCES cables (id) ON DELETE SET NULL
);

CREATE INDEX commitment_events_commitment ON commitment_events (commitment_id, id);
CREATE INDEX commitment_events_recent ON commitment_events (at DESC) WHERE kind = 'status';

-- Later cables that speak to a commitment.
CREATE TABLE commitment_links (
    id            bigserial PRIMARY KEY,
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    cable_id      text NOT NULL REFERENCES cables (id) ON DELETE CASCADE,
    kind          text NOT NULL
                  CHECK (kind IN ('follow_up', 'reiterates', 'fulfils', 'stalls', 'contradicts')),
    note          text NOT NULL DEFAULT '',
    origin        text NOT NULL DEFAULT 'analyst' CHECK (origin IN ('analyst', 'suggestion')),
    username      text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commitment_id, cable_id)
);

CREATE INDEX commitment_links_cable ON commitment_links (cable_id);

-- Commitment-like sentences that are not foreign-government commitments (refusals, missed
-- deadlines, US and third-party plans): evidence for the follow-up engine. Machine data
-- only, replaced on every extraction.
CREATE TABLE signals (
    cable_id   text NOT NULL REFERENCES cables (id) ON DELETE CASCADE,
    start_byte int NOT NULL,
    end_byte   int NOT NULL,
    kind       text NOT NULL,
    actor      text,
    sentence   text NOT NULL,
    PRIMARY KEY (cable_id, start_byte)
);

-- The extractor version each cable's commitments come from (NULL: never extracted), so that
-- ingest re-extracts a cable whose text is unchanged when the extractor is new, and
-- `ctrack reextract` finds what is stale.
ALTER TABLE cables ADD COLUMN extracted_with text;
