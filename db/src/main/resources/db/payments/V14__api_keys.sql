-- Developer API keys for the application's back end (io.plansync.payment.apikeys). A key is
-- psk_<mode>_<id>_<secret>: the id is public and finds the row; only the SHA-256 of the secret is kept, so a read
-- of this table gives no usable key. A revoked key is refused at once; a rotated one until its expires_at.
create table api_keys (
    id                   text primary key,
    name                 text        not null,
    mode                 text        not null check (mode in ('live', 'test')),
    secret_hash          bytea       not null,
    scopes               text[]      not null,
    requests_per_minute  integer     not null check (requests_per_minute > 0),
    created_at           timestamptz not null default now(),
    created_by           text        not null,
    last_used_at         timestamptz,
    expires_at           timestamptz,             -- set when the key is rotated: the overlap's end
    revoked_at           timestamptz,
    revoked_by           text,
    rotated_from         text references api_keys (id)
);
create index api_keys_name on api_keys (name);
