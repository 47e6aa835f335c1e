-- A Channel on one's own machine (Identity:DevelopmentTokens) offers some accounts on its sign-in
-- page, to callers on that machine only, with their password: the demo's channel manager, leader,
-- partner and distributor users. A deployment never has any.
create table demo_accounts (
    account_id  uuid primary key references accounts (id),
    label       text not null,
    description text not null,
    password    text not null,
    position    int  not null
);
