-- A distributor can be suspended (and reinstated) or terminated by a channel manager; while it is not
-- active it uploads no reports and gets no new authorizations, and its users cannot sign in.
alter table distributors add column status text not null default 'active';
alter table distributors add column status_reason text;
alter table distributors add column status_changed_at timestamptz;
