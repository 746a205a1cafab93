package dev.parley.dialog;

/**
 * The limits and advertised packages of a user agent's subscriptions (RFC 6665), set with
 * {@link UserAgent.Builder#subscriptions}. Immutable.
 *
 * @param maxSubscriptions most subscriptions at once, as notifier and subscriber together; beyond
 *     it a SUBSCRIBE or REFER gets 503 and {@link UserAgent#subscribe} fails (default {@value
 *     #DEFAULT_MAX_SUBSCRIPTIONS})
 * @param maxQueuedNotifies most NOTIFYs waiting behind the outstanding one, per subscription
 *     (default {@value #DEFAULT_MAX_QUEUED_NOTIFIES})
 * @param allowEvents the event packages we notify, as an Allow-Events value ({@code "conference,
 *     refer"}), sent in our 2xx to SUBSCRIBE and REFER; null for none (the default)
 */
public record SubscriptionConfig(int maxSubscriptions, int maxQueuedNotifies, String allowEvents) {
  /** The default of {@link #maxSubscriptions}. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 10_000;
  /** The default of {@link #maxQueuedNotifies}. */
  public static final int DEFAULT_MAX_QUEUED_NOTIFIES = 32;
  private static final String PACKAGES =
      "[A-Za-z0-9.!%*_+`'~-]+(\\s*,\\s*[A-Za-z0-9.!%*_+`'~-]+)*";

  /** Validates the limits (at least 1) and the packages (a comma-separated list of tokens). */
  public SubscriptionConfig {
    if (maxSubscriptions < 1) {
      throw new IllegalArgumentException("maxSubscriptions out of range: " + maxSubscriptions);
    }
    if (maxQueuedNotifies < 1) {
      throw new IllegalArgumentException("maxQueuedNotifies out of range: " + maxQueuedNotifies);
    }
    if (allowEvents != null && !allowEvents.matches(PACKAGES)) {
      throw new IllegalArgumentException("allowEvents is not a list of packages: \"" + allowEvents + "\"");
    }
  }

  /** The defaults. */
  public static SubscriptionConfig defaults() {
    return new SubscriptionConfig(DEFAULT_MAX_SUBSCRIPTIONS, DEFAULT_MAX_QUEUED_NOTIFIES, null);
  }

  /** A copy with {@code max} subscriptions at most. */
  public SubscriptionConfig withMaxSubscriptions(int max) {
    return new SubscriptionConfig(max, maxQueuedNotifies, allowEvents);
  }

  /** A copy with {@code max} queued NOTIFYs per subscription at most. */
  public SubscriptionConfig withMaxQueuedNotifies(int max) {
    return new SubscriptionConfig(maxSubscriptions, max, allowEvents);
  }

  /** A copy advertising {@code packages} in Allow-Events (null for none). */
  public SubscriptionConfig withAllowEvents(String packages) {
    return new SubscriptionConfig(maxSubscriptions, maxQueuedNotifies, packages);
  }
}
