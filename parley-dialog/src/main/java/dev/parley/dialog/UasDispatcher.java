package dev.parley.dialog;

import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.Transaction;
import dev.parley.transport.Inbound;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UAS side of the user agent core (RFC 3261 §8.2, §12.2.2): what the transaction layer hands
 * up goes to the dialog it belongs to or to the {@link UserAgent.Handler}. It answers 420 for an
 * unsupported Require (§8.2.2.3), 400 for a request whose Content-Type, or an INVITE or UPDATE
 * whose Contact (or an initial INVITE's Record-Route) cannot be read (§8.2, before the handler
 * or the dialog sees it), 481
 * outside a known dialog, 500 for an out-of-order CSeq, BYE (§15.1.2), PRACK (RFC 3262 §3),
 * re-INVITE and UPDATE glare (§14.2, RFC 3311 §5.2) and CANCEL of a pending INVITE, and re-sends
 * our ACK when a 2xx to our INVITE comes again (§13.2.2.4). It keeps the INVITEs received and not
 * yet answered with a final response.
 *
 * <p>Split out of {@link UserAgent}, which owns one and forwards its {@code TransactionUser}
 * callbacks here; they run on event loops, and a dialog's requests run on its scheduler.
 */
final class UasDispatcher {
  private static final Logger log = LoggerFactory.getLogger(UasDispatcher.class);
  private static final Set<String> SUPPORTED_TAGS = Set.of(UserAgent.OPTION_100REL);

  private final UserAgent agent;
  private final UserAgent.Handler handler;
  private final DialogTable dialogs;
  private final Map<ServerTransaction, IncomingInvite> invites = new ConcurrentHashMap<>();

  UasDispatcher(UserAgent agent, UserAgent.Handler handler, DialogTable dialogs) {
    this.agent = agent;
    this.handler = handler;
    this.dialogs = dialogs;
  }

  /** INVITEs received and not yet answered with a final response. */
  int pendingInviteCount() {
    return invites.size();
  }

  /** The INVITE of {@code tx} has its final response. */
  void answered(ServerTransaction tx) {
    invites.remove(tx);
  }

  void onRequest(ServerTransaction tx, SipRequest request) {
    if (!unsupportedExtensions(tx, request)) {
      return;
    }
    String unreadableType = unreadableContentType(request);
    if (unreadableType != null) {
      malformed(tx, request, unreadableType); // the session or the application would read it
      return;
    }
    String toTag = request.to().tag();
    if (toTag != null) {
      inDialog(tx, request, toTag);
      return;
    }
    if (request.method().isInvite()) {
      String unreadable = Dialog.unreadable(request, true);
      if (unreadable != null) {
        malformed(tx, request, unreadable);
        return;
      }
      IncomingInvite invite = new IncomingInvite(agent, tx, request, null);
      invites.put(tx, invite);
      handler.onInvite(invite);
    } else {
      handler.onRequest(tx, request);
    }
  }

  /**
   * §8.2 (a request that cannot be processed, §21.4.1): 400 whose reason phrase names the field,
   * as the registrar's and the proxy's do, before the handler sees the request.
   */
  private void malformed(ServerTransaction tx, SipRequest request, String reason) {
    log.debug("answering 400 to {} {} from {}: {}", request.method(), request.callId(), tx.flow(),
        reason);
    String tag = request.to().tag() == null ? Tags.random() : null;
    String phrase = reason.replace('\r', ' ').replace('\n', ' '); // a reason phrase is one line
    tx.respond(agent.response(request, 400, tag)
        .reasonPhrase("Bad Request (" + phrase + ")").build());
  }

  /** Why {@code request}'s Content-Type cannot be read (for a 400's reason phrase), or null. */
  private static String unreadableContentType(SipRequest request) {
    if (!request.headers().contains(HeaderName.CONTENT_TYPE)) {
      return null;
    }
    try {
      request.contentType();
      return null;
    } catch (SipParseException e) {
      return e.reason();
    }
  }

  /** §8.2.2.3: a Require we do not support gets 420 with Unsupported; false when answered. */
  private boolean unsupportedExtensions(ServerTransaction tx, SipRequest request) {
    if (request.method().equals(SipMethod.PRACK) || !request.headers().contains(HeaderName.REQUIRE)) {
      return true;
    }
    List<String> unsupported = new ArrayList<>();
    for (String tag : request.headers(Header.REQUIRE)) {
      if (!SUPPORTED_TAGS.contains(tag.toLowerCase(Locale.ROOT))) {
        unsupported.add(tag);
      }
    }
    if (unsupported.isEmpty()) {
      return true;
    }
    tx.respond(agent.response(request, 420, Tags.random())
        .header(HeaderName.UNSUPPORTED, String.join(", ", unsupported)).build());
    return false;
  }

