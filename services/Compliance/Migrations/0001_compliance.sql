-- Every change to what screening uses: a list import or manual entry (kind 'list') or a rule change (kind 'rules').
-- Each kind numbers its own versions; a screening names the list version and the rules version it used, and a
-- screening "as of" a moment uses the versions made by then (what was known when).
create table changes (
    id uuid primary key,
    kind text not null check (kind in ('list', 'rules')),
    version int not null,
    made_by text not null,
    made_at timestamptz not null,
    summary text not null,
    detail jsonb not null,
    -- Re-screening of every live subject after this change: when it finished and what it changed.
    rescreened_at timestamptz,
    rescreened int not null default 0,
    unique (kind, version)
);
create index changes_made_at on changes (kind, made_at);

-- Screening list entries, kept whole through time: a row holds an entry's content from one list version until the
-- version that changed or removed it (to_version, exclusive; null while current).
create table list_entries (
    entry_key text not null,
    from_version int not null,
    to_version int,
    origin text not null check (origin in ('import', 'manual')),
    name text not null,
    alt_names text[] not null,
    domains text[] not null,
    addresses text[] not null,
    countries text[] not null,
    source_list text not null,
    programs text[] not null,
    start_date date,
    end_date date,
    remarks text,
    content_hash text not null,
    primary key (entry_key, from_version)
);
create index list_entries_current on list_entries (entry_key) where to_version is null;

-- Public-sector rules, kept the same way by rules version; effective dates are the law's, versions are what was known.
create table rules (
    rule_id uuid not null,
    from_version int not null,
    to_version int,
    country text not null,
    region text,
    customer_type text not null,
    funding_source text not null,
    product_pattern text not null,
    action text not null check (action in ('allow', 'review', 'block')),
    citation text not null,
    description text not null,
    effective_from date not null,
    effective_to date,
    primary key (rule_id, from_version)
);
create index rules_current on rules (rule_id) where to_version is null;

-- What Compliance screens, as the owners' events last described it (highest version wins), and where it stands.
create table subjects (
    kind text not null,
    id text not null,
    version int not null,
    name text not null,
    inputs jsonb not null,
    -- Live subjects (a live partner, an open deal) are screened again when a list or rule changes.
    live boolean not null,
    outcome text,
    reason text,
    decision_id uuid,
    -- The subject's version the last decision was made on.
    screened_version int not null default 0,
    sequence bigint not null default 0,
    -- A review waiting for an officer ('open'), or what the officer did.
    review text check (review in ('open', 'cleared', 'confirmed')),
    -- What holds or refuses it now (list hits and rules, by evidence key).
    evidence text[] not null default '{}',
    updated_at timestamptz not null,
    primary key (kind, id)
);
create index subjects_live on subjects (kind, id) where live;
create index subjects_queue on subjects (updated_at) where review = 'open';

-- Every decision with everything it was made from: the inputs, the versions, the hits and the rules that applied.
create table decisions (
    id uuid primary key,
    kind text not null,
    subject_id text not null,
    subject_version int not null,
    sequence bigint not null,
    decided_at timestamptz not null,
    trigger text not null,
    change_id uuid references changes (id),
    actor text not null,
    outcome text not null,
    previous_outcome text,
    reason text not null,
    citation text,
    list_version int not null,
    rules_version int not null,
    inputs jsonb not null,
    hits jsonb not null,
    applied_rules jsonb not null
);
create index decisions_subject on decisions (kind, subject_id, decided_at desc);
create index decisions_change on decisions (change_id) where change_id is not null;

-- Evidence an officer cleared for a subject (a name that only looks like a listed one): it does not hold that
-- subject again unless the evidence changes.
create table clearances (
    kind text not null,
    subject_id text not null,
    evidence text not null,
    cleared_by text not null,
    cleared_at timestamptz not null,
    reason text not null,
    primary key (kind, subject_id, evidence)
);

-- Live subjects still to be screened again after a change (taken in batches by any instance, skip locked).
create table rescreens (
    change_id uuid not null references changes (id),
    kind text not null,
    subject_id text not null,
    primary key (change_id, kind, subject_id)
);

-- Everything an officer or an import did, with who and why.
create table audit (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    actor text not null,
    action text not null,
    kind text,
    subject_id text,
    reason text,
    detail jsonb not null default '{}'
);
create index audit_subject on audit (kind, subject_id, at);
