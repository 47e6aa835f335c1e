-- The version at which the partner last became active (approved or reinstated), carried on every
-- partner event so readers can tell a partner that was suspended in between from one that never was.
alter table partners add column active_since_version int;
update partners p set active_since_version = (
    select max(a.version) from partner_audit a where a.partner_id = p.id and a.action in ('approved', 'reinstated'))
where p.status = 'active';

-- One audit entry per version: the commit path writes both, always together.
create unique index partner_audit_version on partner_audit (partner_id, version);
