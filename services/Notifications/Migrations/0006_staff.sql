-- The vendor's staff who hear about the channel's business (new applications, registrations, digests,
-- summaries): their accounts as the Identity service's account events give them, the highest account
-- version winning. Configuration (Notifications:Staff) may name more.
create table staff (
    account_id uuid primary key,
    name       text    not null,
    email      text    not null,
    role       text    not null,
    active     boolean not null,
    version    int     not null
);
