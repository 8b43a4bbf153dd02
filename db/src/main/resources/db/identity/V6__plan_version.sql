-- Grows by one with every plan change applied to the user, so that an application can tell which of two tokens (or
-- answers) carries the newer plan.
alter table users add column plan_version bigint not null default 0;
