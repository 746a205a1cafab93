package dev.parley.client.internal;

import dev.parley.client.DeliveryResult;
import dev.parley.client.InstantMessagingSession;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.sip.body.CpimMessage;
import dev.parley.sip.body.DeliveryResults;
import dev.parley.transaction.ServerTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link DefaultConferenceSession}'s instant messages (the wire contract of issue 13): ours go
 * to the focus in the session's dialog and its answer becomes one {@link DeliveryResult} per
 * recipient; the others' come from the focus relayed in CPIM (RFC 3862) and are delivered as
 * their writer's, a member of the roster.
 */
final class ConferenceMessages {
  /** Relayed messages (RFC 3862). */
  static final MediaType CPIM = MediaType.parse(CpimMessage.CONTENT_TYPE);
  /** The focus's per-recipient results of a MESSAGE (the contract of issue 13). */
  static final MediaType IM_RESULTS = MediaType.parse(DeliveryResults.CONTENT_TYPE);

  private final DefaultConferenceSession session;
  private final DefaultEndpoint endpoint;

  ConferenceMessages(DefaultConferenceSession session) {
    this.session = session;
    this.endpoint = session.endpoint;
  }

  /** See {@link DefaultConferenceSession#send}: to the focus, whose answer says who got it. */
  CompletableFuture<List<DeliveryResult>> send(byte[] content, MediaType contentType) {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentType, "contentType");
    if (DefaultInstantMessagingSession.isComposingType(contentType)) {
      throw new IllegalArgumentException(
          "contentType must not be " + InstantMessagingSession.IS_COMPOSING
              + ": use setComposing(boolean)");
    }
    DefaultParticipant f;
    synchronized (endpoint.lock) {
      f = session.requireFocusLocked();
      session.stopComposingLocked(); // RFC 3994 §3.2: the message itself ends our composing state
    }
    byte[] copy = content.clone();
    String conversation = session.conversationId();
    CompletableFuture<SipResponse> sent = f.requestInDialog(SipMethod.MESSAGE, b -> {
      b.body(contentType, copy);
      if (conversation != null) {
        b.header(HeaderName.MS_CONVERSATION_ID, conversation);
      }
    });
    CompletableFuture<List<DeliveryResult>> results = new CompletableFuture<>();
    if (sent == null) {
      endpoint.complete(results, List.of(new DeliveryResult(f, 0, "not sent: no dialog")));
      endpoint.kick();
      return results;
    }
    sent.whenComplete((response, error) -> {
      List<DeliveryResult> r;
      synchronized (endpoint.lock) {
        r = resultsLocked(f, response, error);
      }
      endpoint.complete(results, r);
      endpoint.kick();
    });
    return results;
  }

  /**
   * Under the lock: the focus's answer as one result per recipient. A 2xx with the contract's
   * results body gives one per recipient (a recipient the roster does not list yet gets a
   * participant of its own, outside the collection); any other answer, or a failure, is one
   * result for the focus.
   */
  private List<DeliveryResult> resultsLocked(DefaultParticipant f, SipResponse response,
      Throwable error) {
    if (response == null || !response.isSuccess() || response.contentType() == null
        || !response.contentType().is(IM_RESULTS.type(), IM_RESULTS.subtype())) {
      return List.of(Deliveries.result(f, response, error));
    }
    List<DeliveryResults.Result> results;
    try {
      results = DeliveryResults.parse(response.body()).results();
    } catch (RuntimeException e) {
      return List.of(Deliveries.result(f, response, null)); // unreadable: what the focus itself said
    }
    List<DeliveryResult> out = new ArrayList<>();
    for (DeliveryResults.Result r : results) {
      Uri uri;
      try {
        uri = SipUri.parse(r.uri());
      } catch (RuntimeException e) {
        continue; // not a SIP URI: nobody we could name
      }
      DefaultParticipant p = session.roster.memberLocked(uri);
      if (p == null) {
        p = DefaultParticipant.invitee(session, uri); // outside the collection
      }
      String phrase = r.status() == 0 ? "not sent" : SipStatus.reasonPhraseOf(r.status());
      out.add(new DeliveryResult(p, r.status(), phrase));
    }
    return out.isEmpty() ? List.of(Deliveries.result(f, response, null)) : List.copyOf(out);
  }

  /**
   * A MESSAGE in the focus's dialog: a relayed one (CPIM) is answered and delivered as its
   * writer's; false for any other request, which the session handles as its own.
   */
  boolean onDialogRequest(DefaultParticipant p, ServerTransaction tx, SipRequest request) {
    MediaType type = request.contentType();
    if (!request.method().equals(SipMethod.MESSAGE) || type == null
        || !type.is(CPIM.type(), CPIM.subtype())) {
      return false; // the focus's own messages come from the focus
    }
    CpimMessage cpim;
    Uri writer;
    try {
      cpim = CpimMessage.parse(request.body());
      writer = Address.parse(cpim.fromUri()).uri();
    } catch (RuntimeException e) {
      cpim = null; // BodyFormatException, or a From that is no address
      writer = null;
    }
    int status;
    if (cpim == null || cpim.contentType() == null) {
      status = 400;
    } else {
      synchronized (endpoint.lock) {
        DefaultParticipant sender = session.roster.senderLocked(writer, cpim.contentType());
        status = sender == null ? 200
            : session.receivedLocked(sender, cpim.contentType(), cpim.content());
      }
    }
    tx.respond(endpoint.ua.response(request, status).build());
    endpoint.kick();
    return true;
  }
}
