-- Compliance holds on a price authorization: what holds it (its deal, its partner, the PA itself), the status it goes
-- back to when the last hold is cleared, and every span it was suspended (a sale invoiced inside one earns no credit).
alter table authorizations add column holds text[] not null default '{}';
alter table authorizations add column resume_to text;
alter table authorizations add column suspended_at timestamptz;
alter table authorizations add column suspended_reason text;
alter table authorizations add column suspensions jsonb not null default '[]';
-- Compliance's sequence of the last screening of the PA itself applied (an older one arriving late changes nothing).
alter table authorizations add column screening_sequence bigint not null default 0;
