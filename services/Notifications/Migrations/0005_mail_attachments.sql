-- A mail may carry one text attachment (a report's rejected lines as CSV, say).
alter table mails add column attachment_name text, add column attachment_type text, add column attachment text;
