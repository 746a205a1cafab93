package dev.parley.server.internal;

import dev.parley.focus.Focus;
import dev.parley.server.metrics.SipTraffic;
import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.registrar.Registrar;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.Transaction;
import dev.parley.transaction.TransactionUser;
import dev.parley.transport.Inbound;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's transaction user: a request repeating a header that may appear once (two To
 * fields, say) gets 400 naming it; REGISTER goes to the {@link Registrar}; every other request,
 * the ACKs for 2xx, CANCELs and stray responses go to the {@link Proxy}, which hands
 * requests addressed to the server itself (no user part) back here: OPTIONS is answered 200 with
 * the methods served, anything else 501.
 *
 * <p>With a conference {@link Focus}, the proxy hands it the requests for its URIs; a CANCEL
 * goes to whoever took the INVITE it cancels (this core remembers the focus's INVITE server
 * transactions until they terminate), whatever its Request-URI says; a stray response goes to
 * the focus only when it is a 2xx to an INVITE of one of the focus's dialogs (the one stray it
 * acts on: it sends its ACK again), else to the proxy, which drops it and charges its source.
 *
 * <p>Runs on event loops; never blocks.
 */
public final class ServerCore implements TransactionUser {
  /** The methods the server itself answers (the proxy forwards any method to users). */
  public static final String ALLOW = "REGISTER, OPTIONS";

  private static final Logger log = LoggerFactory.getLogger(ServerCore.class);

  private final Registrar registrar;
  private final Proxy proxy;
  private final SipTraffic traffic;
  private volatile Focus focus;
  /**
   * The INVITE server transactions handed to the focus, until they terminate: where their
   * CANCELs go. Bounded by the transaction layer's own bound on transactions.
   */
  private final Set<ServerTransaction> focusInvites = ConcurrentHashMap.newKeySet();

  /**
   * A core handing REGISTER to {@code registrar} and the rest to {@code proxy}, counting the
   * requests it receives in {@code traffic}.
   */
  public ServerCore(Registrar registrar, Proxy proxy, SipTraffic traffic) {
    this.registrar = registrar;
    this.proxy = proxy;
    this.traffic = Objects.requireNonNull(traffic, "traffic");
  }

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    traffic.received(request.method());
    try {
      HeaderName repeated = request.repeatedSingletonHeader();
      if (repeated != null) { // RFC 4475 §3.1.2.19: which To (From, CSeq...) would we believe?
        tx.respond(request.response(400, Tags.random())
            .reasonPhrase("Bad Request (duplicate " + repeated + " header)").build());
      } else if (request.method().equals(SipMethod.REGISTER)) {
        registrar.onRegister(tx, request);
      } else {
        proxy.onRequest(tx, request, this::answerLocally);
      }
    } catch (RuntimeException e) {
      log.warn("failed to answer {} from {}: {}", request.method(), tx.flow().remote(), e.toString());
      tx.respond(request.response(500, Tags.random()).build());
    }
  }

  /**
   * RFC 3261 §8.2.7: a REGISTER without Authorization gets its 401, and a new request from a
   * local user without Proxy-Authorization its 407, before any transaction is made (a
   * retransmission just gets a new challenge, with the same stateless To tag). Everything else
   * (a request repeating a singleton field among them: its 400 comes first), and anything this
   * cannot read, goes on to {@link #onRequest}, which answers it as before.
   */
  @Override
  public SipResponse answerStatelessly(SipRequest request, Inbound inbound) {
    SipResponse challenge;
    try {
      challenge = request.method().equals(SipMethod.REGISTER)
          ? registrar.challengeWithoutCredentials(request, inbound.flow())
          : proxy.challengeWithoutCredentials(request, inbound.flow().remote());
    } catch (RuntimeException e) {
      return null; // onRequest answers it (400 for a field it cannot read)
    }
    if (challenge != null) {
      traffic.received(request.method());
    }
    return challenge;
  }

  /**
   * Wires the conference focus in: the proxy hands it the requests for its URIs, and this core
   * the ACKs and CANCELs for them and the stray responses to its own requests.
   */
  public void setFocus(Focus focus) {
    this.focus = focus;
    proxy.setLocalService(focus == null ? null : new Proxy.LocalService() {
      @Override
      public boolean handles(SipUri target) {
        return focus.handles(target);
      }

      @Override
      public void onRequest(ServerTransaction tx, SipRequest request, RequestOrigin origin) {
        if (tx.isInvite()) {
          focusInvites.add(tx);
        }
        try {
          focus.onRequest(tx, request, origin.authenticatedUser());
        } finally {
          if (tx.isTerminated()) { // ended already (no onTerminated will come after this)
            focusInvites.remove(tx);
          }
        }
      }
    });
  }

  /** Whether {@code request} (an ACK for a 2xx) is for the focus: its Request-URI is the focus's. */
  private Focus focusOf(SipRequest request) {
    Focus f = focus;
    return f != null && request.requestUri() instanceof SipUri u && f.handles(u)
        && proxy.isOurs(u) ? f : null;
  }

  /** A request for the server itself: OPTIONS gets 200, other methods 501. */
  private void answerLocally(ServerTransaction tx, SipRequest request) {
    SipResponse response;
    if (request.method().equals(SipMethod.OPTIONS)) {
      response = request.response(200, Tags.random())
          .header(HeaderName.ALLOW, ALLOW)
          .header(HeaderName.SUPPORTED, "path")
          .header(HeaderName.ACCEPT, "application/sdp")
          .build();
    } else {
      response = request.response(501, Tags.random())
          .header(HeaderName.ALLOW, ALLOW).build();
    }
    proxy.respond(tx, response);
  }

  @Override
  public void onAck(SipRequest ack, Inbound inbound) {
    traffic.received(ack.method());
    Focus f = focusOf(ack);
    if (f != null) {
      f.onAck(ack, inbound);
      return;
    }
    proxy.onAck(ack, inbound);
  }

  @Override
  public void onCancel(ServerTransaction invite, SipRequest cancel) {
    traffic.received(cancel.method());
    Focus f = focus;
    if (f != null && focusInvites.contains(invite)) { // by who took the INVITE, not the R-URI
      f.onCancel(invite, cancel);
      return;
    }
    proxy.onCancel(invite, cancel);
  }

  @Override
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    Focus f = focus;
    if (f != null && f.ownsStrayResponse(response)) {
      f.onStrayResponse(response, inbound);
      return;
    }
    proxy.onStrayResponse(response, inbound);
  }

  @Override
  public void onTerminated(Transaction transaction) {
    if (transaction instanceof ServerTransaction tx && tx.isInvite()) {
      focusInvites.remove(tx);
    }
  }
}
