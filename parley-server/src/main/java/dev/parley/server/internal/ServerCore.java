package dev.parley.server.internal;

import dev.parley.dialog.Responses;
import dev.parley.server.Registrar;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's transaction user: REGISTER goes to the {@link Registrar}, OPTIONS is answered
 * 200 with the methods served, anything else 501 until the proxy core exists.
 *
 * <p>Runs on event loops; never blocks.
 */
public final class ServerCore implements TransactionUser {
  /** The methods this first cut of the server handles. */
  public static final String ALLOW = "REGISTER, OPTIONS";

  private static final Logger log = LoggerFactory.getLogger(ServerCore.class);

  private final Registrar registrar;

  /** A core handing REGISTER to {@code registrar}. */
  public ServerCore(Registrar registrar) {
    this.registrar = registrar;
  }

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    try {
      SipMethod m = request.method();
      if (m.equals(SipMethod.REGISTER)) {
        registrar.onRegister(tx, request);
      } else if (m.equals(SipMethod.OPTIONS)) {
        tx.respond(Responses.to(request, 200, Responses.randomToken())
            .header(HeaderName.ALLOW, ALLOW)
            .header(HeaderName.SUPPORTED, "path")
            .header(HeaderName.ACCEPT, "application/sdp")
            .build());
      } else {
        tx.respond(Responses.to(request, 501, Responses.randomToken())
            .header(HeaderName.ALLOW, ALLOW).build());
      }
    } catch (RuntimeException e) {
      log.warn("failed to answer {} from {}: {}", request.method(), tx.flow().remote(), e.toString());
      tx.respond(Responses.simple(request, 500, Responses.randomToken()));
    }
  }
}
