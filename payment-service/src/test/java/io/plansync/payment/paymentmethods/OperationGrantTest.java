package io.plansync.payment.paymentmethods;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A grant covers one category, for the user it was issued to and the customer they are mapped to now. */
class OperationGrantTest {
    private final UUID user = UUID.randomUUID();
    private final OperationGrant readGrant = new OperationGrant(user, "cus_1", OperationCategory.READ,
            UUID.randomUUID(), Instant.now());

    @Test
    void it_covers_its_own_category_user_and_customer() {
        assertThat(readGrant.refusalFor(OperationCategory.READ, user, "cus_1")).isEmpty();
    }

    @Test
    void a_read_grant_neither_writes_nor_deletes() {
        assertThat(readGrant.refusalFor(OperationCategory.WRITE, user, "cus_1")).hasValueSatisfying(why ->
                assertThat(why).contains("payment_methods:read").contains("payment_methods:write"));
        assertThat(readGrant.refusalFor(OperationCategory.DELETE, user, "cus_1")).isPresent();
    }

    @Test
    void another_user_cannot_use_it() {
        assertThat(readGrant.refusalFor(OperationCategory.READ, UUID.randomUUID(), "cus_1"))
                .hasValue("the token was issued to another user");
    }

    @Test
    void it_ends_when_the_user_is_mapped_to_another_customer_or_to_none() {
        assertThat(readGrant.refusalFor(OperationCategory.READ, user, "cus_2"))
                .hasValue("the token was issued for another customer");
        assertThat(readGrant.refusalFor(OperationCategory.READ, user, null)).isPresent();
    }

    @Test
    void only_writes_and_deletes_count_as_changes() {
        assertThat(OperationCategory.READ.changes()).isFalse();
        assertThat(OperationCategory.WRITE.changes()).isTrue();
        assertThat(OperationCategory.DELETE.changes()).isTrue();
        assertThat(OperationCategory.fromWire("payment_methods:delete")).hasValue(OperationCategory.DELETE);
        assertThat(OperationCategory.fromWire("payment_methods:*")).isEmpty();
    }
}
