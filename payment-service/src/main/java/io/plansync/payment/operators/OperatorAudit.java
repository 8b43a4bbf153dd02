package io.plansync.payment.operators;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;

/** Every call to an operator endpoint: who, what, which rows, when. Append only. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface OperatorAudit extends GenericRepository<OperatorAudit.Entry, Long> {

    @Query("insert into operator_audit (actor, action, target, result) values (:actor, :action, :target, :result)")
    void record(String actor, String action, @Nullable String target, String result);

    @Query("select * from operator_audit order by id desc limit :limit")
    List<Entry> latest(int limit);

    @MappedEntity("operator_audit")
    record Entry(@Id Long id, Instant occurredAt, String actor, String action, @Nullable String target,
                 String result) {
    }
}
