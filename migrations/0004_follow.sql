-- Cross-cable follow-up.
--
-- Each cable's words, for full-text search of later cables that name a commitment's key
-- terms (filled at ingest from the subject and body words, each once: positions are not
-- kept, so phrases match as all of their words).
ALTER TABLE cables ADD COLUMN search tsvector;
-- Candidates are cables about a commitment's country (a `ctrackcountryXX` word stands for
-- each of a cable's countries) that name its rare terms: the index on the words finds them. The index on countries alone goes: nothing
-- else reads it, and the planner would prefer it here, then read every cable of the
-- country (a GIN index on both columns is no better: it walks the country's long list).
CREATE INDEX cables_search ON cables USING gin (search);
DROP INDEX cables_countries;

-- Sentences of a cable that report something done ("enacted", "opened") or held up
-- ("postponed", "has yet to"): what a follow-up cable says about an earlier promise.
-- Machine data, replaced whenever the cable is stored again.
CREATE TABLE status_cues (
    cable_id   text NOT NULL REFERENCES cables (id) ON DELETE CASCADE,
    start_byte int NOT NULL,
    end_byte   int NOT NULL,
    cue        text NOT NULL CHECK (cue IN ('fulfils', 'stalls')),
    sentence   text NOT NULL,
    search     tsvector GENERATED ALWAYS AS (to_tsvector('english', sentence)) STORED,
    PRIMARY KEY (cable_id, start_byte)
);

-- How many cables each word (as the English configuration stems it) is in: telling terms
-- are rare ones. Refreshed after large loads; a little staleness does not matter.
CREATE TABLE term_stats (
    word text PRIMARY KEY,
    ndoc int NOT NULL
);

-- Proposed links from a commitment to a later cable, with the reasons, until an analyst
-- accepts or dismisses them. Recomputing updates open ones and never revives a dismissed
-- one.
CREATE TABLE suggestions (
    id            bigserial PRIMARY KEY,
    commitment_id bigint NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
    cable_id      text NOT NULL REFERENCES cables (id) ON DELETE CASCADE,
    score         real NOT NULL,
    kind          text NOT NULL
                  CHECK (kind IN ('follow_up', 'reiterates', 'fulfils', 'stalls', 'contradicts')),
    reasons       jsonb NOT NULL DEFAULT '[]',
    state         text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'accepted', 'dismissed')),
    decided_by    text,
    decided_at    timestamptz,
    computed_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commitment_id, cable_id)
);

CREATE INDEX suggestions_cable ON suggestions (cable_id);

-- Cables stored before this migration: index their whole text (new ones are indexed at
-- ingest). Their status sentences come with `ctrack reextract --all`.
UPDATE cables SET search = to_tsvector('english',
    array_to_string(ARRAY(SELECT 'ctrackcountry' || lower(c) FROM unnest(countries) c), ' ')
    || ' ' || COALESCE(subject, '') || ' ' || body);
