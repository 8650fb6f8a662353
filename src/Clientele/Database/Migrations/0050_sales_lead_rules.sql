-- Issue 12, leads: a score for every lead (not only chat leads), computed by the database on
-- every write so that no path (API, import, chat extraction, console) can leave it stale; the
-- qualification transitions and their rules; a lookup by email for dedupe and conversion.
-- docs/sales.md explains the score and the rules.

-- The score's parts, one row each, with the reason a rep reads. The trigger sums them; GET
-- /api/v1/leads/{id}/score shows them. A lead the AI read in a chat (extra_metadata.total_score,
-- issue 5) takes the conversation as its profile: its budget, need and timeline fields were
-- derived from that same reading, so they are not counted twice.
CREATE OR REPLACE FUNCTION sales_lead_score_parts(l leads)
RETURNS TABLE (component text, points integer, max_points integer, reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  b text := lower(btrim(coalesce(l.budget, '')));
  a text := lower(btrim(coalesce(l.authority, '')));
  t text := lower(btrim(coalesce(l.timeline, '')));
  ti text := lower(coalesce(l.title, ''));
  seats integer;
  acts integer; demos integer; chat integer;
BEGIN
  IF l.extra_metadata ? 'total_score' AND jsonb_typeof(l.extra_metadata->'total_score') = 'number' THEN
    chat := (l.extra_metadata->>'total_score')::integer;
    component := 'conversation'; max_points := 100;
    points := least(100, greatest(0, (chat - 5) * 10));
    reason := format('the chat''s lead extraction: %s, %s of 15 (intent, urgency, budget, fit, engagement)',
                     coalesce(l.extra_metadata->>'lead_status_tag', 'unrated'), chat);
    RETURN NEXT;
  ELSE
    component := 'budget'; max_points := 20;
    IF b = '' OR b IN ('unknown', 'not discussed') THEN points := 0; reason := 'budget not known yet';
    ELSIF b IN ('no', 'none', 'no budget') THEN points := 0; reason := 'has no budget';
    ELSIF b IN ('maybe', 'pending', 'unclear', 'tbd') THEN points := 10; reason := 'budget not confirmed yet';
    ELSIF b IN ('yes', 'approved', 'allocated', 'confirmed') OR b ~ '[0-9]' THEN points := 20; reason := format('has a budget (%s)', l.budget);
    ELSE points := 10; reason := format('budget stated as "%s"', l.budget);
    END IF;
    RETURN NEXT;

    component := 'authority'; max_points := 20;
    IF a IN ('decision_maker', 'decision maker', 'yes', 'high', 'economic_buyer', 'budget_holder') THEN
      points := 20; reason := 'decision maker';
    ELSIF a IN ('influencer', 'champion', 'recommender', 'medium', 'evaluator') THEN
      points := 10; reason := format('%s, not the decision maker', a);
    ELSIF ti ~ '(^|[^a-z])(chief|ceo|cto|cfo|coo|cmo|cro|founder|co-founder|owner|president|vp|vice president|head)([^a-z]|$)' THEN
      points := 15; reason := format('title "%s" suggests a decision maker', l.title);
    ELSIF ti ~ '(director|manager|lead)' THEN
      points := 8; reason := format('title "%s" suggests an influencer', l.title);
    ELSE points := 0; reason := 'authority not known yet';
    END IF;
    RETURN NEXT;

    component := 'need'; max_points := 20;
    IF l.need_score IS NULL THEN points := 0; reason := 'need not assessed yet';
    ELSE points := round(l.need_score * 20)::integer; reason := format('need score %s of 1', l.need_score);
    END IF;
    RETURN NEXT;

    component := 'timeline'; max_points := 15;
    IF t = '' OR t IN ('unknown', 'no rush stated', 'no rush', 'none') THEN points := 0; reason := 'no timeline stated';
    ELSIF t ~ '(urgent|immediate|asap|now|this_month|this month|this week)' THEN points := 15; reason := format('wants it %s', replace(t, '_', ' '));
    ELSIF t ~ '(soon|this_quarter|this quarter|next_month|next month|30)' THEN points := 10; reason := format('timeline: %s', replace(t, '_', ' '));
    ELSIF t ~ '(next_quarter|next quarter|this_year|this year|6 months|90)' THEN points := 6; reason := format('timeline: %s', replace(t, '_', ' '));
    ELSE points := 3; reason := format('timeline: %s', replace(t, '_', ' '));
    END IF;
    RETURN NEXT;

    component := 'company'; max_points := 10;
    seats := CASE WHEN jsonb_typeof(l.extra_metadata->'seats') = 'number' THEN (l.extra_metadata->>'seats')::integer END;
    IF seats IS NULL AND l.customer_id IS NOT NULL THEN
      SELECT c.company_size INTO seats FROM customers c WHERE c.organization_id = l.organization_id AND c.id = l.customer_id;
    END IF;
    IF seats >= 20 THEN points := 10; reason := format('a team of %s', seats);
    ELSIF seats >= 5 THEN points := 6; reason := format('a team of %s', seats);
    ELSIF seats IS NOT NULL THEN points := 2; reason := format('a team of only %s', seats);
    ELSIF coalesce(l.company, '') <> '' THEN points := 4; reason := format('works at %s (size unknown)', l.company);
    ELSIF l.email ~* '@' AND l.email !~* '@(gmail|googlemail|yahoo|hotmail|outlook|live|msn|icloud|me|aol|proton(mail)?|gmx|yandex)\.' THEN
      points := 2; reason := 'writes from a work email';
    ELSE points := 0; reason := 'company and size unknown';
    END IF;
    RETURN NEXT;
  END IF;

  -- Activity: completed sales activities on the lead or its deals (a demo or meeting counts double).
  SELECT count(*), count(*) FILTER (WHERE sa.activity_type IN ('demo', 'meeting'))
    INTO acts, demos
  FROM sales_activities sa
  WHERE sa.organization_id = l.organization_id AND sa.deleted_at IS NULL AND sa.completed_at IS NOT NULL
    AND (sa.lead_id = l.id OR sa.deal_id IN (SELECT d.id FROM deals d WHERE d.organization_id = l.organization_id AND d.lead_id = l.id));
  component := 'activity'; max_points := 15;
  points := least(15, 3 * acts + 3 * demos);
  reason := CASE WHEN acts = 0 THEN 'no completed activity yet'
                 ELSE format('%s completed %s%s', acts, CASE WHEN acts = 1 THEN 'activity' ELSE 'activities' END,
                             CASE WHEN demos > 0 THEN format(' (%s demo or meeting)', demos) ELSE '' END) END;
  RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION sales_lead_score(l leads) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT least(100, greatest(0, coalesce(sum(p.points), 0)))::integer FROM sales_lead_score_parts(l) p
$$;

-- Qualification: new → mql → sql → qualified, disqualified from any open status (with a reason),
-- disqualified → new (reopened), back to an earlier open status (a rep's correction), converted
-- only with its customer and never undone. While the AI owns a chat lead (new/mql/sql), the chat
-- extraction moves it between those three (LeadRecords).
CREATE OR REPLACE FUNCTION sales_lead_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  o text := CASE WHEN TG_OP = 'UPDATE' THEN OLD.qualification_status END;
  n text := NEW.qualification_status;
  ord text[] := ARRAY['new', 'mql', 'sql', 'qualified'];
BEGIN
  IF TG_OP = 'UPDATE' AND o IS NOT DISTINCT FROM n THEN
    NEW.lead_score := sales_lead_score(NEW);
    RETURN NEW;
  END IF;
  IF n = 'converted' AND NEW.converted_to_customer_id IS NULL THEN
    RAISE EXCEPTION 'A converted lead needs the customer it converted to (use POST /api/v1/leads/{id}/convert).'
      USING ERRCODE = 'P0001', COLUMN = 'converted_to_customer_id';
  END IF;
  IF n = 'disqualified' AND coalesce(btrim(NEW.extra_metadata->>'disqualified_reason'), '') = '' THEN
    RAISE EXCEPTION 'Disqualifying a lead needs a reason (extra_metadata.disqualified_reason, or POST /api/v1/leads/{id}/disqualify {reason}).'
      USING ERRCODE = 'P0001', COLUMN = 'reason';
  END IF;
  IF TG_OP = 'UPDATE' THEN
    IF o = 'converted' THEN
      RAISE EXCEPTION 'The lead is converted: its qualification can no longer change.' USING ERRCODE = 'CL409', COLUMN = 'qualification_status';
    END IF;
    IF n = 'converted' AND o = 'disqualified' THEN
      RAISE EXCEPTION 'The lead is disqualified: reopen it before converting.' USING ERRCODE = 'CL409', COLUMN = 'qualification_status';
    END IF;
    IF o = 'disqualified' AND n <> 'new' THEN
      RAISE EXCEPTION 'The lead is disqualified: it can only be reopened as new.' USING ERRCODE = 'CL409', COLUMN = 'qualification_status';
    END IF;
    IF n = ANY (ord) AND o = ANY (ord) AND array_position(ord, n) > array_position(ord, o) + 1
       AND NOT (NEW.conversation_id IS NOT NULL AND n IN ('mql', 'sql')) THEN
      RAISE EXCEPTION 'A lead moves one step at a time (new → mql → sql → qualified): % cannot become %.', o, n
        USING ERRCODE = 'CL409', COLUMN = 'qualification_status';
    END IF;
    IF n = 'mql' AND array_position(ord, o) < 2 AND coalesce(NEW.email, '') = '' AND coalesce(NEW.phone, '') = '' THEN
      RAISE EXCEPTION 'A marketing-qualified lead needs a way to reach it: an email or a phone.' USING ERRCODE = 'P0001', COLUMN = 'email';
    END IF;
    IF n = 'sql' AND array_position(ord, o) < 3 AND NEW.conversation_id IS NULL AND NEW.need_score IS NULL THEN
      RAISE EXCEPTION 'A sales-qualified lead needs its need assessed (need_score).' USING ERRCODE = 'P0001', COLUMN = 'need_score';
    END IF;
    IF n = 'qualified' AND (coalesce(NEW.budget, '') = '' OR coalesce(NEW.authority, '') = '' OR coalesce(NEW.timeline, '') = '') THEN
      RAISE EXCEPTION 'A qualified lead needs its budget, authority and timeline known (BANT).' USING ERRCODE = 'P0001',
        COLUMN = CASE WHEN coalesce(NEW.budget, '') = '' THEN 'budget' WHEN coalesce(NEW.authority, '') = '' THEN 'authority' ELSE 'timeline' END;
    END IF;
    IF n = 'qualified' AND NEW.assigned_to IS NULL THEN
      RAISE EXCEPTION 'A qualified lead needs an owner (assigned_to).' USING ERRCODE = 'P0001', COLUMN = 'assigned_to';
    END IF;
  END IF;
  IF n = 'converted' AND NEW.converted_at IS NULL THEN NEW.converted_at := now(); END IF;
  NEW.lead_score := sales_lead_score(NEW);
  RETURN NEW;
END $$;
CREATE TRIGGER leads_guard_and_score BEFORE INSERT OR UPDATE ON leads
  FOR EACH ROW EXECUTE FUNCTION sales_lead_guard();

-- An activity changes the score of its lead (and of the lead of its deal).
CREATE OR REPLACE FUNCTION sales_activity_rescore() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE org uuid := coalesce(NEW.organization_id, OLD.organization_id);
BEGIN
  UPDATE leads l SET lead_score = sales_lead_score(l)
  WHERE l.organization_id = org AND l.deleted_at IS NULL
    AND (l.id IN (NEW.lead_id, OLD.lead_id)
         OR l.id IN (SELECT d.lead_id FROM deals d WHERE d.organization_id = org AND d.id IN (NEW.deal_id, OLD.deal_id)))
    AND l.lead_score IS DISTINCT FROM sales_lead_score(l);
  RETURN NULL;
END $$;
CREATE TRIGGER sales_activities_rescore AFTER INSERT OR UPDATE OR DELETE ON sales_activities
  FOR EACH ROW EXECUTE FUNCTION sales_activity_rescore();

-- Every existing lead gets its score under these rules (the trigger computes it).
UPDATE leads SET lead_score = lead_score;

-- Dedupe and conversion look leads up by email, case-insensitively.
CREATE INDEX idx_leads_email_lower ON leads (organization_id, lower(email)) WHERE deleted_at IS NULL;
