package dev.parley.dialog;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Reason;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transport.Hop;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A user agent's requests as a UAC that make or use a dialog (RFC 3261 §12.2.1, §13, §14, §15):
 * the INVITE that makes one, and inside a dialog re-INVITE and UPDATE ({@link DialogOffers}), BYE,
 * other requests (MESSAGE, INFO, NOTIFY...) and REFER (RFC 3515, through {@link
 * OutgoingSubscription}). Split out of {@link UserAgent}, whose public methods of the same names
 * document the contracts and call these; each request is built and sent on its dialog's scheduler.
 */
final class DialogRequests {
  private final UserAgent agent;
  private final DialogTable dialogs;
  private final DialogOffers offers;

  DialogRequests(UserAgent agent, DialogTable dialogs) {
    this.agent = agent;
    this.dialogs = dialogs;
    this.offers = new DialogOffers(agent);
  }

  /** See {@link UserAgent#invite(SipRequest, Hop, Consumer)}. */
  OutgoingInvite invite(SipRequest invite, Hop hop, Consumer<SipResponse> provisionals) {
    Objects.requireNonNull(invite, "invite");
    Objects.requireNonNull(hop, "hop");
    if (!invite.method().isInvite()) {
      throw new IllegalArgumentException("not an INVITE: " + invite.method());
    }
    OutgoingInvite call = new OutgoingInvite(agent, provisionals);
    agent.send(invite, hop, call.dialog(), new RequestSender.Responder() {
      @Override
      public void sent(ClientTransaction tx) {
        call.sent(tx);
      }

      @Override
      public void accept(ClientTransaction tx, SipResponse response) {
        call.onResponse(tx, response);
      }

      @Override
      public void terminated(ClientTransaction tx) {
        call.terminated(tx);
      }
    });
    return call;
  }

  /** A re-INVITE or UPDATE; see {@link UserAgent#reinvite(Dialog, MediaType, Supplier)}. */
  CompletableFuture<SipResponse> offer(Dialog dialog, SipMethod method, MediaType type,
      Supplier<byte[]> body) {
    DialogEntry entry = dialogs.find(dialog.id());
    if (entry == null) {
      return noSuchDialog(dialog);
    }
    return offers.offer(entry, method, type, body);
  }

  /** See {@link UserAgent#bye(Dialog, Reason)}. */
  CompletableFuture<SipResponse> bye(Dialog dialog, Reason reason) {
    DialogEntry entry = dialogs.find(dialog.id());
    if (entry == null) {
      return noSuchDialog(dialog);
    }
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    agent.runOn(entry.scheduler, () -> {
      try {
        SipRequest.Builder b = agent.inDialog(entry.dialog, SipMethod.BYE, 0);
        if (reason != null) {
          b.header(HeaderName.REASON, reason);
        }
        SipRequest bye = b.build();
        Hop hop = entry.nextHop();
        agent.end(entry, null);
        agent.request(bye, hop, entry.scheduler).whenComplete((r, e) -> complete(result, r, e));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** See {@link UserAgent#request(Dialog, SipMethod, Consumer)}. */
  CompletableFuture<SipResponse> request(Dialog dialog, SipMethod method,
      Consumer<SipRequest.Builder> customizer) {
    Objects.requireNonNull(customizer, "customizer");
    DialogEntry entry = dialogs.find(dialog.id());
    if (entry == null) {
      return noSuchDialog(dialog);
    }
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    agent.runOn(entry.scheduler, () -> {
      try { // the customizer may throw, the dialog may have ended since find(): fail, never hang
        SipRequest.Builder b = agent.inDialog(entry.dialog, method, 0);
        customizer.accept(b);
        agent.request(b.build(), entry.nextHop()).whenComplete((r, e) -> complete(result, r, e));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** See {@link UserAgent#refer(Dialog, Address, Address, OutgoingSubscription.Listener)}. */
  OutgoingSubscription refer(Dialog dialog, Address referTo, Address referredBy,
      OutgoingSubscription.Listener listener) {
    DialogEntry entry = dialogs.find(Objects.requireNonNull(dialog, "dialog").id());
    if (entry == null) {
      throw new IllegalStateException("no such dialog: " + dialog.id());
    }
    return OutgoingSubscription.refer(agent, entry, referTo, referredBy, listener);
  }

  private static CompletableFuture<SipResponse> noSuchDialog(Dialog dialog) {
    return CompletableFuture.failedFuture(
        new IllegalStateException("no such dialog: " + dialog.id()));
  }

  private static void complete(CompletableFuture<SipResponse> result, SipResponse r, Throwable e) {
    if (e != null) {
      result.completeExceptionally(e);
    } else {
      result.complete(r);
    }
  }
}
