-- The transactional outbox: events written in the same transaction as the state change they
-- describe, published by the relay and deleted only once the broker confirmed them.
create table if not exists outbox (
    id             bigint generated always as identity primary key,
    message_id     uuid        not null unique,
    message_type   text        not null,
    body           jsonb       not null,
    correlation_id text,
    created_at     timestamptz not null default now(),
    attempts       int         not null default 0,
    last_error     text
);

-- The inbox: one row per message a consumer has handled, written with its effect.
create table if not exists inbox (
    message_id   uuid        not null,
    consumer     text        not null,
    processed_at timestamptz not null default now(),
    primary key (message_id, consumer)
);

create index if not exists inbox_processed_at on inbox (processed_at);
