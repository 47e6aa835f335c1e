-- Webhook subscriptions and their deliveries. A subscription belongs to a partner, a distributor or
-- the vendor ('vendor', no id) and only ever receives events about its owner. Each event a
-- subscription wants is one delivery row, owed in the consumer's transaction (unique per
-- subscription and event, so a redelivered event owes nothing more); the deliverer leases due rows,
-- posts them, and records every attempt. A delivery retried past its window is given up, and kept.

create table subscriptions (
    id                   uuid primary key,
    owner_kind           text        not null,   -- 'partner', 'distributor' or 'vendor'
    owner_id             uuid,
    url                  text        not null,
    kinds                text[]      not null,
    description          text        not null default '',
    secret               text        not null,
    enabled              boolean     not null default true,
    consecutive_failures int         not null default 0,
    disabled_at          timestamptz,
    disabled_reason      text,
    created_at           timestamptz not null default now(),
    created_by           text        not null,
    updated_at           timestamptz not null default now()
);
create index subscriptions_owner on subscriptions (owner_kind, owner_id);

create table deliveries (
    id              bigint generated always as identity primary key,
    subscription_id uuid        not null references subscriptions (id) on delete cascade,
    event_id        uuid        not null,
    kind            text        not null,
    payload         text        not null,
    created_at      timestamptz not null default now(),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    retry_until     timestamptz not null,     -- after this a failed attempt gives the delivery up
    delivered_at    timestamptz,
    given_up_at     timestamptz,
    last_status     int,
    last_error      text,
    last_latency_ms int,
    unique (subscription_id, event_id)
);
create index deliveries_due on deliveries (next_attempt_at) where delivered_at is null and given_up_at is null;
create index deliveries_of_subscription on deliveries (subscription_id, id desc);

create table delivery_attempts (
    id           bigint generated always as identity primary key,
    delivery_id  bigint      not null references deliveries (id) on delete cascade,
    attempted_at timestamptz not null default now(),
    status_code  int,
    error        text,
    latency_ms   int         not null,
    succeeded    boolean     not null
);
create index delivery_attempts_of_delivery on delivery_attempts (delivery_id, id);
