-- The Compliance service's flag on an accepted line (a sale to a listed party, a government domain, a restricted type):
-- the sale stands and counts; the flag says compliance is looking at it, or confirmed it. Applied in the order Compliance
-- decided (its sequence per line).
alter table report_lines add column compliance_flag text,
    add column compliance_reason text,
    add column flag_sequence bigint not null default 0;
create index report_lines_flagged on report_lines (report_id, line_number) where compliance_flag is not null;
