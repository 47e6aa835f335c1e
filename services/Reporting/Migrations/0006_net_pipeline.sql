-- What each price authorization's deal is worth as registered and at the authorized net price (the pipeline at net price).
alter table price_authorizations add column registered_value numeric(18,2) not null default 0;
alter table price_authorizations add column net_value numeric(18,2) not null default 0;
create index price_authorizations_deal on price_authorizations (deal_id);
