-- The size of each event's body as written (jsonb compresses, so the stored size says little about
-- what a batch costs to publish); the relay caps a batch by it.
alter table outbox add column if not exists body_bytes int not null default 0;
