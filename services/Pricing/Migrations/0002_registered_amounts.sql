-- What each deal line was registered at, so a PA can say what the deal is worth at its net price.
alter table authorization_lines add column registered_amount numeric(18, 2) not null default 0;
