package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.OutgoingSubscription;
import dev.parley.dialog.SipFailure;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ProxyFixture} for the conference focus's tests: the phones' IM conference INVITEs
 * and conference SUBSCRIBEs, and what came back (the refusal, its status).
 */
abstract class FocusFixture extends ProxyFixture {
  /** An IM (MSRP) offer: what the INVITEs of the IM conferences carry. */
  static final String IM_OFFER = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
      + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message 5060 sip sip:someone@example.com\r\n";

  /** An INVITE with {@link #IM_OFFER} from {@code phone} to {@code uri}, From {@code from}. */
  static SipRequest.Builder imInvite(Phone phone, Address from, String uri) {
    SipUri target = SipUri.parse(uri);
    return phone.ua.newRequest(SipMethod.INVITE, target, from, Address.of(target), Transport.UDP)
        .body(MediaType.APPLICATION_SDP, IM_OFFER.getBytes(StandardCharsets.US_ASCII));
  }

  /** {@code phone}'s IM INVITE to {@code uri}; with Ms-Conversation-ID when {@code conversation} is set. */
  static SipRequest inviteTo(Phone phone, String uri, String conversation) {
    SipRequest.Builder b = imInvite(phone, phone.aor(), uri);
    if (conversation != null) {
      b.header(HeaderName.MS_CONVERSATION_ID, conversation);
    }
    return b.build();
  }

  /** Sends {@code invite} from {@code phone} through its proxy; fails after 10 s. */
  static CompletableFuture<Dialog> invite(Phone phone, SipRequest invite) {
    return phone.ua.invite(invite, phone.proxy).orTimeout(10, TimeUnit.SECONDS);
  }

  /** {@code phone}'s IM INVITE to {@code uri}, sent; fails after 10 s. */
  static CompletableFuture<Dialog> invite(Phone phone, String uri) {
    return invite(phone, inviteTo(phone, uri, null));
  }

  /** {@code phone} in the conference at {@code uri} (or a new one from the factory URI). */
  static Dialog join(Phone phone, String uri) {
    return invite(phone, uri).join();
  }

  /** {@code phone}'s SUBSCRIBE to the conference event package of {@code uri}, sent. */
  static OutgoingSubscription subscribe(Phone phone, String uri,
      OutgoingSubscription.Listener listener) {
    SipUri target = SipUri.parse(uri);
    SipRequest subscribe = phone.ua.newRequest(SipMethod.SUBSCRIBE, target, phone.aor(),
            Address.of(target), Transport.UDP)
        .header(HeaderName.EVENT, "conference")
        .header(HeaderName.ACCEPT, ConferenceInfo.CONTENT_TYPE)
        .header(HeaderName.EXPIRES, "600").build();
    return phone.ua.subscribe(subscribe, phone.proxy, listener);
  }

  /** The status of the final response that failed with {@code t}, or -1 (not a SIP failure). */
  static int statusOf(Throwable t) {
    Throwable e = t instanceof CompletionException c ? c.getCause() : t;
    return e instanceof SipFailure f ? f.statusCode() : -1;
  }

  /** The final response that failed {@code f}, or null when it succeeded. */
  static SipResponse refusal(CompletableFuture<?> f) throws Exception {
    Throwable t = f.handle((r, e) -> e).get(10, TimeUnit.SECONDS);
    Throwable e = t instanceof CompletionException c ? c.getCause() : t;
    return e instanceof SipFailure s ? s.response() : null;
  }

  /** The final response that refused {@code f}; fails the test when it succeeded. */
  static SipResponse refused(CompletableFuture<?> f) throws Exception {
    SipResponse r = refusal(f);
    assertThat(r).as("a refusal").isNotNull();
    return r;
  }

  /** The URI of the first conference of the server's focus. */
  String conferenceUri() {
    return server.focus().conferences().get(0).uri();
  }
}
