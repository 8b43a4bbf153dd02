package io.plansync.payment.paymentmethods;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/** Every SQL statement about used operation tokens: the store that makes each token good for one request. */
@Singleton
public class OperationTokenUses {
    private final DataSource dataSource;

    public OperationTokenUses(DataSource dataSource) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
    }

    /**
     * Records the token's use. @return false when it was used before (every replica sees the same rows)
     * @param keepUntil when the row may go: after the token's expiry plus the allowed clock skew
     */
    public boolean firstUse(UUID jti, Instant keepUntil) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into operation_token_uses (jti, expires_at) values (?, ?) on conflict (jti) do nothing")) {
            s.setObject(1, jti);
            s.setTimestamp(2, Timestamp.from(keepUntil));
            return s.executeUpdate() == 1;
        }
    }

    /** Removes the rows of tokens that expired: their expiry check refuses them without a row. */
    public int forgetExpired() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "delete from operation_token_uses where expires_at < now()")) {
            return s.executeUpdate();
        }
    }
}
