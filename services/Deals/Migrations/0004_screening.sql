-- Who the end customer is and who pays (the vocabulary Compliance's public-sector rules are written in), the
-- registrant's public-sector attestation, and where Compliance's screening of the registration stands. Deals
-- registered before Compliance existed were screened by the rules Deals kept then: they count as clear.
alter table deals
    add column customer_type text,
    add column funding_source text,
    add column attestation_version text,
    add column attested_by text,
    add column attested_at timestamptz,
    add column screening text not null default 'clear',
    add column screening_sequence bigint not null default 0;
update deals set customer_type = customer_sector where customer_type is null and customer_sector in ('commercial', 'education', 'healthcare', 'military');
create index deals_screening on deals (screening) where screening <> 'clear';
