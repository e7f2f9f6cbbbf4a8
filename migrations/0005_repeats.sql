-- A commitment repeated across cables is grouped: the later mention points at the first
-- (`repeat_of`), the first gets a `reiterates` link to the later cable (origin `repeat`,
-- made by the follow-up engine), and per-country counts and summaries count the promise
-- once. An analyst who removes that link ungroups the two for good.
ALTER TABLE commitments ADD COLUMN repeat_of bigint REFERENCES commitments (id) ON DELETE SET NULL;
CREATE INDEX commitments_repeat_of ON commitments (repeat_of) WHERE repeat_of IS NOT NULL;

ALTER TABLE commitment_links DROP CONSTRAINT commitment_links_origin_check;
ALTER TABLE commitment_links ADD CONSTRAINT commitment_links_origin_check
    CHECK (origin IN ('analyst', 'suggestion', 'repeat'));
