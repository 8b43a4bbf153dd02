-- The roles identity-service's token named when the session signed in: the operator console admits a session by
-- them (for a bounded time after sign-in, plansync.console.role-max-age). Sessions from before have none.
alter table billing_sessions add column roles text[] not null default '{}';
