package dev.parley.server;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.UserSecret;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transport.Hop;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Parley user agent on loopback that signs in to the server under test and calls through it:
 * what it is offered lands in queues the test reads with a timeout.
 */
final class Phone implements AutoCloseable {
  /** Fast UA timers: loopback round trips are well under a millisecond. */
  static final TransactionConfig TIMERS = TransactionConfig.builder()
      .t1(Duration.ofMillis(100)).t2(Duration.ofMillis(400)).t4(Duration.ofMillis(200))
      .timerD(Duration.ofMillis(500)).build();

  final String user;
  final String domain;
  final Transport transport;
  final Hop proxy;
  final UserAgent ua;
  final BlockingQueue<IncomingInvite> invites = new LinkedBlockingQueue<>();
  final BlockingQueue<SipRequest> requests = new LinkedBlockingQueue<>();
  final BlockingQueue<SipRequest> byes = new LinkedBlockingQueue<>();
  /** Requests inside a dialog (MESSAGE, NOTIFY, INFO...), answered 200. */
  final BlockingQueue<SipRequest> dialogRequests = new LinkedBlockingQueue<>();
  /** The dialogs of INVITEs accepted by {@link #answering}, completed when the ACK arrives. */
  final BlockingQueue<java.util.concurrent.CompletableFuture<Dialog>> accepted =
      new LinkedBlockingQueue<>();
  /** What to do with each INVITE besides queueing it (on the event loop); default nothing. */
  volatile Consumer<IncomingInvite> onInvite = invite -> {};

  private Phone(String user, String password, String domain, Transport transport, Hop proxy,
      String advertisedHost) {
    this.user = user;
    this.domain = domain;
    this.transport = transport;
    this.proxy = proxy;
    UserAgent.Builder b = UserAgent.builder(NettyTransportLayer.builder()
            .listen(transport.name().toLowerCase(Locale.ROOT) + ":127.0.0.1:0").threads(1).build())
        .contactUser(user).transactionConfig(TIMERS).advertisedHost(advertisedHost)
        .handler(new UserAgent.Handler() {
          @Override
          public void onInvite(IncomingInvite invite) {
            invites.add(invite);
            onInvite.accept(invite);
          }

          @Override
          public void onRequest(ServerTransaction tx, SipRequest request) {
            requests.add(request);
            tx.respond(request.response(200, Tags.random()).build());
          }

          @Override
          public void onDialogRequest(Dialog dialog, ServerTransaction tx, SipRequest request) {
            dialogRequests.add(request);
            tx.respond(request.response(200).build());
          }

          @Override
          public void onDialogEnded(Dialog dialog, SipRequest bye) {
            if (bye != null) {
              byes.add(bye);
            }
          }
        });
    if (password != null) {
      b.credentials(CredentialsProvider.of(UserSecret.ofPassword(user, password)));
    }
    this.ua = b.build();
    ua.start().join();
  }

  /** A phone for {@code user} of the server's domain on {@code transport}. */
  static Phone of(SipServer server, String user, String password, Transport transport) {
    return new Phone(user, password, server.config().domain(), transport, hop(server, transport),
        null);
  }

  /** As {@link #of}, writing {@code host} (say an unreachable {@code *.invalid}) in its Contact. */
  static Phone advertising(SipServer server, String user, String password, Transport transport,
      String host) {
    return new Phone(user, password, server.config().domain(), transport, hop(server, transport),
        host);
  }

  static Hop hop(SipServer server, Transport transport) {
    for (ListenPoint lp : server.listenPoints()) {
      if (lp.transport() == transport) {
        return new Hop(transport, lp.address());
      }
    }
    throw new IllegalArgumentException("server does not listen on " + transport);
  }

  Address aor() {
    return Address.parse("<sip:" + user + "@" + domain + ">");
  }

  /** Answers every INVITE with 200 (after a 180 when {@code ring}). */
  Phone answering(boolean ring) {
    onInvite = invite -> {
      if (ring) {
        invite.ringing();
      }
      accepted.add(invite.accept(MediaType.APPLICATION_SDP, "v=0\r\n".getBytes()));
    };
    return this;
  }

  /** Registers the phone's contact for 600 s and returns the final response. */
  SipResponse register() throws Exception {
    return register(ua.contact(transport).toString());
  }

  /**
   * Registers {@code contact} (a Contact header value, perhaps someone else's: third-party
   * registration) for 600 s from this phone's socket and returns the final response.
   */
  SipResponse register(String contact) throws Exception {
    SipRequest reg = ua.newRequest(SipMethod.REGISTER, SipUri.parse("sip:" + domain), aor(), aor(),
            transport)
        .header(HeaderName.CONTACT, contact)
        .header(HeaderName.EXPIRES, "600").build();
    return ua.request(reg, proxy).get(10, TimeUnit.SECONDS);
  }

  /** Calls {@code target} (a user of the domain, or a full URI) through the proxy. */
  OutgoingInvite call(String target) {
    SipUri uri = SipUri.parse(target.startsWith("sip:") ? target : "sip:" + target + "@" + domain);
    SipRequest invite = ua.newRequest(SipMethod.INVITE, uri, aor(), Address.of(uri), transport)
        .body(MediaType.APPLICATION_SDP, "v=0\r\n").build();
    return ua.invite(invite, proxy, null);
  }

  /** Sends a pager-mode MESSAGE to {@code target} and returns the final response. */
  SipResponse message(String target, String text) throws Exception {
    SipUri uri = SipUri.parse(target.startsWith("sip:") ? target : "sip:" + target + "@" + domain);
    SipRequest m = ua.newRequest(SipMethod.MESSAGE, uri, aor(), Address.of(uri), transport)
        .body(MediaType.TEXT_PLAIN, text).build();
    return ua.request(m, proxy).get(10, TimeUnit.SECONDS);
  }

  /** The next INVITE offered, waiting up to 10 s. */
  IncomingInvite nextInvite() throws InterruptedException {
    IncomingInvite i = invites.poll(10, TimeUnit.SECONDS);
    if (i == null) {
      throw new AssertionError(user + " got no INVITE");
    }
    return i;
  }

  @Override
  public void close() {
    ua.close();
  }
}
