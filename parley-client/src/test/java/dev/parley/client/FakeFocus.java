package dev.parley.client;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.Subscription;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.sip.body.ConferenceInfo;
import dev.parley.sip.body.EndpointStatus;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hops;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A scripted conference focus on loopback for the client's tests, built on parley-dialog's user
 * agent and following the wire contract of issue 13 for one conference ({@code conf-test1}):
 * INVITE to the factory or the conference joins (200 with an {@code isfocus} Contact, IM only),
 * MESSAGE is relayed as {@code message/cpim} to the other legs and answered with the
 * per-recipient results, REFER dials out (INVITE with {@code isfocus}, {@code Referred-By} and the
 * conversation ID; NOTIFY sipfrag 100 then the final status) or, with {@code method=BYE}, removes
 * a leg; SUBSCRIBE {@code Event: conference} gets the roster (full state on each change).
 */
public final class FakeFocus implements AutoCloseable {
  static final String ID = "conf-test1";

  private final UserAgent ua;
  private final List<Dialog> legs = new CopyOnWriteArrayList<>();
  /** Every request the focus received inside a dialog, in order. */
  final BlockingQueue<SipRequest> received = new LinkedBlockingQueue<>();
  /** Every INVITE outside a dialog, in order. */
  final BlockingQueue<SipRequest> invites = new LinkedBlockingQueue<>();
  /** The status joining INVITEs get (200: accepted). */
  volatile int joinStatus = 200;
  private volatile String conversation;

  private FakeFocus() {
    NettyTransportLayer transport = NettyTransportLayer.builder().listen("udp:127.0.0.1:0").build();
    this.ua = UserAgent.builder(transport).contactUser(ID).handler(new Handler()).build();
  }

  public static FakeFocus start() {
    FakeFocus f = new FakeFocus();
    f.ua.start().join();
    return f;
  }

  private int port() {
    return ua.transport().listenPoints().get(0).address().getPort();
  }

  /** The conference factory: {@code sip:conference@127.0.0.1:PORT}. */
  public SipUri factory() {
    return SipUri.parse("sip:conference@127.0.0.1:" + port());
  }

  /** The conference URI as reachable on loopback: {@code sip:conf-test1@127.0.0.1:PORT}. */
  public SipUri conference() {
    return SipUri.parse("sip:" + ID + "@127.0.0.1:" + port());
  }

  private Address contact() {
    return Address.parse("<" + conference() + ">;isfocus");
  }

  /** Every SUBSCRIBE to the roster, in order. */
  final BlockingQueue<SipRequest> subscribes = new LinkedBlockingQueue<>();
  private final List<Subscription> watchers = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
  private static final MediaType CONFERENCE_INFO = MediaType.parse(ConferenceInfo.CONTENT_TYPE);

  /** The roster now, as a full conference-info document (a new version each time). */
  private byte[] roster() {
    ConferenceInfo.Builder b = ConferenceInfo.builder(
        "sip:" + ID + "@127.0.0.1", version.incrementAndGet()).userCount(legs.size());
    for (Dialog d : legs) {
      b.addUser(ConferenceInfo.User.builder(aor(d)).addEndpoint(
          ConferenceInfo.Endpoint.builder(d.remoteTarget().toString())
              .status(EndpointStatus.CONNECTED).build()).build());
    }
    return b.build().toBytes();
  }

  /** Tells every roster subscriber the new roster (always full state: the client merges both). */
  private void rosterChanged() {
    for (Subscription s : watchers) {
      if (s.isActive()) {
        s.notify(CONFERENCE_INFO, roster());
      }
    }
  }

  /** Sends {@code body} of {@code type} as a MESSAGE on the first leg; completes with the answer. */
  CompletableFuture<SipResponse> sendOnFirstLeg(MediaType type, byte[] body) {
    return ua.request(legs.get(0), SipMethod.MESSAGE, b -> b.body(type, body));
  }

  /** Sends {@code body} as a roster NOTIFY to every subscriber, as it is (a broken document). */
  void notifyRaw(byte[] body) {
    for (Subscription s : watchers) {
      s.notify(CONFERENCE_INFO, body);
    }
  }

  /** How many roster subscriptions are up. */
  int watcherCount() {
    return watchers.size();
  }

  /** How many legs are up. */
  public int legCount() {
    return legs.size();
  }

  @Override
  public void close() {
    ua.close();
  }

  private static String aor(Dialog d) {
    Uri u = d.remoteAddress().uri();
    return u instanceof SipUri s ? "sip:" + s.user() + "@" + s.host() : u.toString();
  }


  private final class Handler implements UserAgent.Handler {
    @Override
    public void onInvite(IncomingInvite invite) {
      SipRequest request = invite.request();
      invites.add(request);
      if (joinStatus != 200) {
        invite.reject(joinStatus);
        return;
      }
      String id = request.headers().get(HeaderName.MS_CONVERSATION_ID);
      if (conversation == null && id != null) {
        conversation = id;
      }
      String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=message " + port() + " sip " + conference() + "\r\n";
      invite.contact(contact()).accept(MediaType.APPLICATION_SDP,
          sdp.getBytes(StandardCharsets.US_ASCII)).thenAccept(d -> {
            legs.add(d);
            rosterChanged();
          });
    }

