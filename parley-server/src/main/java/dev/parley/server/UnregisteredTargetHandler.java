package dev.parley.server;

import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;

/**
 * What the proxy does with a request for a known local user who has no binding, before it
 * answers 480 Temporarily Unavailable: the seam for pager-mode store-and-forward (issue 5 item
 * 5), where a MESSAGE for an offline user is stored and delivered when the user registers.
 *
 * <p>Called on an event loop: must not block (hand store work to another thread and answer
 * {@code transaction} from there). The request has been authenticated and validated; ACK and
 * CANCEL never get here.
 */
@FunctionalInterface
public interface UnregisteredTargetHandler {
  /** Answers every request 480 (the default: no store-and-forward). */
  UnregisteredTargetHandler NONE = (transaction, request, aor) -> false;

  /**
   * Takes over {@code request} for {@code aor}, or declines.
   *
   * @return true if the handler answers {@code transaction} (now or later); false to let the
   *     proxy answer 480
   */
  boolean handle(ServerTransaction transaction, SipRequest request, Aor aor);
}
