-- Issue 12, quotes (docs/sales.md, "Quotes").
--   * line_items are validated and normalised on every write (description, quantity > 0,
--     unit_price >= 0, discount 0-100 %, each line's amount computed) and total_amount is their
--     sum: the database's, whatever path writes (API, console, import, demo);
--   * lines and currency change only while the quote is a draft; a quote number never changes;
--   * numbers are allocated gapless per organization and year when a quote is sent
--     (quote_number_sequences, the invoice pattern: the counter row stays locked until commit).
CREATE TABLE quote_number_sequences (
  id              uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_number     integer NOT NULL DEFAULT 0 CHECK (last_number >= 0),
  UNIQUE (organization_id, id),
  UNIQUE (organization_id, year)
);
SELECT clientele_tenant_table('quote_number_sequences', 'SELECT, INSERT, UPDATE');

CREATE OR REPLACE FUNCTION sales_quote_lines(items jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  item jsonb; k text; i integer := 0; lines jsonb := '[]'::jsonb;
  descr text; q numeric; p numeric; d numeric;
BEGIN
  IF items IS NULL OR jsonb_typeof(items) <> 'array' THEN
    RAISE EXCEPTION 'must be a list of lines' USING ERRCODE = 'P0001', COLUMN = 'line_items';
  END IF;
  IF jsonb_array_length(items) > 200 THEN
    RAISE EXCEPTION 'has more than 200 lines' USING ERRCODE = 'P0001', COLUMN = 'line_items';
  END IF;
  FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
    i := i + 1;
    IF jsonb_typeof(item) <> 'object' THEN
      RAISE EXCEPTION 'line %: must be an object with description, quantity, unit_price and discount', i USING ERRCODE = 'P0001', COLUMN = 'line_items';
    END IF;
    FOR k IN SELECT jsonb_object_keys(item) LOOP
      IF k NOT IN ('description', 'quantity', 'unit_price', 'discount', 'amount') THEN
        RAISE EXCEPTION 'line %: unknown field % (a line has description, quantity, unit_price and discount)', i, k USING ERRCODE = 'P0001', COLUMN = 'line_items';
      END IF;
    END LOOP;
    descr := btrim(item->>'description');
    IF jsonb_typeof(item->'description') IS DISTINCT FROM 'string' OR descr = '' OR length(descr) > 500 THEN
      RAISE EXCEPTION 'line %: description is required (up to 500 characters)', i USING ERRCODE = 'P0001', COLUMN = 'line_items';
    END IF;
    IF jsonb_typeof(item->'quantity') IS DISTINCT FROM 'number' OR (item->>'quantity')::numeric <= 0 OR (item->>'quantity')::numeric > 1000000 THEN
      RAISE EXCEPTION 'line %: quantity must be a number above 0 (up to 1,000,000)', i USING ERRCODE = 'P0001', COLUMN = 'line_items';
    END IF;
    IF jsonb_typeof(item->'unit_price') IS DISTINCT FROM 'number' OR (item->>'unit_price')::numeric < 0 OR (item->>'unit_price')::numeric >= 100000000 THEN
      RAISE EXCEPTION 'line %: unit_price must be a number from 0 (below 100,000,000)', i USING ERRCODE = 'P0001', COLUMN = 'line_items';
    END IF;
    IF item ? 'discount' AND jsonb_typeof(item->'discount') <> 'null'
       AND (jsonb_typeof(item->'discount') <> 'number' OR (item->>'discount')::numeric < 0 OR (item->>'discount')::numeric > 100) THEN
      RAISE EXCEPTION 'line %: discount must be a percentage from 0 to 100', i USING ERRCODE = 'P0001', COLUMN = 'line_items';
    END IF;
    q := (item->>'quantity')::numeric;
    p := round((item->>'unit_price')::numeric, 2);
    d := coalesce((item->>'discount')::numeric, 0);
    lines := lines || jsonb_build_array(jsonb_build_object('description', descr, 'quantity', q, 'unit_price', p, 'discount', d,
                                                            'amount', round(q * p * (100 - d) / 100, 2)));
  END LOOP;
  RETURN lines;
END $$;

CREATE OR REPLACE FUNCTION sales_quote_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status <> 'draft'
     AND (NEW.line_items IS DISTINCT FROM OLD.line_items OR NEW.currency IS DISTINCT FROM OLD.currency) THEN
    RAISE EXCEPTION 'can only change while the quote is a draft (it is %)', OLD.status USING ERRCODE = 'P0001', COLUMN = 'line_items';
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.quote_number IS NOT NULL AND NEW.quote_number IS DISTINCT FROM OLD.quote_number THEN
    RAISE EXCEPTION 'is allocated once and never changes' USING ERRCODE = 'P0001', COLUMN = 'quote_number';
  END IF;
  IF TG_OP = 'INSERT' OR NEW.line_items IS DISTINCT FROM OLD.line_items THEN
    NEW.line_items := sales_quote_lines(NEW.line_items);
  END IF;
  NEW.total_amount := (SELECT coalesce(sum((l->>'amount')::numeric), 0) FROM jsonb_array_elements(NEW.line_items) l);
  IF NEW.total_amount >= 100000000 THEN
    RAISE EXCEPTION 'the lines add up to % (the limit is 99,999,999.99)', NEW.total_amount USING ERRCODE = 'P0001', COLUMN = 'line_items';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER quotes_lines_and_total BEFORE INSERT OR UPDATE ON quotes
  FOR EACH ROW EXECUTE FUNCTION sales_quote_guard();

-- The expiry job (sales.quote_expiry) finds the organizations with sent quotes past valid_until
-- here (RLS hides other tenants' rows from the app role), then works under each one's RLS.
CREATE INDEX idx_quotes_sent_valid_until ON quotes (valid_until) WHERE status = 'sent' AND deleted_at IS NULL;
CREATE OR REPLACE FUNCTION sales_orgs_with_expired_quotes()
RETURNS TABLE (organization_id uuid) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT organization_id FROM quotes WHERE status = 'sent' AND valid_until < now() AND deleted_at IS NULL
$$;
REVOKE ALL ON FUNCTION sales_orgs_with_expired_quotes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sales_orgs_with_expired_quotes() TO clientele_app;
