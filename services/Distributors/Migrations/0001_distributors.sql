-- The partners the Distributors service knows of, from the Partners service's events.
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
    id         uuid primary key,
    name       text        not null,
    countries  text[]      not null,
    regions    text[]      not null,
    contacts   jsonb       not null default '[]',
    created_at timestamptz not null,
    created_by text        not null,
    updated_at timestamptz not null,
    version    int         not null
);
create unique index distributors_name_unique on distributors (lower(name));

create table distributor_users (
    id             uuid primary key,
    distributor_id uuid        not null references distributors (id),
    name           text        not null,
    email          text        not null,
    role           text        not null,
    created_at     timestamptz not null,
    created_by     text        not null
);
create unique index distributor_users_email_unique on distributor_users (lower(email));

-- A distributor may serve a partner in these regions; one row per pair, its version orders its events.
create table authorizations (
    id             uuid primary key,
    distributor_id uuid        not null references distributors (id),
    partner_id     uuid        not null,
    regions        text[]      not null,
    active         boolean     not null,
    authorized_at  timestamptz not null,
    authorized_by  text        not null,
    revoked_at     timestamptz,
    revoked_by     text,
    revoke_reason  text,
    version        int         not null,
    unique (distributor_id, partner_id)
);
create index authorizations_partner on authorizations (partner_id) where active;

create table reports (
    id              uuid primary key,
    distributor_id  uuid          not null references distributors (id),
    report_number   text          not null,
    period_start    date          not null,
    period_end      date          not null,
    format          text          not null,
    received_at     timestamptz   not null,
    received_by     text          not null,
    total_lines     int           not null,
    accepted_lines  int           not null,
    rejected_lines  int           not null,
    accepted_amount numeric(20,2) not null,
    batches         int           not null,
    unique (distributor_id, report_number)
);
create index reports_distributor_period on reports (distributor_id, period_start desc);
create index reports_period on reports (period_start desc);

create table report_lines (
    report_id                uuid          not null,
    line_number              int           not null,
    invoice_number           text          not null,
    invoice_date             date          not null,
    transaction_type         text          not null,
    reseller_id              uuid          not null,
    end_customer_name        text          not null,
    end_customer_domain      text,
    end_customer_country     text          not null,
    end_customer_region      text,
    end_customer_postal_code text,
    vendor_sku               text          not null,
    quantity                 numeric(18,4) not null,
    unit_price               numeric(18,4) not null,
    extended_amount          numeric(18,2) not null,
    currency                 text          not null,
    deal_id                  uuid,
    primary key (report_id, line_number)
);

create table report_rejections (
    report_id   uuid not null,
    line_number int  not null,
    field       text not null,
    reason      text not null
);
create index report_rejections_report on report_rejections (report_id, line_number);
