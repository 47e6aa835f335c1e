-- An authorization ended because its partner went on hold (compliance): given back when the partner is active again.
alter table authorizations add column paused_by_hold boolean not null default false;
