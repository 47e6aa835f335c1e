-- The vendor the customer buys from today, when the registrant names one: a competitive deal earns
-- a competitive bonus on its price authorization (Pricing reads it from the deal's events).
alter table deals add column incumbent_vendor text;

-- Who approved the deal: its price authorization, when its discount is above the threshold, needs another approver.
alter table deals add column approved_by text;
