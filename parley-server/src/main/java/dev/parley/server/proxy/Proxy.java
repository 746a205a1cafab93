package dev.parley.server.proxy;

import dev.parley.auth.DigestAuthenticator;
import dev.parley.server.proxy.internal.OpenFlows;
import dev.parley.server.proxy.internal.ProxyCore;
import dev.parley.server.proxy.internal.SourceLimits;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.server.store.AccountCache;
import dev.parley.sip.Address;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.Inbound;
import dev.parley.transport.ServerLocator;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import dev.parley.transport.TransportListener;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The server's authenticating stateful proxy (RFC 3261 §16), the public face of the proxy role:
 * the server's transaction user hands it every request but REGISTER, the ACKs for 2xx, CANCELs
 * and stray responses; it authenticates the sender (407), finds the targets (location service,
 * static routes, Route headers, RFC 3263) and forks. The rules are in {@code docs/server.md},
 * section "Proxy"; the work is done in {@code proxy.internal}.
 *
 * <p>Thread-safe; every method runs on an event loop and never blocks.
 */
public final class Proxy {
  /** Answers requests addressed to the server itself (no user part), such as OPTIONS. */
  @FunctionalInterface
  public interface LocalHandler {
    /** Answers {@code request} on {@code transaction}. */
    void answer(ServerTransaction transaction, SipRequest request);
  }

  /**
   * A service inside the server that takes the requests for some users of the domain (the
   * conference focus): the proxy admits a new request as it would for a user (a local From
   * authenticates, 407 otherwise) and hands it over instead of looking up bindings.
   */
  public interface LocalService {
    /** Whether requests for {@code target} (a URI of the domain or one of our addresses) are the service's. */
    boolean handles(SipUri target);

    /** A request for the service, with who sent it. */
    void onRequest(ServerTransaction transaction, SipRequest request, RequestOrigin origin);
  }

  private final ProxyCore core;
  private final OpenFlows flows = new OpenFlows();

  /**
   * A proxy for {@code domain}.
   *
   * @param trusted sources whose requests are never challenged
   * @param md5OnlyUserAgents the clients whose 407 offers MD5 only
   * @param locator the RFC 3263 locator for next hops named by a host name
   * @param limiter told of every failed authentication, or null when that is not limited
   * @param unregistered what to do with a request for a known user without binding
   * @param routeSecret the secret that signs our Record-Route (at least 16 bytes)
   */
  public Proxy(String domain, ProxyConfig config, AddressMatcher trusted,
      UserAgentMatcher md5OnlyUserAgents, LocationService location, AccountCache accounts,
      DigestAuthenticator authenticator, ServerLocator locator, RateLimiter limiter,
      UnregisteredTargetHandler unregistered, byte[] routeSecret) {
    this.core = new ProxyCore(domain, config, trusted, md5OnlyUserAgents, location, accounts,
        authenticator, locator, limiter, unregistered, routeSecret, flows);
  }

  /**
   * Watches the transport's connections for the proxy's flow tokens (docs/server.md, "Proxy"
   * step 7): install the returned listener, in front of {@code next}, as the transport's. A
   * request inside a dialog whose token names a TCP, TLS or WebSocket connection that has closed
   * is then answered 430 Flow Failed (RFC 5626 §5.3) instead of dialling the address. Without it
   * such a flow is dialled.
   */
  public TransportListener watchFlows(TransportListener next) {
    return flows.watch(Objects.requireNonNull(next, "next"));
  }

  /**
   * The per-source limits in front of the transaction layer {@code next}: a request from a
   * source over its rate, or blocked for failed authentications, is dropped (UDP) or answered
   * 503 over {@code transport} (TCP, TLS, WebSocket) before a transaction exists for it.
   */
  public static TransportListener sourceLimits(TransportListener next, RateLimiter limiter,
      TransportLayer transport) {
    return new SourceLimits(Objects.requireNonNull(next, "next"),
        Objects.requireNonNull(limiter, "limiter"), Objects.requireNonNull(transport, "transport"));
  }

  /**
   * Connects the proxy to the started layers; requests that arrive before get 503.
   *
   * @param aliases the names and addresses of the domain (configured and listened on)
   */
  public void start(TransactionLayer layer, TransportLayer transport, Set<String> aliases) {
    core.start(layer, transport, aliases);
  }

  /**
   * As {@link #start(TransactionLayer, TransportLayer, Set)}, with listeners of the server that
   * are not the transport's listen points but carry its flows (the web listener's SIP over
   * WebSocket): Record-Route and Route headers naming them are the proxy's own.
   */
  public void start(TransactionLayer layer, TransportLayer transport, Set<String> aliases,
      java.util.List<dev.parley.transport.ListenPoint> moreListeners) {
    core.start(layer, transport, aliases, moreListeners);
  }

