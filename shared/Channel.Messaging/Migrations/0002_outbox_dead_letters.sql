-- A row that cannot be published (its type is unknown here, its body no longer reads, no queue is
-- bound to it) waits before its next attempt instead of holding up the rows behind it, and after a
-- few attempts is set aside in the dead-letter table, where an operator lists it, fixes it, sends it
-- again or drops it. Failures of the broker itself (down, blocked, slow) are not the row's fault and
-- are not counted against it.
alter table outbox add column if not exists next_attempt_at timestamptz;

create table if not exists outbox_dead_letters (
    id             bigint      primary key,
    message_id     uuid        not null unique,
    message_type   text        not null,
    body           jsonb       not null,
    body_bytes     int         not null,
    correlation_id text,
    created_at     timestamptz not null,
    attempts       int         not null,
    last_error     text,
    set_aside_at   timestamptz not null default now()
);
