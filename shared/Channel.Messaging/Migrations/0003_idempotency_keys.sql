-- Creating calls take an Idempotency-Key: the key, a hash of the request it came with, and the answer
-- given, stored in the same transaction as the effect. The same key and request replay the answer;
-- the same key with another request is refused. Kept for Idempotency:KeepFor (48 hours by default).
create table if not exists idempotency_keys (
    scope        text        not null,
    key          text        not null,
    request_hash bytea       not null,
    status       int         not null default 0,
    location     text,
    response     text,
    created_at   timestamptz not null default now(),
    primary key (scope, key)
);
create index if not exists idempotency_keys_created_at on idempotency_keys (created_at);
