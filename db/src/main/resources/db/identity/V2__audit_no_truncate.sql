-- The row trigger of V1 does not fire on TRUNCATE; the audit trail must survive that too.
create trigger plan_change_audit_no_truncate
    before truncate on plan_change_audit
    for each statement execute function plan_change_audit_append_only();
