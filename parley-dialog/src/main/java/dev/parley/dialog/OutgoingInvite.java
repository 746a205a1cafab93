package dev.parley.dialog;

import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transport.Hop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An INVITE we sent outside any dialog, as the UAC (RFC 3261 §13.2): provisional responses with a
 * tag create early dialogs (one per fork), reliable ones are acknowledged with PRACK (RFC 3262),
 * the first 2xx confirms its dialog and is acknowledged, a 2xx from another fork is acknowledged
 * and ended with BYE (§13.2.2.4), and a non-2xx final response ends every early dialog.
 *
 * <p>Thread-safe. {@link #dialog()} completes on an event loop.
 */
public final class OutgoingInvite {
  private final UserAgent agent;
  private final CompletableFuture<Dialog> dialog = new CompletableFuture<>();
  private final Consumer<SipResponse> provisionals;
  private final List<DialogEntry> early = new CopyOnWriteArrayList<>();
  /** The latest attempt: the INVITE sent with the highest CSeq (see {@link #latest}). */
  private final AtomicReference<ClientTransaction> transaction = new AtomicReference<>();
  private volatile boolean cancelRequested;
  private volatile dev.parley.sip.Reason cancelReason;
  private DialogEntry winner;
  private volatile SipResponse answer;

  OutgoingInvite(UserAgent agent, Consumer<SipResponse> provisionals) {
    this.agent = agent;
    this.provisionals = provisionals;
  }

  /**
   * Completes with the confirmed dialog once a 2xx arrives (the ACK is sent); fails with
   * {@link SipFailure} on a non-2xx final response, a timeout (408) or a transport error (503).
   */
  public CompletableFuture<Dialog> dialog() {
    return dialog;
  }

  /**
   * The 2xx that confirmed {@link #dialog()} (its body is the answer to an offer we sent, RFC 3264
   * §5), or null before it arrived or when the INVITE failed. Set before {@code dialog()} completes.
   */
  public SipResponse answer() {
    return answer;
  }

  /** The early dialogs (one per fork that sent a provisional with a tag) not yet confirmed or ended. */
  public List<Dialog> earlyDialogs() {
    List<Dialog> out = new ArrayList<>(early.size());
    for (DialogEntry e : early) {
      out.add(e.dialog);
    }
    return out;
  }

  /**
   * Cancels the INVITE (RFC 3261 §9.1); the CANCEL goes out once a provisional response has
   * arrived. The {@link #dialog()} future then fails with 487 (or completes if a 2xx won the race).
   */
  public void cancel() {
    cancel(null);
  }

  /**
   * Cancels the INVITE with a Reason header (RFC 3326) saying why, e.g.
   * {@code Reason.sip(603, "Decline")}; null for none.
   */
  public void cancel(dev.parley.sip.Reason reason) {
    cancelReason = reason;
    cancelRequested = true;
    ClientTransaction tx = transaction.get();
    if (tx != null && !dialog.isDone()) {
      agent.transactions().cancel(tx, reason == null ? null : reason.toString())
          .exceptionally(e -> null);
    }
  }

  /**
   * A transaction of this INVITE started: the first, or a retry answering a digest challenge
   * (RFC 3261 §22.2). Reported by the thread that sent it, which may be after the retry's own
   * report: the challenge can be answered on the event loop before the first send returns.
   */
  void sent(ClientTransaction tx) {
    latest(tx);
    if (cancelRequested) {
      cancel(cancelReason);
    }
  }

  /**
   * Records {@code tx} unless a later attempt is known, and returns the latest attempt. A retry
   * carries the next CSeq (§22.2, §8.1.3.5), so the highest CSeq is the live INVITE whatever
   * order {@link #sent} and responses report the transactions in; a CANCEL or the end of an
   * attempt acts on that one only.
   */
  private ClientTransaction latest(ClientTransaction tx) {
    return transaction.accumulateAndGet(tx, (current, candidate) ->
        current == null || sequence(candidate) >= sequence(current) ? candidate : current);
  }

  private static long sequence(ClientTransaction tx) {
    return tx.request().cseq().sequence();
  }

  /** Called on the transaction's scheduler for every response to the (possibly re-sent) INVITE. */
  void onResponse(ClientTransaction tx, SipResponse response) {
    latest(tx);
    if (response.isProvisional()) {
      provisional(tx, response);
    } else if (response.isSuccess()) {
      success(tx, response);
    } else {
      for (DialogEntry e : early) {
        agent.forget(e);
      }
      early.clear();
      dialog.completeExceptionally(new SipFailure(response));
    }
  }

  private void provisional(ClientTransaction tx, SipResponse response) {
    String tag = response.to().tag();
    if (tag != null && response.statusCode() > 100) {
      DialogEntry entry = agent.find(new DialogId(response.callId(), response.from().tag(), tag));
      if (entry == null) {
        entry = new DialogEntry(agent, Dialog.asUac(tx.request(), response), tx.scheduler());
        if (agent.register(entry)) {
          early.add(entry);
        }
      }
      if (isReliable(response) && !prack(tx, entry, response)) {
        return; // a retransmission of a reliable provisional already acknowledged
      }
    }
    if (provisionals != null) {
      provisionals.accept(response);
    }
  }

  private static boolean isReliable(SipResponse response) {
    return response.headers(Header.REQUIRE).contains(UserAgent.OPTION_100REL)
        && response.headers().contains(HeaderName.RSEQ);
  }

  /** RFC 3262 §4: PRACK a new reliable provisional (RSeq one above the last), ignore repeats. */
  private boolean prack(ClientTransaction tx, DialogEntry entry, SipResponse response) {
    long rseq;
    try {
      rseq = Long.parseLong(response.headers().get(HeaderName.RSEQ).strip());
    } catch (NumberFormatException e) {
      return false;
    }
    if (entry.lastRemoteRSeq >= 0 && rseq <= entry.lastRemoteRSeq) {
      return false;
    }
    entry.lastRemoteRSeq = rseq;
    SipRequest prack = agent.inDialog(entry.dialog, SipMethod.PRACK, 0)
        .header(HeaderName.RACK, rseq + " " + response.cseq().sequence() + " " + response.cseq().method())
        .build();
    agent.request(prack, entry.nextHop());
    return true;
  }

  private void success(ClientTransaction tx, SipResponse response) {
    DialogId id = new DialogId(response.callId(), response.from().tag(), response.to().tag());
    if (winner != null && winner.dialog.id().equals(id)) {
      // The winning 2xx again (a retransmission, perhaps after our BYE): re-send its ACK only.
      agent.transactions().sendAck(winner.ack, winner.nextHop());
      return;
    }
    DialogEntry entry = agent.find(id);
    if (entry == null) {
      entry = new DialogEntry(agent, Dialog.asUac(tx.request(), response), tx.scheduler());
      if (!agent.register(entry)) {
        sendAck(entry, tx);
        dialog.completeExceptionally(new SipFailure(503, "too many dialogs"));
        return;
      }
    } else {
      entry.dialog.confirm(response);
    }
    early.remove(entry);
    if (entry.ack == null) {
      sendAck(entry, tx);
    } else {
      agent.transactions().sendAck(entry.ack, entry.nextHop());
    }
    if (winner == null) {
      winner = entry;
      answer = response;
      dialog.complete(entry.dialog);
    } else if (winner != entry) {
      agent.endWithBye(entry); // §13.2.2.4: a second fork answered; we keep only one dialog
    }
  }

  private void sendAck(DialogEntry entry, ClientTransaction tx) {
    entry.ack = agent.inDialog(entry.dialog, SipMethod.ACK, tx.request().cseq().sequence()).build();
    agent.transactions().sendAck(entry.ack, entry.nextHop());
  }

  /**
   * An INVITE transaction ended: when it is the latest attempt, forks that never answered lose
   * their early dialogs. A challenged attempt ending (Timer D, 32 s over UDP) while its retry
   * still rings leaves the retry's early dialogs alone.
   */
  void terminated(ClientTransaction tx) {
    if (latest(tx) != tx) {
      return;
    }
    for (DialogEntry e : early) {
      if (e.dialog.state() == Dialog.State.EARLY) {
        agent.forget(e);
      }
    }
    early.clear();
  }

}
