-- The price book: each SKU's list price and distributor (book) cost from a date on; a price is
-- looked up as of a date (the latest row on or before it).
create table price_lists (
    id uuid primary key,
    name text not null,
    uploaded_by text not null,
    uploaded_at timestamptz not null,
    row_count int not null,
    content_hash bytea not null
);

create table prices (
    sku text not null,
    effective_from date not null,
    product_family text not null,
    list_price numeric(18, 2) not null,
    distributor_cost numeric(18, 2) not null,
    currency text not null,
    price_list_id uuid not null references price_lists (id),
    primary key (sku, effective_from)
);
create index prices_family on prices (product_family, sku, effective_from);

-- What Pricing knows of other services, from their events (highest version wins).
create table deals (
    id uuid primary key,
    partner_id uuid not null,
    distributor_id uuid,
    status text not null,
    customer_name text not null,
    customer_country text not null,
    customer_region text not null,
    incumbent_vendor text,
    total_value numeric(18, 2) not null,
    currency text not null,
    lines jsonb not null,
    approved_at timestamptz,
    approved_by text,
    protection_ends_at timestamptz,
    -- Why an approved deal has no price authorization (below the minimum, no price for any line, partner not active).
    not_eligible_reason text,
    version int not null
);
create index deals_partner on deals (partner_id);

create table partners (
    id uuid primary key,
    legal_name text not null,
    status text not null,
    tier text,
    version int not null
);

create table distributors (
    id uuid primary key,
    name text not null,
    status text not null,
    version int not null
);

