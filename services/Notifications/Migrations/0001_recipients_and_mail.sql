-- Who hears about what, kept from the Partners and Distributors services' events, and every mail
-- this service owes. A partner's or distributor's row keeps the version of the event it came from;
-- a user's row keeps the owner's version at the user's last change, and a removed user stays as a
-- tombstone, so a late or repeated event changes nothing.

create table owners (
    kind    text not null,              -- 'partner' or 'distributor'
    id      uuid not null,
    name    text not null,
    status  text not null,
    version int  not null,
    primary key (kind, id)
);

create table recipients (
    user_id    uuid primary key,
    owner_kind text    not null,
    owner_id   uuid    not null,
    name       text    not null,
    email      text    not null,
    role       text    not null,
    removed    boolean not null default false,
    version    int     not null
);
create index recipients_owner on recipients (owner_kind, owner_id) where not removed;

-- One row per (event, kind, recipient): a redelivered event finds its mail already owed and adds
-- nothing. A row is sent by the mail sender and marked; a failed send waits a growing delay and is
-- tried again, its last error kept for the delivery log.
create table mails (
    id              bigint generated always as identity primary key,
    event_id        uuid        not null,
    kind            text        not null,
    recipient       text        not null,
    recipient_name  text        not null,
    subject         text        not null,
    text_body       text        not null,
    html_body       text        not null,
    created_at      timestamptz not null default now(),
    attempts        int         not null default 0,
    next_attempt_at timestamptz,
    last_error      text,
    sent_at         timestamptz,
    unique (event_id, kind, recipient)
);
create index mails_unsent on mails (id) where sent_at is null;