    @Override
    public void onDialogEnded(Dialog dialog, SipRequest bye) {
      if (legs.removeIf(d -> d.id().equals(dialog.id()))) {
        rosterChanged();
      }
    }

    @Override
    public void onRequest(ServerTransaction tx, SipRequest request) {
      if (!request.method().equals(SipMethod.SUBSCRIBE)
          || !"conference".equals(request.headers().get(HeaderName.EVENT))) {
        UserAgent.Handler.super.onRequest(tx, request);
        return;
      }
      subscribes.add(request);
      Subscription s = ua.acceptSubscription(tx, request, Subscription.Expiry.of(3600), contact(),
          new Subscription.Listener() {
            @Override
            public void onEnded(Subscription ended, String reason) {
              watchers.remove(ended);
            }
          });
      watchers.add(s);
      s.notify(CONFERENCE_INFO, roster());
    }

    @Override
    public void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
      received.add(request);
      if (request.method().equals(SipMethod.MESSAGE)) {
        relay(dialog, tx, request);
      } else if (request.method().equals(SipMethod.REFER)) {
        refer(ua.acceptRefer(tx, request, contact(), new Subscription.Listener() { }), request);
      } else {
        tx.respond(request.response(200).build());
      }
    }
  }

  private void relay(Dialog from, ServerTransaction tx, SipRequest message) {
    List<Dialog> others = new ArrayList<>();
    for (Dialog d : legs) {
      if (!d.id().equals(from.id())) {
        others.add(d);
      }
    }
    if (others.isEmpty()) {
      tx.respond(message.response(480).build());
      return;
    }
    String cpim = "From: <" + aor(from) + ">\r\nTo: <" + conference() + ">\r\nDateTime: "
        + Instant.now() + "\r\n\r\nContent-Type: " + message.contentType() + "\r\n\r\n";
    byte[] head = cpim.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + message.body().length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(message.body(), 0, body, head.length, message.body().length);
    List<CompletableFuture<String>> each = new ArrayList<>();
    for (Dialog d : others) {
      each.add(ua.request(d, SipMethod.MESSAGE, b -> b.body(MediaType.parse("message/cpim"), body))
          .handle((r, e) -> "{\"uri\":\"" + aor(d) + "\",\"status\":"
              + (r != null ? r.statusCode() : 408) + "}"));
    }
    CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenRun(() -> {
      List<String> results = each.stream().map(CompletableFuture::join).toList();
      if (message.contentType() != null && message.contentType().toString()
          .startsWith("application/im-iscomposing+xml")) {
        tx.respond(message.response(200).build());
        return;
      }
      tx.respond(message.response(200).body(MediaType.parse("application/vnd.parley.im-results+json"),
          ("{\"results\":[" + String.join(",", results) + "]}").getBytes(StandardCharsets.UTF_8))
          .build());
    });
  }

  private void refer(Subscription from, SipRequest refer) {
    Address referTo = Address.parse(refer.headers().get(HeaderName.REFER_TO));
    SipUri target = (SipUri) referTo.uri();
    from.notifyProgress(100, "Trying");
    if ("BYE".equalsIgnoreCase(target.method())) {
      String who = "sip:" + target.user() + "@" + target.host();
      for (Dialog d : legs) {
        if (aor(d).equals(who)) {
          legs.remove(d);
          rosterChanged();
          ua.bye(d).whenComplete((r, e) -> from.notifyProgress(200, "OK"));
          return;
        }
      }
      from.notifyProgress(481, "Call/Transaction Does Not Exist");
      return;
    }
    SipRequest.Builder b = ua.newRequest(SipMethod.INVITE, target,
            Address.builder(SipUri.parse("sip:" + ID + "@127.0.0.1")).displayName("Test").build(),
            Address.of(target), Transport.UDP)
        .setHeader(HeaderName.CONTACT, contact().toString())
        .header(HeaderName.REFERRED_BY, refer.headers().get(HeaderName.REFERRED_BY))
        .body(MediaType.APPLICATION_SDP, ("v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\n"
            + "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=message " + port() + " sip " + conference()
            + "\r\n").getBytes(StandardCharsets.US_ASCII));
    if (conversation != null) {
      b.header(HeaderName.MS_CONVERSATION_ID, conversation);
    }
    ua.invite(b.build(), Hops.of(target)).whenComplete((dialog, error) -> {
      if (error == null) {
        legs.add(dialog);
        rosterChanged();
        from.notifyProgress(200, "OK");
      } else {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        int code = cause instanceof dev.parley.dialog.SipFailure f ? f.statusCode() : 500;
        SipResponse r = cause instanceof dev.parley.dialog.SipFailure f ? f.response() : null;
        from.notifyProgress(code, r != null ? r.reasonPhrase() : "Failed");
      }
    });
  }
}
