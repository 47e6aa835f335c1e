-- The Compliance service's latest decision on the partner (applied in the order Compliance made them: its sequence),
-- and why it holds the partner. Partners that exist already were screened by the old in-service list: clear.
alter table partners add column screening text not null default 'clear',
    add column screening_reason text,
    add column screening_sequence bigint not null default 0;
