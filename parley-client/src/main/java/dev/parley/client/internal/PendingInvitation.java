package dev.parley.client.internal;

/**
 * What a session needs from an invitation still ours to answer, whatever carried it: an INVITE
 * ({@link DefaultIncomingSessionEvent}) or a pager-mode MESSAGE ({@link PagerInvitation}).
 * Methods run under the endpoint's lock.
 */
interface PendingInvitation {
  /**
   * The argument checks of {@code reject(reason)}, shared by INVITE and pager invitations.
   *
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException for NOT_SPECIFIED (the inviter would not learn why) and
   *     FORWARDED (it needs a target: {@code forward(uri)})
   */
  static void checkRejectReason(dev.parley.client.RejectReason reason) {
    java.util.Objects.requireNonNull(reason, "reason");
    if (reason == dev.parley.client.RejectReason.NOT_SPECIFIED) {
      throw new IllegalArgumentException(
          "reason must not be NOT_SPECIFIED: the inviter would not learn why (use DECLINE, BUSY...)");
    }
    if (reason == dev.parley.client.RejectReason.FORWARDED) {
      throw new IllegalArgumentException("reason FORWARDED needs a target: use forward(uri)");
    }
  }

  /** Ends the invitation with {@code statusCode} if still pending; the action sends it, or null. */
  Runnable rejectLocked(int statusCode);

  /** Whether accept() was called and the acceptance is not complete yet. */
  boolean isAccepting();
}
