package io.plansync.support.tokens;

import io.plansync.contracts.ServiceTokens;

import java.time.Clock;
import java.time.Instant;

/** Clock-skew rules shared by every token check. */
final class Skew {
    static final long SECONDS = ServiceTokens.CLOCK_SKEW_SECONDS;

    private Skew() {
    }

    /** Nimbus checks exp and nbf; a token issued in the future is refused here. */
    static void checkIssuedAt(Instant issuedAt, Clock clock) throws TokenRejected {
        if (issuedAt.isAfter(clock.instant().plusSeconds(SECONDS))) {
            throw new TokenRejected("issued in the future");
        }
    }
}