create table reseller_authorizations (
    id uuid primary key,
    distributor_id uuid not null,
    partner_id uuid not null,
    regions text[] not null,
    active boolean not null,
    -- When it was last revoked (a sale invoiced before then was still the distributor's to claim).
    revoked_at timestamptz,
    version int not null
);
create index reseller_authorizations_partner on reseller_authorizations (partner_id, distributor_id);

-- Accepted sell-through sale lines (from SellThroughReported): the evidence a claim line needs.
create table sell_through_batches (
    report_id uuid not null,
    batch int not null,
    primary key (report_id, batch)
);

create table sell_through_lines (
    report_id uuid not null,
    line_no int not null,
    distributor_id uuid not null,
    invoice_number text not null,
    invoice_date date not null,
    reseller_id uuid not null,
    vendor_sku text not null,
    quantity numeric(18, 4) not null,
    unit_price numeric(18, 2) not null,
    extended_amount numeric(18, 2) not null,
    currency text not null,
    primary key (report_id, line_no)
);
create index sell_through_lines_invoice on sell_through_lines (distributor_id, invoice_number, vendor_sku);

-- Price authorizations: one per approved deal, with its lines and the prices of each SKU they cover.
create sequence authorization_numbers;

create table authorizations (
    id uuid primary key,
    number text not null unique,
    deal_id uuid not null unique,
    partner_id uuid not null,
    customer_name text not null,
    customer_country text not null,
    customer_region text not null,
    status text not null,
    revision int not null,
    tier text not null,
    incumbent_vendor text,
    deal_approver text,
    approved_by text,
    valid_from timestamptz not null,
    valid_until timestamptz not null,
    currency text not null,
    revoked_at timestamptz,
    revoked_reason text,
    issued_at timestamptz not null,
    updated_at timestamptz not null,
    version int not null
);
create index authorizations_partner on authorizations (partner_id, issued_at desc);
create index authorizations_status on authorizations (status, valid_until);

create table authorization_lines (
    authorization_id uuid not null references authorizations (id),
    line_no int not null,
    sku text,
    product_family text not null,
    max_quantity numeric(18, 4) not null,
    discount_percent numeric(7, 3) not null,
    currency text not null,
    claimed_quantity numeric(18, 4) not null default 0,
    primary key (authorization_id, line_no)
);

create table authorization_prices (
    authorization_id uuid not null,
    line_no int not null,
    sku text not null,
    list_price numeric(18, 2) not null,
    book_cost numeric(18, 2) not null,
    net_cost numeric(18, 2) not null,
    primary key (authorization_id, line_no, sku),
    foreign key (authorization_id, line_no) references authorization_lines (authorization_id, line_no)
);
create index authorization_prices_sku on authorization_prices (authorization_id, sku);

create table authorization_history (
    authorization_id uuid not null references authorizations (id),
    version int not null,
    action text not null,
    actor text not null,
    reason text,
    changes jsonb not null,
    at timestamptz not null,
    primary key (authorization_id, version)
);

-- Special bids: a deeper price asked for on an active PA, decided by a channel manager.
create table special_bids (
    id uuid primary key,
    authorization_id uuid not null references authorizations (id),
    status text not null,
    requested_by text not null,
    requested_role text not null,
    competitor text,
    justification text not null,
    -- [{lineNo, sku, requestedNetCost, decidedNetCost}]
    lines jsonb not null,
    requested_at timestamptz not null,
    decided_by text,
    decided_at timestamptz,
    decision_reason text,
    revision int
);
create unique index special_bids_open on special_bids (authorization_id) where status = 'requested';

-- Ship-and-debit claims (after X12 844) and the decision of each line (after 849).
create sequence credit_memo_numbers;

create table claims (
    id uuid primary key,
    claim_number text not null,
    distributor_id uuid not null,
    status text not null,
    currency text not null,
    received_at timestamptz not null,
    received_by text not null,
    content_hash bytea not null,
    line_count int not null,
    claimed_amount numeric(18, 2) not null,
    accepted_lines int not null,
    adjusted_lines int not null,
    rejected_lines int not null,
    pending_lines int not null,
    disputed_lines int not null,
    accepted_credit numeric(18, 2) not null,
    override_credit numeric(18, 2) not null,
    approved_by text,
    approved_at timestamptz,
    credit_memo text unique,
    settled_by text,
    settled_at timestamptz,
    updated_at timestamptz not null,
    version int not null,
    unique (distributor_id, claim_number)
);
create index claims_received on claims (received_at desc);
create index claims_distributor on claims (distributor_id, received_at desc);

create table claim_lines (
    claim_id uuid not null references claims (id),
    line_no int not null,
    distributor_id uuid not null,
    pa_number text not null,
    authorization_id uuid,
    pa_line_no int,
    deal_id uuid,
    invoice_number text not null,
    invoice_date date not null,
    reseller_id uuid not null,
    end_customer_name text not null,
    vendor_sku text not null,
    quantity numeric(18, 4) not null,
    book_cost numeric(18, 2) not null,
    authorized_cost numeric(18, 2) not null,
    claimed_amount numeric(18, 2) not null,
    -- (book − net) × quantity from the PA, whatever was claimed (0 without a PA price).
    authorized_credit numeric(18, 2) not null,
    status text not null,
    reason text,
    credit numeric(18, 2) not null,
    -- The line holds its quantity on the PA line and its invoice and SKU against another claim.
    reserved boolean not null,
    decided_at timestamptz not null,
    dispute_comment text,
    disputed_at timestamptz,
    disputed_status text,
    disputed_reason text,
    resolution text,
    resolved_by text,
    resolved_at timestamptz,
    primary key (claim_id, line_no)
);
-- An invoice's SKU is claimed once (a second line for it is a duplicate_line).
create unique index claim_lines_claimed_once on claim_lines (distributor_id, invoice_number, vendor_sku) where reserved;
create index claim_lines_pending on claim_lines (distributor_id, invoice_number, vendor_sku) where status = 'pending';
create index claim_lines_authorization on claim_lines (authorization_id);

create table claim_history (
    claim_id uuid not null references claims (id),
    version int not null,
    action text not null,
    actor text not null,
    reason text,
    changes jsonb not null,
    at timestamptz not null,
    primary key (claim_id, version)
);
