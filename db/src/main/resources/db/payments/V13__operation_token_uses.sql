-- The ids (jti) of the billing pages' operation tokens that were used (io.plansync.payment.paymentmethods): a token
-- is good for one request, so a second use finds its row and is refused. Rows go once the token could no longer
-- pass its expiry check anyway.
create table operation_token_uses (
    jti         uuid primary key,
    expires_at  timestamptz not null
);
create index operation_token_uses_expiry on operation_token_uses (expires_at);
