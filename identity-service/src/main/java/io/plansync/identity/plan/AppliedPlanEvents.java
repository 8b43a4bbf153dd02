package io.plansync.identity.plan;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.UUID;

/** Source event ids already applied to a plan. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AppliedPlanEvents extends GenericRepository<AppliedPlanEvents.Row, String> {

    /** @return 1 if the event is new, 0 if it was applied before */
    @Query("insert into applied_plan_events (event_id, user_id) values (:eventId, :userId) on conflict do nothing")
    int remember(String eventId, UUID userId);

    @MappedEntity("applied_plan_events")
    record Row(@Id String eventId, UUID userId, Instant appliedAt) {
    }
}
