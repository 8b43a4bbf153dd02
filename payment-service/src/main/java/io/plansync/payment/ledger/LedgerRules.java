package io.plansync.payment.ledger;

import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The ledger's decisions, as plain functions of the event and the payment it names. */
public final class LedgerRules {
    static final String NOT_CREATED_HERE = "the PaymentIntent was not created by this service for this user, plan "
            + "and amount";
    static final String UNKNOWN_PAYMENT = "names a payment this service does not know";
    static final String PLAN_UNCHANGED = "plan unchanged: another payment stands";

    private LedgerRules() {
    }

    /**
     * What the entry does, given the payment it names as this service recorded it ({@code known}, null if none).
     * A succeeded payment grants a plan only if this service created it for the same user, plan and amount (or,
     * where {@code acceptExternal}, if it is unknown here: the metadata and the catalogue decide, as they already
     * did). Any other event acts for the payment's recorded owner, never for a user the event names.
     */
    public static LedgerEntry settle(LedgerEntry entry, @Nullable KnownPayment known, boolean acceptExternal) {
        if (entry.effect() == PaymentEffect.NONE) {
            return known == null ? entry : entry.ownedBy(known.userId());
        }
        if (entry.effect() == PaymentEffect.PAID) {
            if (known == null) {
                return acceptExternal ? entry : entry.rejected(NOT_CREATED_HERE);
            }
            boolean same = known.userId().equals(entry.userId()) && known.plan().equals(entry.plan())
                    && known.amount() == entry.amount() && known.currency().equalsIgnoreCase(entry.currency());
            return same ? entry : entry.rejected(NOT_CREATED_HERE);
        }
        if (known != null) {
            return entry.ownedBy(known.userId());
        }
        if (entry.effect() == PaymentEffect.FAILED) {
            return entry.recorded(null);
        }
        // A refund of an unknown payment is still stored (for the user its metadata names), so that the payment's
        // late succeeded event cannot grant anything; anything else about an unknown payment is refused.
        return entry.effect() == PaymentEffect.REFUNDED && entry.userId() != null ? entry
                : entry.rejected(entry.type() + " " + UNKNOWN_PAYMENT);
    }

    /** The verdict of a new (not redelivered) settled entry, given whether its user's plan changed. */
    public static Outcome outcome(LedgerEntry settled, boolean planChanged) {
        return switch (settled.effect()) {
            case NONE -> new Outcome(settled.outcome(), settled.reason(), false);
            case FAILED -> new Outcome(Outcome.RECORDED, null, false);
            default -> new Outcome(Outcome.ACCEPTED, planChanged ? null : PLAN_UNCHANGED, false);
        };
    }

    /**
     * Splits entries, in arrival order, into groups that can share one transaction: no user, payment or event
     * twice in a group (a later one goes to the next group), so that each entry gets exactly what a transaction of
     * its own would give it.
     */
    public static <T> List<List<T>> groups(List<T> items, Function<T, LedgerEntry> entryOf) {
        List<List<T>> groups = new ArrayList<>();
        List<Set<Object>> keys = new ArrayList<>();
        for (T item : items) {
            LedgerEntry e = entryOf.apply(item);
            List<Object> own = new ArrayList<>(List.of("evt:" + e.eventId()));
            if (e.userId() != null) {
                own.add(e.userId());
            }
            if (e.paymentIntentId() != null) {
                own.add("pi:" + e.paymentIntentId());
            }
            int i = 0;
            while (i < groups.size() && own.stream().anyMatch(keys.get(i)::contains)) {
                i++;
            }
            if (i == groups.size()) {
                groups.add(new ArrayList<>());
                keys.add(new HashSet<>());
            }
            groups.get(i).add(item);
            keys.get(i).addAll(own);
        }
        return groups;
    }

    /**
     * The users whose plan lock a group takes (those whose payments it may change), in one order, so that two
     * groups cannot deadlock.
     */
    public static List<UUID> lockOrder(List<LedgerEntry> group) {
        return group.stream().filter(e -> e.effect() != PaymentEffect.NONE).map(LedgerEntry::userId).filter(java.util.Objects::nonNull).distinct()
                .sorted(java.util.Comparator.comparing(UUID::toString)).toList();
    }
}
