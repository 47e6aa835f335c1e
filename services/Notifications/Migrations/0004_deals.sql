-- Each deal's latest state as its events gave it (highest version wins), for the protection
-- reminders and the leadership summary; and the reminders already owed, one per deal, protection
-- end and threshold, so a reminder is composed once however often the timer looks.
create table deals (
    id           uuid primary key,
    partner_id   uuid          not null,
    customer     text          not null,
    value        numeric(18,2) not null,
    currency     text          not null,
    status       text          not null,
    submitted_at timestamptz   not null,
    protection_ends_at timestamptz,
    actual_amount numeric(18,2),
    closed_at    timestamptz,
    version      int           not null
);
create index deals_protected on deals (protection_ends_at) where status = 'approved';

create table reminders (
    deal_id uuid        not null,
    ends_at timestamptz not null,
    days    int         not null,
    primary key (deal_id, ends_at, days)
);
