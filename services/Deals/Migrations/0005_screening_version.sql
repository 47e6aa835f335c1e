-- The version of the registration whose content the screening is for: set when it is registered and when it is
-- resubmitted. A decision Compliance made on an earlier version (before the partner changed it) is turned away.
alter table deals add column screening_version int not null default 1;
