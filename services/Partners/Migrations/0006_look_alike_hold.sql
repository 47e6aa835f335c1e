-- A look-alike hold (a channel manager's to clear) kept apart from a compliance hold (an officer's): an application
-- held for both stays on hold until each is cleared.
alter table partners add column look_alike_reason text;
update partners set look_alike_reason = hold_reason where status = 'on_hold' and screening not in ('review', 'block');
