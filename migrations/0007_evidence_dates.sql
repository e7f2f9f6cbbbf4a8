-- The newest evidence date kept on each commitment (0006) followed links and status changes
-- but not the evidence cables themselves: a re-ingest that corrected an evidence cable's
-- date left the stale flag computed from the old one. A change of a cable's date now
-- refreshes the commitments it is evidence for.
CREATE FUNCTION ctrack_cable_date_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ctrack_refresh_last_evidence(x.commitment_id)
    FROM (SELECT commitment_id FROM commitment_links WHERE cable_id = NEW.id
          UNION
          SELECT commitment_id FROM commitment_events WHERE evidence_cable_id = NEW.id) x;
    RETURN NULL;
END;
$$;

CREATE TRIGGER cables_last_evidence
    AFTER UPDATE OF sent_at ON cables
    FOR EACH ROW WHEN (OLD.sent_at IS DISTINCT FROM NEW.sent_at)
    EXECUTE FUNCTION ctrack_cable_date_trigger();

-- The trigger's lookup (and a cable's deletion, which clears the references to it).
CREATE INDEX commitment_events_evidence ON commitment_events (evidence_cable_id)
    WHERE evidence_cable_id IS NOT NULL;
