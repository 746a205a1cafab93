package dev.parley.client.internal;

/**
 * What a session needs from an invitation still ours to answer, whatever carried it: an INVITE
 * ({@link DefaultIncomingSessionEvent}) or a pager-mode MESSAGE ({@link PagerInvitation}).
 * Methods run under the endpoint's lock.
 */
interface PendingInvitation {
  /** Ends the invitation with {@code statusCode} if still pending; the action sends it, or null. */
  Runnable rejectLocked(int statusCode);

  /** Whether accept() was called and the acceptance is not complete yet. */
  boolean isAccepting();
}
