-- Coarser sums for the questions asked most (the whole channel, unfiltered by partner), kept in
-- step with the pipeline by the same projection. The reports use them when the filters allow.

-- The pipeline without the partner dimension.
create table pipeline_rollup (
    status          text          not null,
    distributor_id  uuid          not null,
    region          text          not null,
    close_month     date          not null,
    deals           int           not null,
    value           numeric(20,2) not null,
    approved        int           not null,
    days_to_approve numeric(20,4) not null,
    primary key (status, distributor_id, region, close_month)
);

-- The pipeline by partner and stage only (the partner and tier slices of the whole channel).
create table partner_pipeline (
    partner_id uuid          not null,
    status     text          not null,
    deals      int           not null,
    value      numeric(20,2) not null,
    primary key (partner_id, status)
);

-- Open deals by the day they were submitted (their ageing), without partner or expected close.
create table open_by_day (
    submitted_day  date          not null,
    status         text          not null,
    distributor_id uuid          not null,
    region         text          not null,
    deals          int           not null,
    value          numeric(20,2) not null,
    primary key (submitted_day, status, distributor_id, region)
);

-- Rebuild from what the pipeline already holds (deals projected before this migration).
insert into pipeline_rollup
select status, distributor_id, region, close_month, sum(deals), sum(value), sum(approved), sum(days_to_approve)
from pipeline group by 1, 2, 3, 4;
insert into partner_pipeline select partner_id, status, sum(deals), sum(value) from pipeline group by 1, 2;
insert into open_by_day
select submitted_at::date, status, coalesce(distributor_id, '00000000-0000-0000-0000-000000000000'), region, count(*), sum(value)
from deals where status in ('submitted', 'compliance_review', 'approved', 'returned') group by 1, 2, 3, 4;
