package io.plansync.payment.operators;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.plansync.support.sql.Sql;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;

import static io.plansync.support.sql.Sql.instant;

/** Every call to an operator endpoint: who, what, which rows, when. Append only. */
@Singleton
public class OperatorAudit {

    private final Sql sql;

    OperatorAudit(Sql sql) {
        this.sql = sql;
    }

    public void record(String actor, String action, @Nullable String target, String result) {
        sql.update("insert into operator_audit (actor, action, target, result) values (?, ?, ?, ?)", actor, action,
                target, result);
    }

    public List<Entry> latest(int limit) {
        return sql.list("select * from operator_audit order by id desc limit ?",
                row -> new Entry(row.getLong("id"), instant(row, "occurred_at"), row.getString("actor"),
                        row.getString("action"), row.getString("target"), row.getString("result")), limit);
    }

    /** Introspected: the operator console's template reads its properties. */
    @Introspected
    public record Entry(Long id, Instant occurredAt, String actor, String action, @Nullable String target,
                        String result) {
    }
}
