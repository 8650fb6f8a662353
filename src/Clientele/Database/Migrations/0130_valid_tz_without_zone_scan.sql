-- clientele_valid_tz read pg_timezone_names, which scans the whole time zone database on every
-- call (about 100 ms): every notification paid it, and a health sweep proposing save plays spent
-- most of its approval time there. The names are now in the function itself, taken from
-- pg_timezone_names when this migration runs. A name PostgreSQL cannot parse is UTC at once; a
-- name it parses that is not in the list (a zone added by a later tzdata) still gets the exact
-- check, so the answers are the old function's.
DO $do$
BEGIN
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION clientele_valid_tz(p_tz text) RETURNS text LANGUAGE plpgsql STABLE AS $fn$
    BEGIN
      IF p_tz IS NULL THEN RETURN 'UTC'; END IF;
      IF p_tz = ANY (%L::text[]) THEN RETURN p_tz; END IF;
      BEGIN
        PERFORM now() AT TIME ZONE p_tz;
      EXCEPTION WHEN OTHERS THEN
        RETURN 'UTC';
      END;
      RETURN coalesce((SELECT name FROM pg_timezone_names WHERE name = p_tz LIMIT 1), 'UTC');
    END
    $fn$ $f$, (SELECT array_agg(name ORDER BY name) FROM pg_timezone_names));
END
$do$;
