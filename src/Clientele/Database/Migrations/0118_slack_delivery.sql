-- Issue 13 item 4: Slack. A user's connection (seed 003's slack_connections, one per user) says
-- where their notifications go: a channel, or a DM from the bot to the Slack user who installed it
-- (slack_user_id). Which types go there is the user's notification_preferences.slack_enabled, so
-- in-app, email and Slack are chosen on the same row per type (Slack off unless chosen).
ALTER TABLE slack_connections
  ADD COLUMN slack_user_id     text,
  ADD COLUMN channel_id        text,
  ADD COLUMN last_delivered_at timestamptz,
  ADD COLUMN last_error        text;
ALTER TABLE notification_preferences ADD COLUMN slack_enabled boolean NOT NULL DEFAULT false;

-- The dispatcher of 0090 plus the Slack delivery: per recipient whose preference for the type has
-- slack_enabled and who has a connection with a bot token, one outbox row notifications.slack
-- (the content is copied, like the email's: it is owed even when the in-app copy is off).
CREATE OR REPLACE FUNCTION clientele_notify(p_org uuid, p_users uuid[], p_roles text[], p_type text, p_category text,
  p_title text, p_message text, p_data jsonb DEFAULT NULL, p_link text DEFAULT NULL, p_quiet interval DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  r       record;
  n_id    uuid;
  e_id    uuid;
  reached integer := 0;
  tz      text;
BEGIN
  IF p_quiet IS NOT NULL AND p_quiet > interval '0' AND (
       EXISTS (SELECT 1 FROM notifications n WHERE n.organization_id = p_org AND n.category = p_category AND n.created_at > now() - p_quiet)
    OR EXISTS (SELECT 1 FROM notification_emails e WHERE e.organization_id = p_org AND e.category = p_category AND e.created_at > now() - p_quiet)) THEN
    RETURN 0;
  END IF;
  SELECT o.settings->>'timezone' INTO tz FROM organizations o WHERE o.id = p_org;
  FOR r IN
    SELECT u.id, nullif(u.preferences->>'timezone', '') AS timezone, coalesce(p.in_app_enabled, true) AS in_app,
           CASE WHEN coalesce(p.email_enabled, true) THEN coalesce(p.email_frequency, 'immediate') ELSE 'never' END AS frequency,
           CASE WHEN coalesce(p.slack_enabled, false) THEN sc.id END AS slack_connection
    FROM users u
    LEFT JOIN notification_preferences p ON p.organization_id = u.organization_id AND p.user_id = u.id AND p.notification_type = p_category
    LEFT JOIN slack_connections sc ON sc.organization_id = u.organization_id AND sc.user_id = u.id AND sc.bot_token IS NOT NULL
    WHERE u.organization_id = p_org AND u.deleted_at IS NULL AND u.is_active
      AND (u.id = ANY(coalesce(p_users, '{}')) OR u.role = ANY(coalesce(p_roles, '{}')))
  LOOP
    n_id := NULL;
    IF r.in_app THEN
      n_id := gen_random_uuid();
      INSERT INTO notifications (id, organization_id, user_id, type, category, title, message, data, link)
      VALUES (n_id, p_org, r.id, p_type, p_category, left(p_title, 255), p_message, p_data, p_link);
    END IF;
    IF r.frequency <> 'never' THEN
      e_id := gen_random_uuid();
      INSERT INTO notification_emails (id, organization_id, user_id, notification_id, type, category, title, message, link, frequency, due_at)
      VALUES (e_id, p_org, r.id, n_id, p_type, p_category, left(p_title, 255), p_message, p_link, r.frequency,
              clientele_digest_due(r.frequency, coalesce(r.timezone, tz), now()));
      IF r.frequency = 'immediate' THEN
        INSERT INTO outbox (id, organization_id, topic, payload)
        VALUES (gen_random_uuid(), p_org, 'notifications.email', jsonb_build_object('email_id', e_id));
      END IF;
    END IF;
    IF r.slack_connection IS NOT NULL THEN
      INSERT INTO outbox (id, organization_id, topic, payload)
      VALUES (gen_random_uuid(), p_org, 'notifications.slack', jsonb_build_object(
        'connection_id', r.slack_connection, 'user_id', r.id, 'type', p_type, 'category', p_category,
        'title', left(p_title, 255), 'message', p_message, 'link', p_link, 'data', p_data));
    END IF;
    IF r.in_app OR r.frequency <> 'never' OR r.slack_connection IS NOT NULL THEN reached := reached + 1; END IF;
  END LOOP;
  RETURN reached;
END $$;
GRANT EXECUTE ON FUNCTION clientele_notify(uuid, uuid[], text[], text, text, text, text, jsonb, text, interval) TO clientele_app;
