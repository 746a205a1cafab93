package dev.parley.dialog;

import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transport.Hop;
import dev.parley.transport.Hops;
import dev.parley.transport.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The user agent's bookkeeping for one dialog: the {@link Dialog} itself, our 2xx retransmitted
 * until the ACK (RFC 3261 §13.3.1.4), our reliable provisional retransmitted until the PRACK
 * (RFC 3262 §3), the last RSeq seen from the peer, and whether an offer is in progress either way
 * (re-INVITE/UPDATE glare, RFC 3261 §14, RFC 3311 §5.2).
 *
 * <p>Confined to {@link #scheduler}: every method runs there.
 */
final class DialogEntry {
  final UserAgent agent;
  final Dialog dialog;
  final Scheduler scheduler;
  /** The ACK we sent for the peer's latest 2xx, re-sent when that 2xx is retransmitted. */
  SipRequest ack;
  /** The INVITE we are answering (initial or re-INVITE), while its 2xx awaits an ACK. */
  private Retransmission ok;
  /** Hears the ACK of the 2xx {@link #ok} retransmits (its body may carry an answer). */
  private java.util.function.Consumer<SipRequest> onAck;
  /** Our reliable provisional awaiting its PRACK. */
  private Retransmission reliable;
  private long nextRSeq = 1 + (long) (Math.random() * 1000);
  long lastRemoteRSeq = -1;
  /** We sent a re-INVITE or UPDATE with an offer and have no final response yet. */
  boolean localOfferPending;
  /** The peer sent a re-INVITE we have not finished (no final response or no ACK yet). */
  boolean remoteInvitePending;
  /** The unanswered initial INVITE of a UAS early dialog, so a BYE can end it with 487. */
  IncomingInvite earlyInvite;
  /** The subscriptions (RFC 6665 §4.5.2 dialog usages) living in this dialog, either side. */
  final java.util.List<SubscriptionTable.Usage> subscriptions = new java.util.ArrayList<>(1);
  /** Created by SUBSCRIBE, REFER or NOTIFY (no INVITE): it ends with its last subscription. */
  boolean subscriptionOnly;
  /** REFERs accepted in this dialog (RFC 3515 §2.4.6: the second and later NOTIFY with an id). */
  int refersAccepted;

  DialogEntry(UserAgent agent, Dialog dialog, Scheduler scheduler) {
    this.agent = agent;
    this.dialog = dialog;
    this.scheduler = scheduler;
  }

  /**
   * Where requests in the dialog go first (RFC 3261 §12.2.1.1): its first route, or its remote
   * target.
   */
  Hop nextHop() {
    return Hops.next(dialog.routeSet(), dialog.remoteTarget());
  }

  /** §13.3.1.4: retransmit our 2xx at T1, 2T1, ... up to T2 until the ACK, for 64*T1 at most. */
  void retransmitUntilAck(ServerTransaction tx, SipResponse response, CompletableFuture<Dialog> done,
      java.util.function.Consumer<SipRequest> ackListener) {
    cancel(ok);
    onAck = ackListener;
    ok = new Retransmission(tx, response, done, () -> {
      // No ACK for 64*T1: the dialog is confirmed but the session ends (§13.3.1.4).
      agent.endWithBye(this);
      done.completeExceptionally(new SipFailure(408, "no ACK for the 2xx within 64*T1"));
    });
  }

  /** An ACK for our 2xx arrived; true if it matched the one awaited. */
  boolean acked(SipRequest ack) {
    if (ok == null || ok.response.cseq().sequence() != ack.cseq().sequence()) {
      return false;
    }
    Retransmission r = ok;
    ok = null;
    r.stop();
    remoteInvitePending = false;
    if (onAck != null) {
      onAck.accept(ack);
      onAck = null;
    }
    r.done.complete(dialog);
    return true;
  }

  /** The RSeq for our next reliable provisional (RFC 3262 §3). */
  long nextRSeq() {
    return nextRSeq++;
  }

  /** Whether a reliable provisional still awaits its PRACK (only one at a time, RFC 3262 §3). */
  boolean awaitingPrack() {
    return reliable != null;
  }

  /** RFC 3262 §3: retransmit a reliable provisional at T1 doubling (no cap) until PRACKed, 64*T1 at most. */
  void retransmitUntilPrack(ServerTransaction tx, SipResponse response, Runnable onGiveUp) {
    cancel(reliable);
    reliable = new Retransmission(tx, response, new CompletableFuture<>(), () -> {
      reliable = null;
      onGiveUp.run();
    });
  }

  /** A PRACK arrived: true when its RAck names our outstanding reliable provisional. */
  boolean pracked(long rseq, long cseq) {
    if (reliable == null) {
      return false;
    }
    SipResponse r = reliable.response;
    String header = r.headers().get(dev.parley.sip.HeaderName.RSEQ);
    if (header == null || !header.strip().equals(Long.toString(rseq))
        || r.cseq().sequence() != cseq) {
      return false;
    }
    reliable.stop();
    reliable = null;
    return true;
  }

  /** Stops every timer (the dialog is ending). */
  void stopRetransmitting() {
    cancel(ok);
    cancel(reliable);
    ok = null;
    reliable = null;
  }

  private static void cancel(Retransmission r) {
    if (r != null) {
      r.stop();
    }
  }

  /** One response re-sent at T1, 2T1, 4T1... (capped at T2 for 2xx) until stopped or 64*T1 passes. */
  private final class Retransmission {
    final ServerTransaction tx;
    final SipResponse response;
    final CompletableFuture<Dialog> done;
    final Runnable onGiveUp;
    final long deadline;
    final boolean capAtT2;
    long interval;
    Scheduler.Timer timer;
    boolean stopped;

    Retransmission(ServerTransaction tx, SipResponse response, CompletableFuture<Dialog> done,
        Runnable onGiveUp) {
      TransactionConfig c = agent.config();
      this.tx = tx;
      this.response = response;
      this.done = done;
      this.onGiveUp = onGiveUp;
      this.capAtT2 = response.isSuccess();
      this.interval = c.t1().toMillis();
      this.deadline = scheduler.nowMillis() + 64 * c.t1().toMillis();
      this.timer = scheduler.schedule(this::fire, interval, TimeUnit.MILLISECONDS);
    }

    private void fire() {
      if (stopped) {
        return;
      }
      if (scheduler.nowMillis() >= deadline) {
        stopped = true;
        onGiveUp.run();
        return;
      }
      tx.respond(response);
      interval = capAtT2 ? Math.min(interval * 2, agent.config().t2().toMillis()) : interval * 2;
      // Never sleep past the 64*T1 deadline: the give-up happens on time.
      long next = Math.min(interval, deadline - scheduler.nowMillis());
      timer = scheduler.schedule(this::fire, Math.max(0, next), TimeUnit.MILLISECONDS);
    }

    void stop() {
      stopped = true;
      if (timer != null) {
        timer.cancel();
      }
    }
  }
}
