-- A webchat channel is named by its public key, the others by the provider's id. Matching
-- either column for every platform would let an organization name its webchat
-- meta_phone_number_id after another's known public key (theoretical, but closed here).
CREATE OR REPLACE FUNCTION clientele_resolve_channel(p_platform text, p_external_id text)
RETURNS TABLE (organization_id uuid, phone_number_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT p.organization_id, p.id FROM phone_numbers p
  WHERE p.platform = p_platform AND p.is_active
    AND CASE WHEN p_platform = 'webchat' THEN p.public_key = p_external_id ELSE p.meta_phone_number_id = p_external_id END
  ORDER BY p.created_at
  LIMIT 1
$$;
