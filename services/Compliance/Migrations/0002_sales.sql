-- Sell-through lines are screened as sales: live (screened again after a list or rule change) for twelve months after
-- their invoice date. Other subjects stay live while their owner says so (live_until null).
alter table subjects add column live_until date;
