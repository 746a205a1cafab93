package dev.parley.server.proxy;

import dev.parley.server.registrar.Aor;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;

/**
 * What the proxy does with a request for a known local user who has no binding, before it
 * answers 480 Temporarily Unavailable: the seam for pager-mode store-and-forward (issue 5 item
 * 5), where a MESSAGE for an offline user is stored and delivered when the user registers.
 *
 * <p>Called on an event loop: must not block (hand store work to another thread and answer
 * {@code transaction} from there). The request has been validated and admitted (see
 * {@link RequestOrigin} for who sent it); ACK and CANCEL never get here.
 */
@FunctionalInterface
public interface UnregisteredTargetHandler {
  /** Answers every request 480 (the default: no store-and-forward). */
  UnregisteredTargetHandler NONE = (transaction, request, aor, origin) -> false;

  /**
   * Takes over {@code request} for {@code aor}, or declines.
   *
   * <p>For an unauthenticated {@code origin} the proxy calls this also when {@code aor} is no
   * account at all, so that a sender outside the domain gets the same answer for a user that
   * does not exist as for one that is offline (no enumeration, {@code docs/security.md}): a
   * handler that takes the request must answer it in the same way and time whether the user
   * exists or not, and store nothing for a missing one.
   *
   * @param origin who sent it (authenticated user, trusted source, or neither)
   * @return true if the handler answers {@code transaction} (now or later); false to let the
   *     proxy answer 480
   */
  boolean handle(ServerTransaction transaction, SipRequest request, Aor aor,
      RequestOrigin origin);
}
