package dev.parley.dialog;

import dev.parley.sip.Address;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An INVITE waiting for an answer: the initial INVITE of a new dialog, or a re-INVITE inside one
 * ({@link #dialog()} non-null). Ring, accept with a body, or reject.
 *
 * <p>Thread-safe: answer from any thread, once. The first final answer wins; later ones are
 * ignored. If the caller cancels first, {@link #isCancelled()} turns true and the INVITE has been
 * answered 487. When the caller supports or requires reliable provisional responses (RFC 3262,
 * option tag {@code 100rel}), {@link #ringing()} sends 180 reliably and retransmits it until the
 * PRACK arrives.
 */
public final class IncomingInvite {
  private final UserAgent agent;
  private final ServerTransaction transaction;
  private final SipRequest request;
  private final String localTag;
  private final DialogEntry reinviteOf;
  private volatile SipRequest ack;
  private final AtomicBoolean answered = new AtomicBoolean();
  private final CompletableFuture<Void> cancellation = new CompletableFuture<>();
  private volatile boolean cancelled;
  private volatile SipRequest cancelRequest;
  /** The early dialog our first provisional with a tag created (initial INVITE only). */
  private volatile DialogEntry early;
  /** The Contact of our responses, or null for the user agent's own. */
  private volatile Address contact;

  IncomingInvite(UserAgent agent, ServerTransaction transaction, SipRequest request,
      DialogEntry reinviteOf) {
    this.agent = agent;
    this.transaction = transaction;
    this.request = request;
    this.reinviteOf = reinviteOf;
    this.localTag = reinviteOf != null ? reinviteOf.dialog.id().localTag() : Tags.random();
  }

  /**
   * Sets the Contact of our provisional and 2xx responses (default: the user agent's own, {@link
   * UserAgent#contact}); the dialog keeps it for our later requests. A conference focus answers
   * with its conference URI and {@code isfocus} (RFC 4579). Call before {@link #ringing()} or
   * {@link #accept}; ignored for a re-INVITE (the dialog's Contact stays).
   *
   * @return this
   */
  public IncomingInvite contact(Address contact) {
    this.contact = Objects.requireNonNull(contact, "contact");
    return this;
  }

  /** The Contact of our responses, with its text (the user agent's own: both made once). */
  private Contacts.Contact ourContact() {
    Address c = contact;
    if (reinviteOf != null && reinviteOf.dialog.localContact() != null) {
      return Contacts.Contact.of(reinviteOf.dialog.localContact());
    }
    return c != null ? Contacts.Contact.of(c)
        : agent.contactWithText(transaction.flow().transport());
  }

  /** The INVITE. */
  public SipRequest request() {
    return request;
  }

  /** The server transaction the INVITE created. */
  public ServerTransaction transaction() {
    return transaction;
  }

  /**
   * The ACK that confirmed our 2xx, once {@link #accept}'s future has completed; null before. Its
   * body is the answer when our 2xx carried the offer (an offerless INVITE, RFC 3264 §5).
   */
  public SipRequest ack() {
    return ack;
  }

  /** The dialog a re-INVITE belongs to, or null for an initial INVITE. */
  public Dialog dialog() {
    return reinviteOf == null ? null : reinviteOf.dialog;
  }

  /** Whether the caller cancelled before any final answer (the INVITE was answered 487). */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * The CANCEL that ended this invitation (its {@code Reason} header, RFC 3326, says why), or null
   * when it was not cancelled. Set before {@link #cancellation()} completes.
   */
  public SipRequest cancelRequest() {
    return cancelRequest;
  }

  /** Whether a final answer (or the 487 of a cancel) has been sent. */
  public boolean isAnswered() {
    return answered.get();
  }

  /** Completes when the caller cancels (never completes if it does not). */
  public CompletableFuture<Void> cancellation() {
    return cancellation;
  }

  /** The tag our responses carry in To. */
  public String localTag() {
    return localTag;
  }

  /** Whether the caller asked for reliable provisional responses (Require or Supported: 100rel). */
  public boolean wantsReliableProvisionals() {
    return request.headers(Header.REQUIRE).contains(UserAgent.OPTION_100REL)
        || request.headers(Header.SUPPORTED).contains(UserAgent.OPTION_100REL);
  }

  /**
   * Sends 180 Ringing with our tag (an early dialog on both sides); reliably (RFC 3262) when the
   * caller supports 100rel, in which case a caller that never sends PRACK gets 504 after 64*T1.
   */
  public void ringing() {
    if (answered.get() || reinviteOf != null) {
      return;
    }
    agent.runOn(transaction.scheduler(), () -> {
      if (answered.get()) {
        return;
      }
      Contacts.Contact ours = ourContact();
      SipResponse.Builder b = agent.response(request, 180, localTag)
          .header(HeaderName.CONTACT, ours.text());
      DialogEntry entry = early;
      boolean reliable = wantsReliableProvisionals();
      if (entry == null) {
        entry = new DialogEntry(agent, Dialog.asUas(request, localTag, ours.address(), false),
            transaction.scheduler());
        entry.earlyInvite = this;
        if (!agent.register(entry)) {
          return;
        }
        early = entry;
      }
      if (reliable && entry.awaitingPrack()) {
        return; // RFC 3262 §3: one unacknowledged reliable provisional at a time
      }
      if (reliable) {
        b.header(HeaderName.REQUIRE, UserAgent.OPTION_100REL)
            .header(HeaderName.RSEQ, Long.toString(entry.nextRSeq()));
      }
      SipResponse ringing = b.build();
      transaction.respond(ringing);
      if (reliable) {
        entry.retransmitUntilPrack(transaction, ringing, () -> reject(504));
      }
    });
  }

  /**
   * Accepts with 200 OK carrying {@code body} of {@code type} (null for none). Completes with the
   * dialog when the ACK arrives; fails with {@link SipFailure} (408) if none comes within 64*T1,
   * in which case the dialog has been ended with BYE.
   *
   * @return the dialog future, failed at once if the invitation was already answered or cancelled
   */
  public CompletableFuture<Dialog> accept(MediaType type, byte[] body) {
    if (!answered.compareAndSet(false, true)) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          cancelled ? "the caller cancelled the invitation" : "the invitation was already answered"));
    }
    CompletableFuture<Dialog> confirmed = new CompletableFuture<>();
    agent.runOn(transaction.scheduler(), () -> {
      Contacts.Contact ours = ourContact();
      SipResponse.Builder b = agent.response(request, 200, localTag)
          .header(HeaderName.CONTACT, ours.text())
          .header(HeaderName.ALLOW, UserAgent.ALLOW)
          .header(HeaderName.SUPPORTED, UserAgent.SUPPORTED);
      if (type != null && body != null) {
        b.body(type, body);
      }
      SipResponse ok = b.build();
      DialogEntry entry = reinviteOf != null ? reinviteOf : early;
      if (entry == null) {
        entry = new DialogEntry(agent, Dialog.asUas(request, localTag, ours.address(), true),
            transaction.scheduler());
        if (!agent.register(entry)) {
          agent.answered(transaction);
          transaction.respond(agent.response(request, 503, localTag).build());
          confirmed.completeExceptionally(new SipFailure(503, "too many dialogs"));
          return;
        }
      } else {
        if (entry == early) {
          entry.dialog.confirm(ok);
        } else {
          // a re-INVITE taken on: its Contact is the new remote target (§12.2.2), now that we
          // accept it, not when it arrived (a refused one changes nothing, RFC 6141 §3.4); our
          // own 200 changes neither target nor route set (confirm() would take them from it)
          entry.dialog.refreshTarget(request);
        }
        entry.earlyInvite = null;
      }
      agent.answered(transaction);
      transaction.respond(ok);
      entry.retransmitUntilAck(transaction, ok, confirmed, a -> this.ack = a);
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
    return reject(agent.response(request, status, localTag).build());
  }

  /**
   * Rejects with a response the caller built (from {@link UserAgent#response(SipRequest, int,
   * String)}, which names the user agent's product, or {@link SipRequest#response(int, String)}).
   */
  public boolean reject(SipResponse response) {
    if (!answered.compareAndSet(false, true)) {
      return false;
    }
    finish(response);
    return true;
  }

  private void finish(SipResponse response) {
    agent.runOn(transaction.scheduler(), () -> {
      agent.answered(transaction);
      transaction.respond(response);
      if (reinviteOf != null) {
        reinviteOf.remoteInvitePending = false;
      } else if (early != null) {
        agent.forget(early);
      }
    });
  }

  /**
   * A CANCEL matched this INVITE. It wins only before a final answer: then the INVITE gets 487,
   * {@link #isCancelled()} turns true and {@link #cancellation()} completes. A CANCEL that lost
   * the race to our final response changes nothing (RFC 3261 §9.2).
   */
  void cancelled(SipRequest cancel) {
    if (answered.compareAndSet(false, true)) {
      cancelRequest = cancel;
      cancelled = true;
      finish(agent.response(request, 487, localTag).build());
      cancellation.complete(null);
    }
  }
}