  /** A request other than REGISTER, ACK and CANCEL; requests for the server go to {@code local}. */
  public void onRequest(ServerTransaction tx, SipRequest request, LocalHandler local) {
    core.onRequest(tx, request, local);
  }

  /**
   * The 407 for a new request to a user of the domain from a local user without credentials,
   * decided before the request has a transaction (RFC 3261 §8.2.7), or null when
   * {@link #onRequest} must see it (every other request, and every request with credentials).
   */
  public SipResponse challengeWithoutCredentials(SipRequest request, InetSocketAddress remote) {
    return core.challengeWithoutCredentials(request, remote);
  }

  /** An ACK that matched no server transaction (the ACK for a 2xx): forwarded statelessly. */
  public void onAck(SipRequest ack, Inbound inbound) {
    core.onAck(ack, inbound);
  }

  /** A CANCEL for {@code invite}: answered, and the INVITE's pending branches cancelled. */
  public void onCancel(ServerTransaction invite, SipRequest cancel) {
    core.onCancel(invite, cancel);
  }

  /** A response that matched no client transaction: forwarded statelessly or dropped. */
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    core.onStrayResponse(response, inbound);
  }

  /** Sends a response upstream and counts it (also for responses made outside the proxy). */
  public void respond(ServerTransaction tx, SipResponse response) {
    core.respond(tx, response);
  }

  /**
   * Sends a request the server originates itself (the delivery of a stored MESSAGE) to the
   * bindings of its Request-URI's user; completes with the best final status.
   *
   * @throws IllegalArgumentException if {@code request} is an INVITE, ACK or CANCEL, or its
   *     Request-URI is not a user of the domain
   */
  public CompletableFuture<Integer> originate(SipRequest request) {
    return core.origination().originate(request);
  }

  /**
   * Whether {@code uri} would be sent to one of this server's own sockets (the registrar refuses
   * such contacts).
   */
  public boolean pointsAtUs(SipUri uri) {
    return core.pointsAtUs(uri);
  }

  /**
   * The Route that lets a request the server starts itself through this proxy without
   * credentials (the conference focus dialling out): our address on {@code transport} as seen at
   * {@code local}, signed for the request's Call-ID, From tag and Request-URI.
   */
  public Address originationRoute(Transport transport, InetSocketAddress local, String callId,
      String fromTag, Uri target) {
    return core.origination().route(transport, local, callId, fromTag, target);
  }

  /** Whether {@code uri}'s host is the domain, an alias or one of our addresses (and port). */
  public boolean isOurs(SipUri uri) {
    return core.isOurs(uri);
  }

  /** Hands the requests {@code service} {@link LocalService#handles handles} to it. */
  public void setLocalService(LocalService service) {
    core.setLocalService(service);
  }

  /**
   * Replaces what happens to requests for known users without binding (default: 480); the seam
   * for store-and-forward of MESSAGE.
   */
  public void setUnregisteredTargetHandler(UnregisteredTargetHandler handler) {
    core.setUnregisteredTargetHandler(handler);
  }

  /** A snapshot of the counters. */
  public ProxyStats stats() {
    return core.stats();
  }

  /**
   * At most {@code max} of the calls up through the proxy now (record-routed dialogs, BYE not
   * seen), oldest first. Walks the dialog table: for the admin page, not a hot path.
   */
  public java.util.List<ProxiedCall> calls(int max) {
    return core.dialogs().list(max).stream()
        .map(d -> new ProxiedCall(d.callId(), d.from(), d.to(),
            java.time.Instant.ofEpochMilli(d.since())))
        .toList();
  }

  /**
   * A call set up through the proxy and not yet ended, as the admin page lists it.
   *
   * @param callId its Call-ID
   * @param from the caller's From header (with tag)
   * @param to the callee's To header (with tag)
   * @param since when its 2xx passed
   */
  public record ProxiedCall(String callId, String from, String to, java.time.Instant since) {}

  /** Record-routed dialogs counted now (set up through the proxy, BYE not seen). */
  public int activeDialogs() {
    return core.dialogs().active();
  }

  /** Dialogs not counted because the table was full. */
  public long uncountedDialogs() {
    return core.dialogs().uncounted();
  }

  /** Drops counted dialogs older than the dialog lifetime; returns how many. */
  public int sweepDialogs(long nowMillis) {
    return core.dialogs().sweep(nowMillis);
  }
}
