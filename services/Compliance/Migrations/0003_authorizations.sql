-- What held a subject when each decision was made (its evidence), kept with the decision: a price authorization is held
-- only for what its deal's screening had not already answered, then and now.
alter table decisions add column evidence text[] not null default '{}';
