-- Issue 16: every inbound message from a new handle looks its customer up by email, case-insensitively
-- (ConversationInbox: lower(email) on customers and customer_contacts). Without an index on
-- lower(email) each lookup read every customer and contact of the organization: one message cost
-- more the more customers there were. These make it one index probe (with the contacts' phone index,
-- a bitmap OR).
CREATE INDEX idx_customers_email_lower ON customers (organization_id, lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX idx_customer_contacts_email_lower ON customer_contacts (organization_id, lower(email)) WHERE deleted_at IS NULL;
