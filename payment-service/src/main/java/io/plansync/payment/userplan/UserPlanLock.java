package io.plansync.payment.userplan;

/**
 * The advisory lock that serialises one user's plan changes (transaction-scoped). Every statement and test that
 * takes it builds its key here, so that they all take the same lock.
 */
public final class UserPlanLock {
    /** The key of the user whose id (text or uuid) is the named parameter {@code :userId}; a constant, for @Query. */
    public static final String KEY_OF_USER_ID_PARAMETER = "hashtextextended('plansync.user:' || :userId, 0)";

    private UserPlanLock() {
    }

    /** The key of the user whose id (text or uuid) is the SQL expression {@code userId}: a column, or {@code ?}. */
    public static String keyOf(String userId) {
        return KEY_OF_USER_ID_PARAMETER.replace(":userId", userId);
    }
}
