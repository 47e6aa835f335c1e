-- Sell-through sums only ever add up: what was added is keyed by what added it, in tables never
-- purged (unlike the inbox), so a batch delivered again however late (a replay, a requeue from
-- _error weeks later) adds nothing twice.
create table sell_through_batches (
    report_id  uuid        not null,
    batch      int         not null,
    applied_at timestamptz not null default now(),
    primary key (report_id, batch)
);

create table sell_through_links (
    deal_id    uuid        not null,
    report_id  uuid        not null,
    batch      int         not null,
    applied_at timestamptz not null default now(),
    primary key (deal_id, report_id, batch)
);
