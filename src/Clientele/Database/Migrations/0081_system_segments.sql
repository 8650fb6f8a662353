-- Segments assigned by the product (issue 11 item 9, docs/success.md "Segments"): one live system
-- segment per customer and type, so the rules replace it when the customer moves band or stage.
-- Segments people or imports assigned (assigned_by other than 'system') are not constrained.
UPDATE customer_segments cs SET deleted_at = now()
WHERE cs.assigned_by = 'system' AND cs.deleted_at IS NULL
  AND EXISTS (SELECT 1 FROM customer_segments o
              WHERE o.organization_id = cs.organization_id AND o.customer_id = cs.customer_id AND o.segment_type = cs.segment_type
                AND o.assigned_by = 'system' AND o.deleted_at IS NULL AND (o.assigned_at, o.id) > (cs.assigned_at, cs.id));
CREATE UNIQUE INDEX customer_segments_one_system_per_type ON customer_segments (organization_id, customer_id, segment_type)
  WHERE assigned_by = 'system' AND deleted_at IS NULL;
