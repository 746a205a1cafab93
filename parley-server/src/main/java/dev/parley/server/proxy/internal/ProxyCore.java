package dev.parley.server.proxy.internal;

import dev.parley.auth.DigestAuthenticator;
import dev.parley.server.proxy.AddressMatcher;
import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.proxy.ProxyStats;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.proxy.UnregisteredTargetHandler;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.server.store.AccountCache;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.sip.Via;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ServerLocator;
import dev.parley.transport.TransportLayer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticating stateful proxy core (RFC 3261 §16): {@link Routing} validates a request
 * (§16.3), handles its Route (§16.4), asks {@link Admission} who may send it (digest with 407,
 * trusted sources, relaying) and finds its targets (location service, static routes, loose
 * routing, §16.5); the core hands them to a {@link ProxyContext} that forks, starting from the copy
 * {@link ForwardedRequest} makes. Also forwards ACKs for 2xx statelessly
 * ({@link AckForwarding}, §16.11), drops stray responses, and lets requests the server
 * originates itself through ({@link Origination}: the delivery of stored MESSAGEs, the focus's
 * dial-out); next hops are found by {@link NextHops}. The rules are in
 * {@code docs/server.md}, section "Proxy". Digests that do not verify are reported to the
 * {@link RateLimiter}.
 *
 * <p>Thread-safe; every method runs on an event loop and never blocks (accounts and bindings are
 * in memory, DNS is asynchronous). Its tables are bounded: response contexts by
 * {@link ProxyConfig#maxContexts()} (503 beyond), branches by the transaction limit.
 */
public final class ProxyCore {
  private static final Logger log = LoggerFactory.getLogger(ProxyCore.class);
  static final int DEFAULT_MAX_FORWARDS = 70;
  private static final String OVERLOAD_RETRY_AFTER = "5";

  private final String domain;
  private final ProxyConfig config;
  private final AccountCache accounts;
  private final NextHops hops;
  private final Origination origination;
  private final RateLimiter limiter;
  private volatile UnregisteredTargetHandler unregistered;
  private volatile Proxy.LocalService service;
  private final DialogTable dialogs;
  private final ConcurrentHashMap<ServerTransaction, ProxyContext> contexts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> ownBranches = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  /** Responses sent upstream, by status class (index 1..6). */
  private final AtomicLongArray responses = new AtomicLongArray(7);
  private final LongAdder forwarded = new LongAdder();
  private final LongAdder strayResponsesDropped = new LongAdder();
  private final LongAdder maxBreadthExceeded = new LongAdder();
  private final RouteSigner signer;
  private final ForwardedRequest forwardedRequest;
  private final Admission admission;
  private final Routing routing;
  private final AckForwarding acks = new AckForwarding(this);
  /** What every branch's lingering client transaction keeps (Timer D, K): shared. */
  final ClientTransaction.Listener branchEnd = ProxyContext.branchEnd(this);
  private final int defaultMaxBreadth;
  private volatile TransactionLayer layer;
  private volatile TransportLayer transport;
  private volatile OwnAddresses own;

  /**
   * A proxy for {@code domain}.
   *
   * @param trusted sources whose requests are never challenged
   * @param md5OnlyUserAgents the clients whose 407 offers MD5 only
   * @param locator the RFC 3263 locator for next hops named by a host name
   * @param limiter told of every failed authentication, or null when that is not limited
   * @param unregistered what to do with a request for a known user without binding
   * @param routeSecret signs our Record-Route ({@link RouteSigner}), checked on in-dialog requests
   * @param flows the open connections ({@link OpenFlows}): a flow token naming a closed one gets 430
   */
  public ProxyCore(String domain, ProxyConfig config, AddressMatcher trusted,
      UserAgentMatcher md5OnlyUserAgents, LocationService location, AccountCache accounts,
      DigestAuthenticator authenticator, ServerLocator locator, RateLimiter limiter,
      UnregisteredTargetHandler unregistered, byte[] routeSecret, OpenFlows flows) {
    this.config = config;
    this.signer = new RouteSigner(java.util.Objects.requireNonNull(routeSecret, "routeSecret"));
    this.defaultMaxBreadth = config.maxBreadth();
    this.domain = domain;
    this.forwardedRequest = new ForwardedRequest(domain, config, signer);
    this.accounts = accounts;
    this.hops = new NextHops(locator, flows);
    this.origination = new Origination(this, domain, accounts);
    this.limiter = limiter;
    this.unregistered = unregistered;
    this.admission = new Admission(this, domain, trusted, md5OnlyUserAgents, authenticator,
        limiter);
    this.dialogs = new DialogTable(config.maxDialogs(), config.dialogLifetime().toMillis());
    this.routing = new Routing(this, domain, config, location, accounts, signer, admission, hops);
  }

  /** Whether {@code user}'s account is disabled (its requests are refused 403). */
  boolean isDisabled(String user) {
    return accounts.isDisabled(user);
  }

  /** The dialogs set up through this proxy (record-routed INVITEs answered 2xx, BYE not seen). */
  public DialogTable dialogs() {
    return dialogs;
  }

  /**
   * Connects the proxy to the started layers; requests that arrive before get 503.
   *
   * @param aliases the names and addresses of the domain (configured and listened on)
   */
  public void start(TransactionLayer layer, TransportLayer transport, java.util.Set<String> aliases) {
    start(layer, transport, aliases, List.of());
  }

  /** As above, with listeners beyond the transport's listen points that carry its flows. */
  public void start(TransactionLayer layer, TransportLayer transport, java.util.Set<String> aliases,
      List<dev.parley.transport.ListenPoint> moreListeners) {
    List<dev.parley.transport.ListenPoint> listen = new java.util.ArrayList<>(
        transport.listenPoints());
    listen.addAll(moreListeners);
    this.own = new OwnAddresses(domain, aliases, listen, config.advertisedHost());
    this.transport = transport;
    this.layer = layer;
  }

  /**
   * Replaces what happens to requests for known users without binding (default: 480); the seam
   * for store-and-forward of MESSAGE.
   */
  public void setLocalService(Proxy.LocalService service) {
    this.service = service;
  }

  public void setUnregisteredTargetHandler(UnregisteredTargetHandler handler) {
    this.unregistered = java.util.Objects.requireNonNull(handler, "handler");
  }

  /** A snapshot of the counters. */
  public ProxyStats stats() {
    return new ProxyStats(active.get(), config.maxContexts(), forwarded.sum(),
        admission.challenges(),
        responses.get(1), responses.get(2), responses.get(3), responses.get(4), responses.get(5),
        responses.get(6), admission.relaysRefused(), strayResponsesDropped.sum(),
        maxBreadthExceeded.sum());
  }

  /**
   * The requests the server starts itself: stored MESSAGEs delivered, the focus's dial-out
   * Route.
   */
  public Origination origination() {
    return origination;
  }

  public boolean isOurs(SipUri uri) {
    OwnAddresses o = own;
    return o != null && o.isDomain(uri);
  }

  /**
   * Whether {@code uri} would be sent to one of this server's own sockets: one of our addresses
   * (or names) in any spelling, with one of our ports (the transport's default port when it
   * names none). The registrar refuses such contacts, and the proxy skips such bindings: a
   * contact that points back at the server makes every request to its user go round again.
   */
  public boolean pointsAtUs(SipUri uri) {
    OwnAddresses o = own;
    return o != null && o.isOwnSocket(uri);
  }

  // ---------------------------------------------------------------- requests (§16.3-16.5)

  /** A request other than REGISTER, ACK and CANCEL. */
  public void onRequest(ServerTransaction tx, SipRequest request, Proxy.LocalHandler local) {
    if (layer == null) {
      overloaded(tx, request);
      return;
    }
    try {
      routing.route(tx, request, local);
    } catch (SipParseException | IllegalArgumentException e) {
      respond(tx, request.response(400, Tags.random())
          .reasonPhrase("Bad Request (" + ProxyMessages.oneLine(e.getMessage()) + ")").build());
    }
  }

  /**
   * The 407 that {@link #route} would give a new request to a user of the domain (no To tag, no
   * Route, Max-Forwards left, no Proxy-Require, none of our branches in its Vias) from a local
   * user without credentials, decided before it has a transaction (RFC 3261 §8.2.7); null for
   * every other request, which goes on to {@link #onRequest}.
   */
  public SipResponse challengeWithoutCredentials(SipRequest request, InetSocketAddress remote) {
    if (layer == null || request.to().tag() != null || request.headers().contains(HeaderName.ROUTE)
        || request.headers().contains(HeaderName.PROXY_REQUIRE)
        || !(request.requestUri() instanceof SipUri t) || t.user() == null || !own.isDomain(t)
        || request.maxForwards() == 0) {
      return null;
    }
    for (Via v : request.vias()) {
      if (v.branch() != null && ownBranches.containsKey(v.branch())) {
        return null; // maybe a loop (482): route decides
      }
    }
    SipResponse challenge = admission.challengeWithoutCredentials(request, remote);
    if (challenge != null) {
      responses.incrementAndGet(4);
    }
    return challenge;
  }

  /** The targets of {@code aor}'s bindings, those pointing back at us left out. */
  List<ProxyTarget> targetsOf(Aor aor) {
    return routing.targetsOf(aor);
  }

  /** §16.3 step 4: one of our branches in a Via, and the same request again, is a loop. */
  boolean isLoop(SipRequest request, long hash) {
    for (Via v : request.vias()) {
      String branch = v.branch();
      Long h = branch == null ? null : ownBranches.get(branch);
      if (h != null && h == hash) {
        return true;
      }
    }
    return false;
  }

  /**
   * §16.6: hands the targets to a context with the request every branch starts from
   * ({@link ForwardedRequest}). RFC 5393: more targets than the request's {@code Max-Breadth}
   * (the configured one when it has none or a larger one) is 440.
   */
  void proxy(ServerTransaction tx, SipRequest request, Uri target, List<Address> routeSet,
      long hash, boolean inDialog, RequestOrigin origin, List<ProxyTarget> targets) {
    // RFC 5393 §5.3.1 lets a proxy lower what it received: never more than our own bound
    int breadth = Math.min(ProxyMessages.maxBreadth(request, defaultMaxBreadth), defaultMaxBreadth);
    if (targets.size() > breadth) {
      maxBreadthExceeded.increment();
      reject(tx, request, 440, "Max-Breadth Exceeded");
      return;
    }
    if (!enterContext()) {
      overloaded(tx, request);
      return;
    }
    ForwardedRequest.Copy copy = forwardedRequest.of(tx, request, target, routeSet, breadth,
        targets.size(), origin);
    if (inDialog && request.method().equals(SipMethod.BYE)) {
      dialogs.ended(request.callId(), request.from().tag(), request.to().tag());
    }
    ProxyContext ctx = new ProxyContext(this, tx, request, copy.request(), copy.signature(), hash);
    // the context ends with the final response: Timer I (INVITE) and Timer J (other requests)
    // need no request
    tx.readsNoRequestOnceConfirmed();
    tx.readsNoRequestOnceCompleted();
    contexts.put(tx, ctx);
    ctx.start(targets);
  }

  // ---------------------------------------------------------------- CANCEL, ACK, strays

  /** §16.10: a CANCEL matched {@code invite}; its branches are cancelled. */
  public void onCancel(ServerTransaction invite, SipRequest cancel) {
    ProxyContext ctx = contexts.get(invite);
    if (ctx != null) {
      ctx.cancel(cancel.headers().get(HeaderName.REASON));
    } else {
      respond(invite, invite.request().response(487, Tags.random()).build());
    }
  }

  /**
   * An ACK for a 2xx (its own transaction): forwarded statelessly along its Route, or to its
   * Request-URI when it came through our Record-Route and that URI is not this proxy; dropped
   * otherwise ({@link AckForwarding}).
   */
  public void onAck(SipRequest ack, Inbound inbound) {
    acks.onAck(ack, inbound);
  }

  /**
   * A response no client transaction matched: dropped, and charged to its source's request rate.
   * Only responses to requests this proxy forwarded go upstream, through their client
   * transaction; a 2xx retransmission or a late fork's 2xx still matches one (the Accepted state
   * of RFC 6026 §7.2 keeps an INVITE client transaction for Timer M to forward them). Relaying
   * unmatched responses (RFC 3261 §16.7 before RFC 6026) would send anyone's bytes to the
   * address in their second Via: a reflector ({@code docs/security.md}).
   */
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    strayResponsesDropped.increment();
    if (limiter != null) {
      limiter.tryAcquire(inbound.flow().remote().getAddress());
    }
    log.debug("dropped a stray {} from {}", response.statusCode(), inbound.flow());
  }

  // ---------------------------------------------------------------- for the contexts

  OwnAddresses own() {
    return own;
  }

  /** The server's own service ({@link #setLocalService}), or null. */
  Proxy.LocalService localService() {
    return service;
  }

  /** What happens to a request for a known user without binding. */
  UnregisteredTargetHandler unregisteredTargets() {
    return unregistered;
  }

  RouteSigner signer() {
    return signer;
  }

  /** Whether {@link #start} has connected the proxy to its layers. */
  boolean started() {
    return layer != null;
  }

  /** Where targets go next (RFC 3263). */
  NextHops hops() {
    return hops;
  }

  /** An event loop of the transport, for a context of the server's own. */
  dev.parley.transport.Scheduler nextScheduler() {
    return transport.nextScheduler();
  }

  /**
   * Takes a place for a new context, within {@link ProxyConfig#maxContexts()}; false (nothing
   * taken) when they are all in use. {@link #released} gives it back.
   */
  boolean enterContext() {
    if (active.incrementAndGet() > config.maxContexts()) {
      active.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Sends an ACK for a 2xx on its way (statelessly) and counts it as forwarded. */
  void sendAck(SipRequest ack, Hop hop) {
    layer.sendAck(ack, hop);
    forwarded.increment();
  }

  /** Counts an ACK dropped because it is in no dialog we record-routed. */
  void ackRefused() {
    admission.ackRefused();
  }

  /** Whether {@code address} is a {@code trusted} source (its identity headers are kept). */
  boolean isTrusted(InetAddress address) {
    return admission.isTrusted(address);
  }

  long timerCMillis() {
    return config.timerC().toMillis();
  }

  /**
   * Sends one branch, a client transaction on its context's {@code scheduler} (no hand-off to
   * another event loop); remembers its branch for loop detection until it terminates.
   */
  ClientTransaction forward(SipRequest request, Hop hop, ClientTransaction.Listener listener,
      long loopHash, dev.parley.transport.Scheduler scheduler) {
    ClientTransaction tx = layer.sendRequest(request, hop, listener, scheduler);
    if (tx.branch() != null) {
      ownBranches.put(tx.branch(), loopHash);
      if (tx.isTerminated()) {
        ownBranches.remove(tx.branch());
      }
    }
    forwarded.increment();
    return tx;
  }

  void branchEnded(ClientTransaction tx) {
    if (tx.branch() != null) {
      ownBranches.remove(tx.branch());
    }
  }

  void cancel(ClientTransaction tx, String reason) {
    try {
      layer.cancel(tx, reason).exceptionally(e -> null);
    } catch (IllegalArgumentException e) {
      log.debug("cannot cancel {}: {}", tx, e.toString());
    }
  }

  /** Sends a response upstream and counts it (also for responses made outside the proxy). */
  public void respond(ServerTransaction tx, SipResponse response) {
    int statusClass = response.statusCode() / 100;
    if (statusClass >= 1 && statusClass <= 6) {
      responses.incrementAndGet(statusClass);
    }
    tx.respond(response);
  }

  /** The context's final response went upstream: it leaves the table. */
  void released(ProxyContext ctx) {
    if (ctx.server() == null || contexts.remove(ctx.server(), ctx)) {
      active.decrementAndGet(); // an originated context is released once (ProxyContext.release)
    }
  }

  /** Answers a challenge without a transaction's state (RFC 3261 §8.2.7) and counts it. */
  void respondStatelessly(ServerTransaction tx, SipResponse response) {
    responses.incrementAndGet(response.statusCode() / 100);
    tx.respondStatelessly(response);
  }

  private void overloaded(ServerTransaction tx, SipRequest request) {
    respond(tx, request.response(503, Tags.random())
        .header(HeaderName.RETRY_AFTER, OVERLOAD_RETRY_AFTER).build());
  }

  void reject(ServerTransaction tx, SipRequest request, int code, String reason) {
    SipResponse.Builder r = request.response(code, Tags.random());
    if (reason != null) {
      r.reasonPhrase(reason);
    }
    respond(tx, r.build());
  }
}
