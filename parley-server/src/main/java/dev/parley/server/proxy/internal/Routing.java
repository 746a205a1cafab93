package dev.parley.server.proxy.internal;

import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.proxy.StaticRoute;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.store.AccountCache;
import dev.parley.sip.Address;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a request goes (RFC 3261 §16.3-16.5), for {@link ProxyCore}: validates it (§16.3), handles
 * its Route (§16.4: a strict router's Request-URI, our own Route entries and their signature),
 * asks {@link Admission} who may send it, and finds its targets (the local service, the
 * location service, a dialog's remote target, static routes); the core then forks to them
 * ({@link ProxyCore#proxy}) or answers.
 *
 * <p>Thread-safe: it keeps no state of its own beyond the cache of binding targets; every method
 * runs on an event loop and never blocks.
 */
final class Routing {
  private final ProxyCore core;
  private final String domain;
  private final ProxyConfig config;
  private final LocationService location;
  private final AccountCache accounts;
  private final RouteSigner signer;
  private final Admission admission;
  private final NextHops hops;
  private final RecentResults<Binding, ProxyTarget> bindingTargets =
      new RecentResults<>(512, true, ProxyTarget::ofBinding);

  Routing(ProxyCore core, String domain, ProxyConfig config, LocationService location,
      AccountCache accounts, RouteSigner signer, Admission admission, NextHops hops) {
    this.core = core;
    this.domain = domain;
    this.config = config;
    this.location = location;
    this.accounts = accounts;
    this.signer = signer;
    this.admission = admission;
    this.hops = hops;
  }

  /** A request other than REGISTER, ACK and CANCEL, once the core is started. */
  void route(ServerTransaction tx, SipRequest request, Proxy.LocalHandler local) {
    OwnAddresses own = core.own();
    if (!(request.requestUri() instanceof SipUri ruri)) {
      core.reject(tx, request, 416, null);
      return;
    }
    int maxForwards = request.maxForwards();
    if (maxForwards == 0) {
      if (request.method().equals(SipMethod.OPTIONS)) {
        local.answer(tx, request); // §16.3 step 3: the proxy may answer OPTIONS itself
      } else {
        core.reject(tx, request, 483, null);
      }
      return;
    }
    List<String> proxyRequire = request.headers(Header.PROXY_REQUIRE);
    if (!proxyRequire.isEmpty()) { // §16.3 step 6: we support no proxy extension
      core.respond(tx, request.response(420, Tags.random())
          .header(HeaderName.UNSUPPORTED, String.join(", ", proxyRequire)).build());
      return;
    }
    // §16.4: a strict router put our Record-Route URI in the Request-URI
    List<Address> routeSet = new ArrayList<>(request.routes());
    Uri target = ruri;
    String signature = null;
    String flow = null;
    if (ruri.user() == null && ruri.isLooseRouting() && own.isMe(ruri) && !routeSet.isEmpty()) {
      signature = ruri.parameters().get(RouteSigner.PARAMETER);
      flow = ruri.parameters().get(RouteSigner.FLOW_PARAMETER);
      target = routeSet.remove(routeSet.size() - 1).uri();
    }
    String origination = !routeSet.isEmpty() && routeSet.get(0).uri() instanceof SipUri first
        && own.isMe(first) ? first.parameters().get(RouteSigner.ORIGIN_PARAMETER) : null;
    String ownFlow = own.routeFlow(routeSet);
    String popped = own.popRoutes(routeSet);
    if (popped != null && !popped.isEmpty()) {
      signature = popped;
      flow = ownFlow;
    }
    long hash = ProxyMessages.loopHash(request, routeSet);
    if (core.isLoop(request, hash)) {
      core.reject(tx, request, 482, null);
      return;
    }
    // An in-dialog request passes without credentials only inside a dialog we record-routed,
    // towards the other end of it: its Route carries our signature for its Call-ID, tags and
    // remote target (RouteSigner). Anything else that merely looks in-dialog (a To tag, a Route
    // naming us, a signature of another dialog or for another target) is a new request.
    String toTag = request.to().tag();
    boolean ourDialog = toTag != null && signature != null
        && signer.verify(signature, request.callId(), request.from().tag(), toTag, target, flow);
    // a request the server starts itself (the focus dialling out) carries our own signature
    boolean fromUs = toTag == null && origination != null
        && signer.verifyOrigination(origination, request.callId(), request.from().tag(), target);
    if (!routeSet.isEmpty()) { // loose routing to the next Route (§16.6 step 7)
      if (!(routeSet.get(0).uri() instanceof SipUri next)) {
        core.reject(tx, request, 416, "Unsupported URI Scheme (Route)");
        return;
      }
      RequestOrigin origin = ourDialog ? admission.inDialog(tx) : admission.admitted(tx, request, true);
      if (origin != null) {
        core.proxy(tx, request, target, routeSet, hash, ourDialog, origin,
            List.of(new ProxyTarget(target, List.of(), null, next, false)));
      }
      return;
    }
    if (!(target instanceof SipUri t)) {
      core.reject(tx, request, 416, null);
      return;
    }
    Proxy.LocalService svc = core.localService();
    if (svc != null && svc.handles(t) && own.isDomain(t)) {
      // a service of the server (the conference focus): new requests are admitted as for a
      // user of the domain; one inside its dialogs is its own to check (481 when unknown)
      RequestOrigin origin = toTag != null ? admission.inDialog(tx)
          : admission.admitted(tx, request, false);
      if (origin != null) {
        svc.onRequest(tx, request, origin);
      }
      return;
    }
    if (ourDialog && !own.isMe(t)) {
      // §16.4, §16.12: a request in a dialog we record-routed goes to its remote target (the
      // Request-URI) as it is, never to the location service nor answered here, whatever its
      // host (a UA on our own address, a contact without user part)
      if (hops.flows().isGone(flow)) { // RFC 5626 §5.3: a closed connection is never dialled
        core.reject(tx, request, 430, "Flow Failed");
        return;
      }
      core.proxy(tx, request, t, routeSet, hash, true, admission.inDialog(tx),
          List.of(ProxyTarget.inDialog(t, flow)));
      return;
    }
    if (own.isDomain(t)) {
      if (t.user() == null) {
        local.answer(tx, request);
        return;
      }
      RequestOrigin origin = fromUs ? RequestOrigin.trustedSource(tx.flow().remote())
          : ourDialog ? admission.inDialog(tx) : admission.admitted(tx, request, false);
      if (origin != null) {
        toLocalUser(tx, request, t, routeSet, hash, ourDialog, origin);
      }
      return;
    }
    StaticRoute route = config.staticRoute(t.userDecoded(), t.host());
    if (route == null) {
      admission.refuseRelay(tx, request);
      return;
    }
    RequestOrigin origin = fromUs ? RequestOrigin.trustedSource(tx.flow().remote())
        : admission.admitted(tx, request, true);
    if (origin != null) {
      core.proxy(tx, request, t, routeSet, hash, toTag != null, origin,
          List.of(new ProxyTarget(t, List.of(), null, route.nextHop(), false)));
    }
  }

  /**
   * A request for a user of the domain: forked to the user's bindings. A user that does not
   * exist is 404 for authenticated senders only; anyone else gets what an existing user without
   * binding gets (the unregistered-target hook, else 480), so that the answer does not tell
   * who has an account ({@code docs/security.md}, "Enumeration").
   */
  private void toLocalUser(ServerTransaction tx, SipRequest request, SipUri target,
      List<Address> routeSet, long hash, boolean inDialog, RequestOrigin origin) {
    String user = target.userDecoded();
    boolean exists = user != null && !user.isEmpty() && accounts.contains(user);
    if (!exists && (origin.isAuthenticated() || user == null || user.isEmpty())) {
      core.reject(tx, request, origin.isAuthenticated() ? 404 : 480, null);
      return;
    }
    Aor aor = new Aor(user, domain);
    List<ProxyTarget> targets = exists ? targetsOf(aor) : List.of();
    if (targets.isEmpty()) {
      // The seam for store-and-forward of MESSAGE to offline users (issue 5 item 5).
      if (!core.unregisteredTargets().handle(tx, request, aor, origin)) {
        core.reject(tx, request, 480, null);
      }
      return;
    }
    core.proxy(tx, request, target, routeSet, hash, inDialog, origin, targets);
  }

  /** The targets of {@code aor}'s bindings, those pointing back at us left out. */
  List<ProxyTarget> targetsOf(Aor aor) {
    OwnAddresses own = core.own();
    List<ProxyTarget> targets = new ArrayList<>();
    for (Binding b : location.lookup(aor)) {
      ProxyTarget t = bindingTargets.get(b);
      if (t != null && !(t.hop() == null && own.isOwnSocket(t.hopUri()))) {
        targets.add(t); // a binding pointing back at us (stored before it was refused) is skipped
      }
    }
    return targets;
  }
}
