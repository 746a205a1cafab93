package dev.parley.server.proxy.internal;

import dev.parley.server.registrar.Aor;
import dev.parley.server.store.AccountCache;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Requests the server starts itself, through its own proxy: the delivery of stored MESSAGEs
 * ({@link #originate}, forked to the user's bindings in a {@link ProxyContext} of its own) and
 * the Route that lets the conference focus's dial-out pass the proxy without credentials
 * ({@link #route}, checked by {@link ProxyCore} with {@link RouteSigner#verifyOrigination}).
 *
 * <p>Thread-safe; never blocks.
 */
public final class Origination {
  private final ProxyCore core;
  private final String domain;
  private final AccountCache accounts;

  Origination(ProxyCore core, String domain, AccountCache accounts) {
    this.core = core;
    this.domain = domain;
    this.accounts = accounts;
  }

  /**
   * Sends a request of the server's own (such as the delivery of a stored MESSAGE) to the
   * current bindings of the local user its Request-URI names, forking like any proxied request
   * (§16.5-16.7), in new client transactions: the request carries no Via yet (the transaction
   * layer adds ours) and no credentials are asked. Never blocks; may be called on any thread.
   *
   * @return completes with the status of the first 2xx, else of the best final response: 404
   *     when the user does not exist, 480 when it has no binding, 408 when no branch answered in
   *     time, 503 when {@code proxy.max_contexts} requests are in flight; fails if the proxy has
   *     not started
   * @throws IllegalArgumentException if {@code request} is an INVITE, ACK or CANCEL (they need
   *     a dialog), or its Request-URI is not a user of the domain
   */
  public CompletableFuture<Integer> originate(SipRequest request) {
    SipMethod m = request.method();
    if (m.isInvite() || m.equals(SipMethod.ACK) || m.equals(SipMethod.CANCEL)) {
      throw new IllegalArgumentException("cannot originate " + m + " outside a dialog");
    }
    if (!core.started()) {
      return CompletableFuture.failedFuture(new IllegalStateException("proxy not started"));
    }
    if (!(request.requestUri() instanceof SipUri uri) || uri.user() == null
        || !core.own().isDomain(uri)) {
      throw new IllegalArgumentException("not a user of " + domain + ": " + request.requestUri());
    }
    String user = uri.userDecoded();
    if (!accounts.contains(user)) {
      return CompletableFuture.completedFuture(404);
    }
    List<ProxyTarget> targets = core.targetsOf(new Aor(user, domain));
    if (targets.isEmpty()) {
      return CompletableFuture.completedFuture(480);
    }
    if (!core.enterContext()) {
      return CompletableFuture.completedFuture(503);
    }
    SipRequest base = request.maxForwards() >= 0 ? request : request.toBuilder()
        .setHeader(HeaderName.MAX_FORWARDS, Integer.toString(ProxyCore.DEFAULT_MAX_FORWARDS))
        .build();
    CompletableFuture<Integer> result = new CompletableFuture<>();
    new ProxyContext(core, core.nextScheduler(), base, ProxyMessages.loopHash(base, List.of()),
        result).start(targets);
    return result;
  }

  /**
   * The Route that lets a request the server starts itself ({@code callId}, {@code fromTag},
   * Request-URI {@code target}) through the proxy: our address for {@code local}'s transport with
   * {@code lr} and the origination signature.
   */
  public Address route(Transport transport, InetSocketAddress local, String callId,
      String fromTag, Uri target) {
    SipUri ours = (SipUri) core.own().recordRoute(transport, local).uri();
    return Address.of(ours.toBuilder().parameter(RouteSigner.ORIGIN_PARAMETER,
        core.signer().signOrigination(callId, fromTag, target)).build());
  }
}
