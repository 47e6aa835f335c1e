-- What each person chose to hear: one row per (subject, mail kind) they changed from its default.
-- The subject is the one their token carries (a partner or distributor user's id, a staff member's
-- configured subject). 'daily' is for the registrations digest only.
create table preferences (
    subject    text        not null,
    kind       text        not null,
    setting    text        not null check (setting in ('on', 'off', 'daily')),
    updated_at timestamptz not null default now(),
    primary key (subject, kind)
);

-- The deal registrations of the last days, for the managers' daily digest (kept from DealRegistered).
create table registrations (
    deal_id       uuid primary key,
    partner_id    uuid          not null,
    customer      text          not null,
    value         numeric(18,2) not null,
    currency      text          not null,
    status        text          not null,
    registered_at timestamptz   not null
);
create index registrations_when on registrations (registered_at);

-- Which digests were composed, so each day's is owed once whatever the number of instances.
create table digests (
    kind text not null,
    day  date not null,
    primary key (kind, day)
);
