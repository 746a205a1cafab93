package dev.parley.dialog;

import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ServerTransaction;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An INVITE outside any dialog, waiting for an answer: ring, accept with a body, or reject.
 *
 * <p>Thread-safe: answer from any thread, once. The first final answer wins; later ones are
 * ignored and return false. If the caller cancels first, {@link #isCancelled()} turns true and the
 * INVITE has been answered 487.
 */
public final class IncomingInvite {
  private final UserAgent agent;
  private final ServerTransaction transaction;
  private final SipRequest request;
  private final String localTag = Responses.randomToken();
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile boolean cancelled;
  private final CompletableFuture<Void> cancellation = new CompletableFuture<>();

  IncomingInvite(UserAgent agent, ServerTransaction transaction, SipRequest request) {
    this.agent = agent;
    this.transaction = transaction;
    this.request = request;
  }

  /** The INVITE. */
  public SipRequest request() {
    return request;
  }

  /** The server transaction the INVITE created. */
  public ServerTransaction transaction() {
    return transaction;
  }

  /** Whether the caller cancelled before a final answer. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Completes when the caller cancels (never completes if it does not). */
  public CompletableFuture<Void> cancellation() {
    return cancellation;
  }

  /** Sends 180 Ringing (with our tag: an early dialog on the caller's side). */
  public void ringing() {
    if (!answered.get()) {
      transaction.respond(Responses.to(request, 180, localTag)
          .header(HeaderName.CONTACT, agent.contact(transaction.flow().transport())).build());
    }
  }

  /**
   * Accepts with 200 OK carrying {@code body} of {@code type} (null for none). Completes when the
   * ACK arrives; fails with {@link SipFailure} (408) if none comes within 64*T1, in which case
   * the dialog has been ended with BYE.
   *
   * @return the dialog future, or a failed future if the invitation was already answered or
   *     cancelled
   */
  public CompletableFuture<Dialog> accept(MediaType type, byte[] body) {
    if (!answered.compareAndSet(false, true)) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          cancelled ? "the caller cancelled the invitation" : "the invitation was already answered"));
    }
    SipResponse.Builder b = Responses.to(request, 200, localTag)
        .header(HeaderName.CONTACT, agent.contact(transaction.flow().transport()))
        .header(HeaderName.ALLOW, UserAgent.ALLOW);
    if (type != null && body != null) {
      b.body(type, body);
    }
    SipResponse ok = b.build();
    Dialog dialog = Dialog.asUas(request, ok);
    UserAgent.DialogEntry entry = new UserAgent.DialogEntry(agent, dialog, transaction.scheduler());
    CompletableFuture<Dialog> confirmed = new CompletableFuture<>();
    agent.answered(transaction);
    if (!agent.register(entry)) {
      transaction.respond(Responses.simple(request, 503, localTag));
      return CompletableFuture.failedFuture(new SipFailure(503, "too many dialogs"));
    }
    entry.scheduler.run(() -> {
      transaction.respond(ok);
      entry.retransmitUntilAck(transaction, ok, confirmed);
    });
    return confirmed;
  }

  /**
   * Rejects with {@code status} (300..699) and its standard reason phrase.
   *
   * @return false if the invitation was already answered or cancelled
   * @throws IllegalArgumentException if {@code status} is not a final non-2xx code
   */
  public boolean reject(int status) {
    if (status < 300 || status > 699) {
      throw new IllegalArgumentException("status must be 300..699 to reject: " + status);
    }
    return reject(Responses.to(request, status, localTag).build());
  }

  /** Rejects with a response the caller built (use {@link Responses#to}). */
  public boolean reject(SipResponse response) {
    if (!answered.compareAndSet(false, true)) {
      return false;
    }
    agent.answered(transaction);
    transaction.respond(response);
    return true;
  }

  void cancelled() {
    cancelled = true;
    if (answered.compareAndSet(false, true)) {
      agent.answered(transaction);
      transaction.respond(Responses.simple(request, 487, localTag));
    }
    cancellation.complete(null);
  }

  /** The tag our responses carry in To. */
  public String localTag() {
    return localTag;
  }

}
