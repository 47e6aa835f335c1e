-- How a partner's domain reads (punycode decoded, look-alike letters and digits made Latin): an
-- applicant whose domain or normalised name looks like a live partner's goes to review.
alter table partners add column domain_skeleton text;
update partners set domain_skeleton = translate(lower(website_domain), '01', 'ol');
alter table partners alter column domain_skeleton set not null;
create index partners_domain_skeleton on partners (domain_skeleton) where status <> 'rejected';
create index partners_normalized_name on partners (normalized_name) where status <> 'rejected';
