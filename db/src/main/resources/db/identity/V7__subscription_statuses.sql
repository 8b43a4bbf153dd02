-- Subscriptions bring more plan statuses (io.plansync.contracts.PlanStatus): trialing, past_due and canceled.
alter table users drop constraint users_status_check;
alter table users add constraint users_status_check
    check (status in ('active', 'inactive', 'trialing', 'past_due', 'canceled'));
