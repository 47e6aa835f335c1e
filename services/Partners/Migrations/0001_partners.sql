create extension if not exists pg_trgm;

create table partners (
    id                uuid primary key,
    legal_name        text        not null,
    normalized_name   text        not null,
    country           text        not null,
    region            text        not null,
    website_domain    text        not null,
    tax_id            text,
    tax_id_key        text,
    partner_type      text        not null,
    contact_name      text        not null,
    contact_email     text        not null,
    agreement_version text        not null,
    status            text        not null,
    tier              text,
    hold_reason       text,
    status_reason     text,
    applied_at        timestamptz not null,
    updated_at        timestamptz not null,
    version           int         not null
);

-- One live partner per domain and per tax id: a rejected application does not block a new one.
create unique index partners_domain_unique on partners (website_domain) where status <> 'rejected';
create unique index partners_tax_id_unique on partners (tax_id_key) where tax_id_key is not null and status <> 'rejected';
create index partners_status_applied on partners (status, applied_at desc);
create index partners_country_region on partners (country, region);
create index partners_tier on partners (tier) where tier is not null;
create index partners_name_trgm on partners using gin (legal_name gin_trgm_ops);

create table partner_users (
    id          uuid primary key,
    partner_id  uuid        not null references partners (id),
    name        text        not null,
    email       text        not null,
    role        text        not null,
    created_at  timestamptz not null,
    created_by  text        not null
);
create unique index partner_users_email_unique on partner_users (lower(email));
create index partner_users_partner on partner_users (partner_id, created_at);

-- Every change to a partner, who made it, why, and what it changed.
create table partner_audit (
    id         bigint generated always as identity primary key,
    partner_id uuid        not null references partners (id),
    version    int         not null,
    action     text        not null,
    actor      text        not null,
    reason     text,
    changes    jsonb       not null default '{}',
    at         timestamptz not null
);
create index partner_audit_partner on partner_audit (partner_id, id);
