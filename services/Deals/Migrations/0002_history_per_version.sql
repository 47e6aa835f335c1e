-- One history entry per version: the commit path writes the row, its history entry and its event
-- together, so a version without its entry (or two entries for one) is a bug the database refuses.
create unique index deal_history_version on deal_history (deal_id, version);
