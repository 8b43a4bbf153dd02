-- A dead plan change waits for a person (replay, or a fix at identity-service). Like identity's audit trail it
-- must not vanish: a dead row cannot be deleted (replay it instead), and the outbox cannot be truncated. Rows in
-- any other state may be deleted by an operator's own retention job.
create function outbox_keeps_dead_rows() returns trigger language plpgsql as $$
begin
    if tg_op = 'TRUNCATE' then
        raise exception 'the outbox keeps its dead rows: truncate is refused' using errcode = 'insufficient_privilege';
    end if;
    if old.state = 'dead' then
        raise exception 'dead outbox row % is kept until it is replayed', old.id using errcode = 'insufficient_privilege';
    end if;
    return old;
end;
$$;
create trigger outbox_keeps_dead_rows before delete on outbox
    for each row execute function outbox_keeps_dead_rows();
create trigger outbox_no_truncate before truncate on outbox
    for each statement execute function outbox_keeps_dead_rows();
