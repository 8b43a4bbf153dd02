package io.plansync.identity.accounts;

import io.micronaut.http.HttpStatus;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.contracts.ProblemCodes;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Clock;

/**
 * Rotates a refresh token: the presented token dies and a new pair is issued in the same family. Presenting a dead
 * token (used or revoked) means it leaked: the whole family is revoked.
 */
@Singleton
public class RefreshSession {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshSession.class);

    private final RefreshTokens refreshTokens;
    private final UserRepository users;
    private final SessionIssuer sessions;
    private final TransactionOperations<Connection> transactions;
    private final Clock clock;

    public RefreshSession(RefreshTokens refreshTokens, UserRepository users, SessionIssuer sessions,
                          TransactionOperations<Connection> transactions, Clock clock) {
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.sessions = sessions;
        this.transactions = transactions;
        this.clock = clock;
    }

    public AuthMessages.TokenPair refresh(String refreshToken) {
        if (refreshToken == null || refreshToken.isBlank() || refreshToken.length() > 256) {
            throw invalid();
        }
        byte[] hash = SessionIssuer.hash(refreshToken);
        // The revocation must commit even though the answer is 401, so the outcome leaves the transaction as a value.
        AuthMessages.TokenPair pair = transactions.executeWrite(status -> {
            var row = refreshTokens.findForUpdate(hash).orElse(null);
            if (row == null || row.expiresAt().isBefore(clock.instant())) {
                return null;
            }
            if (row.isDead()) {
                int revoked = refreshTokens.revokeFamily(row.familyId());
                LOG.warn("Reuse of a dead refresh token for user {}: revoked {} token(s) of its family",
                        row.userId(), revoked);
                return null;
            }
            refreshTokens.markUsed(hash);
            User user = users.findById(row.userId()).orElseThrow();
            return sessions.issue(user, row.familyId());
        });
        if (pair == null) {
            throw invalid();
        }
        return pair;
    }

    private static ProblemException invalid() {
        return new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.REFRESH_TOKEN_INVALID,
                "Invalid refresh token", "The refresh token is not valid; log in again.");
    }
}
