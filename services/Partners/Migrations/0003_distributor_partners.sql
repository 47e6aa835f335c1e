-- Which distributors serve (or have served) which partners, from the Distributors service's
-- authorization events: a distributor sees those partners, and only them.
create table distributor_partners (
    authorization_id uuid    primary key,
    distributor_id   uuid    not null,
    partner_id       uuid    not null,
    active           boolean not null,
    version          int     not null
);
create index distributor_partners_distributor on distributor_partners (distributor_id, partner_id);
