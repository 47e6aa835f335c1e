create extension if not exists pg_trgm;

-- The partners the Deals service knows of, from the Partners service's events.
create table partners (
    id         uuid primary key,
    legal_name text not null,
    country    text not null,
    region     text not null,
    status     text not null,
    tier       text,
    version    int  not null
);

-- Which distributor may serve which reseller, in which regions, from the Distributors service's events.
create table reseller_authorizations (
    id             uuid primary key,
    distributor_id uuid    not null,
    partner_id     uuid    not null,
    regions        text[]  not null,
    active         boolean not null,
    version        int     not null
);
create index reseller_authorizations_pair on reseller_authorizations (distributor_id, partner_id) where active;

create table deals (
    id                       uuid primary key,
    partner_id               uuid          not null,
    distributor_id           uuid,
    registered_by            text          not null,
    customer_name            text          not null,
    customer_key             text          not null,
    customer_domain          text,
    customer_country         text          not null,
    customer_region          text          not null,
    customer_sector          text          not null,
    product_families         text[]        not null,
    total_value              numeric(18,2) not null,
    currency                 text          not null,
    expected_close           date          not null,
    notes                    text,
    status                   text          not null,
    compliance_reason        text,
    status_reason            text,
    submitted_at             timestamptz   not null,
    sla_due_at               timestamptz,
    overdue                  boolean       not null default false,
    approved_at              timestamptz,
    protection_ends_at       timestamptz,
    extensions_used          int           not null default 0,
    extension_requested_at   timestamptz,
    extension_request_reason text,
    actual_amount            numeric(18,2),
    won_source               text,
    closed_at                timestamptz,
    updated_at               timestamptz   not null,
    version                  int           not null
);
-- Conflict search: open registrations by customer name or domain.
create index deals_open_customer_key on deals (customer_key) where status in ('submitted', 'compliance_review', 'approved');
create index deals_open_customer_domain on deals (customer_domain)
    where customer_domain is not null and status in ('submitted', 'compliance_review', 'approved');
create index deals_partner on deals (partner_id, submitted_at desc);
create index deals_distributor on deals (distributor_id, submitted_at desc) where distributor_id is not null;
-- The manager's queue: overdue first, then oldest.
create index deals_queue on deals (overdue desc, submitted_at) where status in ('submitted', 'compliance_review');
-- Timers.
create index deals_protection_due on deals (protection_ends_at) where status = 'approved';
create index deals_sla_due on deals (sla_due_at) where status in ('submitted', 'compliance_review') and not overdue;
-- Sell-through matching: a reseller's approved deals by customer.
create index deals_match on deals (partner_id, customer_key) where status in ('approved', 'won');
create index deals_customer_trgm on deals using gin (customer_name gin_trgm_ops);

create table deal_lines (
    deal_id        uuid          not null references deals (id),
    line_no        int           not null,
    sku            text,
    product_family text          not null,
    quantity       numeric(18,4) not null,
    amount         numeric(18,2) not null,
    primary key (deal_id, line_no)
);

-- Evidence of a conflict: which other registration, by which rule, on which product families.
create table deal_conflicts (
    id               bigint generated always as identity primary key,
    deal_id          uuid        not null references deals (id),
    other_deal_id    uuid        not null references deals (id),
    other_partner_id uuid        not null,
    other_status     text        not null,
    rule             text        not null,
    shared_families  text[]      not null,
    stage            text        not null,
    found_at         timestamptz not null
);
create index deal_conflicts_deal on deal_conflicts (deal_id);
create index deal_conflicts_other on deal_conflicts (other_deal_id);

create table deal_history (
    id      bigint generated always as identity primary key,
    deal_id uuid        not null references deals (id),
    version int         not null,
    action  text        not null,
    actor   text        not null,
    reason  text,
    changes jsonb       not null default '{}',
    at      timestamptz not null
);
create index deal_history_deal on deal_history (deal_id, id);

-- Sell-through lines linked to a deal, and the rule that linked them.
create table deal_sell_through (
    id             bigint generated always as identity primary key,
    deal_id        uuid          not null references deals (id),
    report_id      uuid          not null,
    report_number  text          not null,
    line_number    int           not null,
    invoice_number text          not null,
    invoice_date   date          not null,
    rule           text          not null,
    amount         numeric(18,2) not null,
    linked_at      timestamptz   not null,
    unique (report_id, line_number)
);
create index deal_sell_through_deal on deal_sell_through (deal_id);
