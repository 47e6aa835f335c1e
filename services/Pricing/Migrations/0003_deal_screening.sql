-- The deal's compliance screening, from its events: an authorization is not issued for a deal compliance holds, and a
-- live one is revoked when compliance holds its deal after approval.
alter table deals add column screening text not null default 'clear';
