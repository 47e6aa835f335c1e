-- Read models of the whole channel, kept from every service's events. Each row keeps the version
-- of the aggregate it came from, so late or repeated events change nothing.

create table partners (
    id         uuid primary key,
    legal_name text not null,
    country    text not null,
    region     text not null,
    status     text not null,
    tier       text,
    version    int  not null
);

create table distributors (
    id      uuid primary key,
    name    text not null,
    version int  not null
);

create table authorizations (
    id             uuid primary key,
    distributor_id uuid    not null,
    partner_id     uuid    not null,
    active         boolean not null,
    version        int     not null
);
create index authorizations_distributor on authorizations (distributor_id) where active;

create table deals (
    id                 uuid primary key,
    partner_id         uuid          not null,
    distributor_id     uuid,
    status             text          not null,
    customer_name      text          not null,
    region             text          not null,
    country            text          not null,
    value              numeric(18,2) not null,
    currency           text          not null,
    expected_close     date          not null,
    submitted_at       timestamptz   not null,
    approved_at        timestamptz,
    protection_ends_at timestamptz,
    closed_at          timestamptz,
    overdue            boolean       not null,
    version            int           not null
);
create index deals_open_submitted on deals (submitted_at) where status in ('submitted', 'compliance_review', 'approved', 'returned');
create index deals_expiring on deals (protection_ends_at) where status = 'approved';
create index deals_partner on deals (partner_id);
create index deals_distributor on deals (distributor_id) where distributor_id is not null;

-- The pipeline, summed by every dimension a report slices it by; kept in step with each deal's
-- latest state (its old contribution taken out, its new one added, in the same transaction).
create table pipeline (
    status          text          not null,
    partner_id      uuid          not null,
    distributor_id  uuid          not null, -- the nil uuid when a partner registered the deal itself
    region          text          not null,
    close_month     date          not null,
    deals           int           not null,
    value           numeric(20,2) not null,
    approved        int           not null,
    days_to_approve numeric(20,4) not null,
    primary key (status, partner_id, distributor_id, region, close_month)
);
create index pipeline_month on pipeline (close_month);
create index pipeline_partner on pipeline (partner_id);
create index pipeline_distributor on pipeline (distributor_id);

-- Sell-through revenue and units by month, distributor, partner, SKU, region and currency.
create table sell_through (
    month          date          not null,
    distributor_id uuid          not null,
    partner_id     uuid          not null,
    sku            text          not null,
    region         text          not null,
    currency       text          not null,
    revenue        numeric(20,2) not null,
    units          numeric(20,4) not null,
    lines          int           not null,
    primary key (month, distributor_id, partner_id, sku, region, currency)
);
create index sell_through_partner on sell_through (partner_id, month);
create index sell_through_distributor on sell_through (distributor_id, month);

-- The share of sell-through that was linked to a registered deal.
create table sell_through_registered (
    month          date          not null,
    distributor_id uuid          not null,
    partner_id     uuid          not null,
    revenue        numeric(20,2) not null,
    primary key (month, distributor_id, partner_id)
);
