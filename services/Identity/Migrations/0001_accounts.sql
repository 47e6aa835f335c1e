-- Who may sign in. Partner and distributor users come from their services' events (their id is the
-- user id those services gave them, so every token's sub names the same person everywhere); vendor
-- staff are created here by an admin. A partner's or distributor's users may sign in only while it
-- is active: its status is kept from its events, by version.

create table organisations (
    kind    text not null,                  -- 'partner' or 'distributor'
    id      uuid not null,
    name    text not null,
    active  boolean not null,
    version int  not null,
    primary key (kind, id)
);

create table accounts (
    id                 uuid primary key,
    email              text        not null,
    name               text        not null,
    role               text        not null,        -- the token's role: partner, distributor, channel-manager, ...
    organisation_role  text,                        -- a partner's or distributor's own role for the user (admin, sales, ...)
    partner_id         uuid,
    distributor_id     uuid,
    status             text        not null,        -- invited, active, disabled, removed
    password_hash      text,
    password_changed_at timestamptz,
    security_stamp     text        not null,
    failed_sign_ins    int         not null default 0,
    locked_until       timestamptz,
    totp_secret        text,
    totp_enabled_at    timestamptz,
    totp_last_step     bigint,
    external_issuer    text,
    external_subject   text,
    last_sign_in_at    timestamptz,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    version            int         not null,        -- the account's own, bumped with each event about it
    -- the owner's event version this row was last changed by (partner and distributor users)
    source_version     int         not null default 0
);
create unique index accounts_email on accounts (lower(email)) where status <> 'removed';
create unique index accounts_external on accounts (external_issuer, external_subject) where external_subject is not null;
create index accounts_partner on accounts (partner_id) where partner_id is not null;
create index accounts_distributor on accounts (distributor_id) where distributor_id is not null;

-- Single-use links: an invitation to set a first password, or a password reset. Only the hash of
-- the secret is kept; using one marks it used, and a newer one of the same purpose replaces it.
create table account_tickets (
    id          uuid primary key,
    account_id  uuid        not null references accounts (id),
    purpose     text        not null,           -- 'invitation' or 'reset'
    secret_hash bytea       not null unique,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index account_tickets_account on account_tickets (account_id);

-- What happened to whom, from where: sign-ins, failures, lockouts, password and factor changes,
-- revocations. Kept, never updated.
create table audit (
    id          bigint generated always as identity primary key,
    at          timestamptz not null default now(),
    account_id  uuid,
    email       text,
    kind        text        not null,
    client_ip   text,
    client_id   text,
    detail      text
);
create index audit_account on audit (account_id, id);
create index audit_kind on audit (kind, id);

-- The keys tokens are signed and encrypted with, as self-signed certificates: each one is published
-- from its creation, signs from not_before, and is kept (to check what it signed) until not_after.
create table signing_keys (
    id          text primary key,               -- the key id (kid)
    use         text        not null,           -- 'signing' or 'encryption'
    certificate bytea       not null,           -- PKCS#12 with the private key
    created_at  timestamptz not null default now(),
    not_before  timestamptz not null,
    not_after   timestamptz not null,
    revoked_at  timestamptz
);

-- ASP.NET Core data protection's key ring (the sign-in cookie and the forms' anti-forgery tokens),
-- shared by every instance.
create table data_protection_keys (
    name text primary key,
    xml  text not null
);

-- OpenIddict's applications, authorizations, scopes and tokens, as its Entity Framework stores keep
-- them, for our Dapper stores.
create table oidc_applications (
    id                        text primary key,
    application_type          text,
    client_id                 text unique,
    client_secret             text,
    client_type               text,
    concurrency_token         text,
    consent_type              text,
    display_name              text,
    display_names             text,
    json_web_key_set          text,
    permissions               text,
    post_logout_redirect_uris text,
    properties                text,
    redirect_uris             text,
    requirements              text,
    settings                  text
);

create table oidc_authorizations (
    id                text primary key,
    application_id    text references oidc_applications (id) on delete cascade,
    concurrency_token text,
    creation_date     timestamptz,
    properties        text,
    scopes            text,
    status            text,
    subject           text,
    type              text
);
create index oidc_authorizations_subject on oidc_authorizations (subject, application_id, status);

create table oidc_scopes (
    id                text primary key,
    concurrency_token text,
    description       text,
    descriptions      text,
    display_name      text,
    display_names     text,
    name              text unique,
    properties        text,
    resources         text
);

create table oidc_tokens (
    id                text primary key,
    application_id    text references oidc_applications (id) on delete cascade,
    authorization_id  text references oidc_authorizations (id) on delete cascade,
    concurrency_token text,
    creation_date     timestamptz,
    expiration_date   timestamptz,
    payload           text,
    properties        text,
    redemption_date   timestamptz,
    reference_id      text unique,
    status            text,
    subject           text,
    type              text
);
create index oidc_tokens_subject on oidc_tokens (subject, application_id, status, type);
create index oidc_tokens_authorization on oidc_tokens (authorization_id);
create index oidc_tokens_expiration on oidc_tokens (expiration_date);
