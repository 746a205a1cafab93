package dev.parley.dialog;

import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Offers we make inside a dialog: re-INVITE (RFC 3261 §14.1) and UPDATE (RFC 3311), with the 491
 * glare retry of §14.1 (2.1-4 s when we own the Call-ID, else 0-2 s), at most
 * {@value #GLARE_RETRIES} times. Split out of {@link UserAgent}; every method runs on the dialog's
 * scheduler.
 */
final class DialogOffers {
  static final int GLARE_RETRIES = 3;
  private final UserAgent agent;

  DialogOffers(UserAgent agent) {
    this.agent = agent;
  }

  /** Starts an offer in {@code entry}'s dialog, on its scheduler. */
  CompletableFuture<SipResponse> offer(DialogEntry entry, SipMethod method, MediaType type,
      Supplier<byte[]> body) {
    Dialog dialog = entry.dialog;
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    agent.runOn(entry.scheduler, () -> {
      if (entry.localOfferPending || entry.remoteInvitePending) {
        result.completeExceptionally(new IllegalStateException(
            "an offer is already in progress in " + dialog.id()));
        return;
      }
      if (method.isInvite() && dialog.state() == Dialog.State.EARLY) {
        // §14.1: not while the initial INVITE is in progress; an early dialog takes UPDATE
        result.completeExceptionally(new IllegalStateException(
            "a re-INVITE cannot be sent in the early dialog " + dialog.id() + ": use UPDATE"));
        return;
      }
      entry.localOfferPending = true;
      sendOffer(entry, method, type, body, result, GLARE_RETRIES);
    });
    return result;
  }

  private void sendOffer(DialogEntry entry, SipMethod method, MediaType type,
      Supplier<byte[]> body, CompletableFuture<SipResponse> result, int retries) {
    SipRequest.Builder b = agent.inDialog(entry.dialog, method, 0)
        .header(HeaderName.CONTACT, agent.contactIn(entry));
    byte[] content;
    try {
      content = body.get(); // each attempt asks again: after a glare the session may have moved on
    } catch (RuntimeException e) {
      entry.localOfferPending = false;
      result.completeExceptionally(e);
      return;
    }
    if (type != null && content != null) {
      b.body(type, content);
    }
    SipRequest request = b.build();
    agent.send(request, entry.nextHop(), result, (tx, response) -> {
      if (response.isProvisional()) {
        return;
      }
      entry.localOfferPending = false;
      int code = response.statusCode();
      if (response.isSuccess()) {
        entry.dialog.targetRefreshed(response);
        if (method.isInvite()) {
          entry.ack = agent.inDialog(entry.dialog, SipMethod.ACK, request.cseq().sequence())
              .build();
          agent.transactions().sendAck(entry.ack, entry.nextHop());
        }
        result.complete(response);
      } else if (code == 491 && retries > 0) {
        // §14.1: wait (2.1-4 s if we own the Call-ID, else 0-2 s), open to the peer's offer meanwhile.
        retryOffer(entry, method, type, body, result, retries - 1, response);
      } else {
        if (code == 481 || code == 408) {
          agent.endWithBye(entry); // §14.1: the dialog is gone at the peer
        }
        result.complete(response);
      }
    });
  }

  private void retryOffer(DialogEntry entry, SipMethod method, MediaType type,
      Supplier<byte[]> body, CompletableFuture<SipResponse> result, int retries,
      SipResponse last) {
    long delay = entry.dialog.isUac()
        ? 2100 + ThreadLocalRandom.current().nextLong(191) * 10
        : ThreadLocalRandom.current().nextLong(201) * 10;
    entry.scheduler.schedule(() -> {
      if (entry.dialog.state() == Dialog.State.TERMINATED) {
        result.complete(last);
      } else if (entry.localOfferPending || entry.remoteInvitePending) {
        if (retries > 0) {
          retryOffer(entry, method, type, body, result, retries - 1, last);
        } else {
          result.complete(last);
        }
      } else {
        entry.localOfferPending = true;
        sendOffer(entry, method, type, body, result, retries);
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

}
