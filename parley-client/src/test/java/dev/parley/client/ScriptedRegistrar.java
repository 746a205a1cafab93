package dev.parley.client;

import dev.parley.auth.DigestAuthenticator;
import dev.parley.auth.Ha1;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.Address;
import dev.parley.sip.Challenge;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.TransportLayer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny registrar for tests: challenges REGISTER with digest (realm {@code example.test}, user
 * {@code alice}, password {@code secret}) and answers 200 with our Contact and the granted expiry,
 * or a forced status.
 */
final class ScriptedRegistrar implements AutoCloseable {
  static final String REALM = "example.test";
  final UserAgent ua;
  final List<SipRequest> registers = new CopyOnWriteArrayList<>();
  volatile int forcedStatus;
  volatile long grantedExpiry = 60;
  private final DigestAuthenticator auth = DigestAuthenticator
      .builder((user, realm, algorithm) -> user.equals("alice")
          ? Ha1.compute(algorithm, user, realm, "secret") : null)
      .build();

  ScriptedRegistrar(TransportLayer transport) {
    ua = UserAgent.builder(transport).contactUser("registrar").handler(new UserAgent.Handler() {
      @Override
      public void onInvite(IncomingInvite invite) {
        invite.reject(480);
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request) {
        if (!request.method().equals(SipMethod.REGISTER)) {
          tx.respond(request.response(405, "reg").build());
          return;
        }
        registers.add(request);
        int forced = forcedStatus;
        if (forced != 0) {
          tx.respond(request.response(forced, "reg").build());
          return;
        }
        if (!auth.authenticate(request, REALM).isOk()) {
          SipResponse.Builder b = request.response(401, "reg");
          for (Challenge c : auth.challenges(REALM, false)) {
            b.header(HeaderName.WWW_AUTHENTICATE, c.toString());
          }
          tx.respond(b.build());
          return;
        }
        long expires = request.expires() == 0 ? 0 : grantedExpiry;
        Address contact = request.contacts().get(0);
        tx.respond(request.response(200, "reg")
            .header(HeaderName.CONTACT, contact.toBuilder().parameter("expires",
                Long.toString(expires)).build())
            .build());
      }
    }).build();
    ua.start().join();
  }

  /** The registrar's URI, e.g. {@code sip:127.0.0.1:5060;transport=udp}. */
  SipUri uri() {
    ListenPoint lp = ua.transport().listenPoints().get(0);
    return SipUri.parse("sip:" + lp.hostText() + ":" + lp.address().getPort() + ";transport="
        + lp.transport().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** The REGISTERs that carried credentials. */
  List<SipRequest> authorized() {
    return registers.stream().filter(r -> r.headers().contains(HeaderName.AUTHORIZATION)).toList();
  }

  @Override
  public void close() {
    ua.close();
  }
}
