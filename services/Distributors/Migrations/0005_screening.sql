-- The Compliance service's latest decision on the distributor (applied in its order: the sequence), and whether the
-- distributor's suspension is compliance's (lifted when compliance clears it; a manager cannot reinstate it before).
alter table distributors add column screening text not null default 'clear',
    add column screening_reason text,
    add column screening_sequence bigint not null default 0,
    add column held_by_compliance boolean not null default false;
