package dev.parley.client.internal;

import dev.parley.client.InvitationCancelledException;
import dev.parley.client.InvitationExpiredException;
import java.util.concurrent.CompletableFuture;

/**
 * Where an incoming invitation stands, for INVITE ({@link DefaultIncomingSessionEvent}) and pager
 * ({@link PagerInvitation}) invitations alike: PENDING until the application answers or the time
 * runs out, then one of the others for good (a pager invitation is never ACCEPTING or CANCELLED).
 */
enum InvitationStatus {
  PENDING, ACCEPTING, ACCEPTED, REJECTED, CANCELLED, EXPIRED;

  /**
   * What {@code accept()} returns when the invitation is no longer PENDING: a future failed with
   * the reason; null when it is PENDING.
   *
   * @param expired what became of the invitation when nobody answered in time
   * @param inviter who invited, named when it cancelled
   */
  <T> CompletableFuture<T> acceptRefused(String expired, Object inviter) {
    return switch (this) {
      case PENDING -> null;
      case CANCELLED -> CompletableFuture.failedFuture(new InvitationCancelledException(
          "the inviter " + inviter + " cancelled the invitation"));
      case EXPIRED -> CompletableFuture.failedFuture(new InvitationExpiredException(
          "nobody answered the invitation in time; " + expired));
      case REJECTED -> CompletableFuture.failedFuture(
          new IllegalStateException("the invitation was already rejected"));
      case ACCEPTING, ACCEPTED -> CompletableFuture.failedFuture(
          new IllegalStateException("the invitation was already accepted"));
    };
  }
}
