-- The partner copy keeps the version at which each partner last became active; an authorization
-- keeps the partner's version when it was granted. One granted before the partner last became
-- active was granted before a suspension or termination, and ends, whatever order events came in.
alter table partners add column active_since_version int;
alter table authorizations add column partner_version int not null default 0;

-- A report keeps a hash of its content (a report number sent again with other content is refused)
-- and the batch size its lines were announced in (a replay announces the same batches).
alter table reports add column content_hash bytea;
alter table reports add column content_bytes bigint not null default 0;
alter table reports add column batch_lines int not null default 0;