  private void inDialog(ServerTransaction tx, SipRequest request, String toTag) {
    DialogId id = new DialogId(request.callId(), toTag, request.from().tag());
    DialogEntry entry = dialogs.find(id);
    if (entry == null && request.method().equals(SipMethod.NOTIFY)) {
      if (agent.subscriptions().notifyWithoutDialog(tx, request)) {
        return; // RFC 6665 §4.1.2.4: a NOTIFY ahead of the 2xx to our SUBSCRIBE
      }
      // the 2xx may have made the dialog on the subscription's loop since the first look: it
      // registers the dialog before it leaves the pending table, so a NOTIFY that missed both
      // finds the dialog now (without this second look it got 481, which ends the subscription
      // at the notifier while we believe it active)
      entry = dialogs.find(id);
    }
    if (entry == null) {
      tx.respond(agent.response(request, 481).build());
      return;
    }
    DialogEntry found = entry;
    agent.runOn(found.scheduler, () -> inDialog(found, tx, request));
  }

  private void inDialog(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    SipMethod method = request.method();
    if (method.isInvite() || method.equals(SipMethod.UPDATE)) {
      String unreadable = Dialog.unreadable(request, false);
      if (unreadable != null) {
        malformed(tx, request, unreadable); // before its CSeq counts: not taken on
        return;
      }
    }
    if (!entry.dialog.acceptRemoteSequence(request)) {
      tx.respond(agent.response(request, 500).build());
      return;
    }
    if (method.equals(SipMethod.BYE)) {
      boolean known = agent.close(entry); // gone before the peer has our 200
      tx.respond(agent.response(request, 200).build());
      IncomingInvite early = entry.earlyInvite;
      if (known) {
        agent.ended(entry, request);
      }
      if (early != null) {
        early.reject(487); // BYE in an early dialog ends the INVITE too (§15.1.2)
      }
    } else if (method.equals(SipMethod.PRACK)) {
      prack(entry, tx, request);
    } else if (method.isInvite() || method.equals(SipMethod.UPDATE)) {
      offer(entry, tx, request);
    } else if (!agent.subscriptions().inDialog(entry, tx, request)) {
      handler.onDialogRequest(entry.dialog, tx, request);
    }
  }

  /** RFC 3262 §3: a PRACK naming our reliable provisional gets 200, any other 481. */
  private void prack(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    String rack = request.headers().get(HeaderName.RACK);
    boolean matched = false;
    if (rack != null) {
      String[] parts = rack.strip().split("\\s+");
      try {
        matched = parts.length == 3
            && entry.pracked(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      } catch (NumberFormatException e) {
        matched = false;
      }
    }
    tx.respond(agent.response(request, matched ? 200 : 481).build());
  }

  /**
   * A re-INVITE or UPDATE: 491 in glare or while our initial INVITE of an early dialog is open
   * (§14.2, RFC 3311 §5.2), 500 with Retry-After while the peer's own earlier INVITE (initial or
   * re-INVITE) is unanswered (§14.2). Only a request taken on refreshes the remote target: a
   * re-INVITE when we answer it 2xx, an UPDATE when it is handed to the handler.
   */
  private void offer(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    boolean isInvite = request.method().isInvite();
    boolean early = entry.dialog.state() == Dialog.State.EARLY;
    if (entry.localOfferPending || (isInvite && early && entry.dialog.isUac())) {
      tx.respond(agent.response(request, 491).build());
      return;
    }
    if (isInvite) {
      if (entry.remoteInvitePending || early) {
        tx.respond(agent.response(request, 500)
            .header(HeaderName.RETRY_AFTER, Integer.toString(ThreadLocalRandom.current().nextInt(11)))
            .build());
        return;
      }
      entry.remoteInvitePending = true; // its target refresh comes with our 2xx (IncomingInvite)
      IncomingInvite invite = new IncomingInvite(agent, tx, request, entry);
      invites.put(tx, invite);
      handler.onReInvite(entry.dialog, invite);
    } else {
      entry.dialog.refreshTarget(request);
      handler.onDialogRequest(entry.dialog, tx, request);
    }
  }

  void onAck(SipRequest ack, Inbound inbound) {
    String toTag = ack.to().tag();
    if (toTag == null) {
      return;
    }
    DialogEntry entry = dialogs.find(new DialogId(ack.callId(), toTag, ack.from().tag()));
    if (entry != null) {
      agent.runOn(entry.scheduler, () -> entry.acked(ack));
    }
  }

  void onCancel(ServerTransaction tx, SipRequest cancel) {
    IncomingInvite invite = invites.get(tx);
    if (invite != null) {
      invite.cancelled(cancel);
    }
  }

  void onStrayResponse(SipResponse response, Inbound inbound) {
    if (!response.isSuccess() || response.cseq() == null || !response.cseq().method().isInvite()) {
      return;
    }
    DialogEntry entry = dialogs.find(
        new DialogId(response.callId(), response.from().tag(), response.to().tag()));
    if (entry != null) {
      agent.runOn(entry.scheduler, () -> {
        if (entry.ack != null && entry.ack.cseq().sequence() == response.cseq().sequence()) {
          // §13.2.2.4: 2xx retransmitted
          agent.transactions().sendAck(entry.ack, entry.nextHop());
        }
      });
    }
  }

  void onTerminated(Transaction transaction) {
    if (transaction instanceof ServerTransaction st) {
      invites.remove(st);
    }
  }
}
