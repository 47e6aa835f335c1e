-- Pricing's read models: every price authorization and claim at its latest version, and each claim
-- line's latest decision (so what was claimed against a PA can be summed).
create table price_authorizations (
    id                uuid primary key,
    number            text          not null,
    deal_id           uuid          not null,
    partner_id        uuid          not null,
    status            text          not null,
    revision          int           not null,
    currency          text          not null,
    authorized_credit numeric(18,2) not null,
    valid_until       timestamptz   not null,
    version           int           not null
);
create index price_authorizations_partner on price_authorizations (partner_id);

create table claims (
    id              uuid primary key,
    claim_number    text          not null,
    distributor_id  uuid          not null,
    status          text          not null,
    currency        text          not null,
    received_at     timestamptz   not null,
    line_count      int           not null,
    accepted_lines  int           not null,
    adjusted_lines  int           not null,
    rejected_lines  int           not null,
    pending_lines   int           not null,
    disputed_lines  int           not null,
    claimed_amount  numeric(18,2) not null,
    accepted_credit numeric(18,2) not null,
    override_credit numeric(18,2) not null,
    credit_memo     text,
    settled_at      timestamptz,
    version         int           not null
);
create index claims_distributor on claims (distributor_id);

create table claim_lines (
    claim_id         uuid          not null,
    line_no          int           not null,
    authorization_id uuid,
    deal_id          uuid,
    status           text          not null,
    reason           text,
    credit           numeric(18,2) not null,
    version          int           not null,
    primary key (claim_id, line_no)
);
create index claim_lines_authorization on claim_lines (authorization_id) where authorization_id is not null;

-- Sales at or below book cost that no PA covered (Pricing's SellThroughBelowBookCost), one row per report line.
create table below_book_sales (
    report_id       uuid          not null,
    line_no         int           not null,
    distributor_id  uuid          not null,
    reseller_id     uuid          not null,
    invoice_date    date          not null,
    quantity        numeric(18,4) not null,
    extended_amount numeric(18,2) not null,
    book_value      numeric(18,2) not null,
    primary key (report_id, line_no)
);
