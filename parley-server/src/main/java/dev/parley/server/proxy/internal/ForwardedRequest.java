package dev.parley.server.proxy.internal;

import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import java.util.List;

/**
 * RFC 3261 §16.6 steps 1-3 and 6, with RFC 3325 and RFC 5393: the copy of a received request that
 * every branch of a {@link ProxyContext} starts from, and the signature our Record-Route carries
 * for it ({@link RouteSigner}). The identity headers are the server's to assert:
 * {@code P-Asserted-Identity}, {@code P-Preferred-Identity} and {@code Remote-Party-ID} from
 * anyone but a trusted source are removed, and an authenticated user's request gets
 * {@code P-Asserted-Identity} with its AOR (unless it asks for {@code Privacy: id}). The forks
 * share the request's {@code Max-Breadth}. Split out of {@link ProxyCore}, which decides whether
 * and where a request goes. Thread-safe.
 */
final class ForwardedRequest {
  private final String domain;
  private final boolean recordRoute;
  private final RouteSigner signer;
  private final RecentResults<String, String> assertedIdentities;

  ForwardedRequest(String domain, ProxyConfig config, RouteSigner signer) {
    this.domain = domain;
    this.recordRoute = config.recordRoute();
    this.signer = signer;
    this.assertedIdentities = new RecentResults<>(256, false,
        u -> ProxyMessages.assertedIdentity(u, domain));
  }

  /** What the branches start from: the request, and our Record-Route's signature or null. */
  record Copy(SipRequest request, String signature) {}

  /**
   * The copy of {@code request} for {@code target}: Max-Forwards decremented, {@code breadth}
   * shared by {@code forks}, Route set to {@code routeSet}, our domain's credentials and (but
   * from a trusted {@code origin}) the identity headers removed, the asserted identity added.
   */
  Copy of(ServerTransaction tx, SipRequest request, Uri target, List<Address> routeSet,
      int breadth, int forks, RequestOrigin origin) {
    String asserted = origin.authenticatedUser() != null && !ProxyMessages.asksPrivacy(request)
        ? assertedIdentities.get(origin.authenticatedUser()) : null;
    return new Copy(edited(request, target, routeSet, breadth, forks, origin.trusted(), asserted,
        domain), signature(tx, request));
  }

  /**
   * The forwarded copy's fields (see {@link #of}), made by edits of {@code request}'s fields
   * (parley-sip's {@code with...} copies: one copy of the field table each, the fields not
   * touched kept as they came) and {@link SipRequest#rebuilt()}: the same request, byte for
   * byte, as {@code toBuilder()} with the same header operations and {@code build()}.
   */
  static SipRequest edited(SipRequest request, Uri target, List<Address> routeSet, int breadth,
      int forks, boolean trusted, String assertedIdentity, String domain) {
    int mf = request.maxForwards();
    SipRequest r = request.withRequestUri(target)
        .withHeaderSet(HeaderName.MAX_FORWARDS,
            Integer.toString(mf < 0 ? ProxyCore.DEFAULT_MAX_FORWARDS : mf - 1))
        .withHeaderSet(HeaderName.MAX_BREADTH, Integer.toString(breadth / forks));
    if (routeSet.size() != request.routes().size()) {
      r = ProxyMessages.withRoutes(r, routeSet);
    }
    r = ProxyMessages.withoutCredentials(r, request, domain);
    if (!trusted) {
      r = ProxyMessages.withoutIdentity(r);
    }
    if (assertedIdentity != null) {
      r = r.withHeaderSet(HeaderName.P_ASSERTED_IDENTITY, assertedIdentity);
    }
    return r.rebuilt();
  }

  /**
   * The value of our psig parameter for a request we record-route (a new INVITE, SUBSCRIBE or
   * REFER when configured to), followed by our pflow parameter when the caller is reached over
   * its flow: ProxyContext finds and rewrites the two together. Null when we do not
   * record-route it.
   */
  private String signature(ServerTransaction tx, SipRequest request) {
    SipMethod m = request.method();
    if (!recordRoute || request.to().tag() != null
        || !(m.isInvite() || m.equals(SipMethod.SUBSCRIBE) || m.equals(SipMethod.REFER))) {
      return null;
    }
    // the callee's copy lets it send to the caller's Contact (ProxyContext re-signs the copy in
    // the responses for the callee's Contact)
    Uri callerContact = request.contacts().isEmpty() ? null : request.contacts().get(0).uri();
    // only as the caller's edge proxy (RFC 5626 §5.1: the request has one Via, it came from the
    // UA itself): behind another proxy or a trunk, the source is not the caller's
    String callerFlow = callerContact != null && tx.flow() != null
        && request.vias().size() == 1
        ? ProxyTarget.flowTokenFor(callerContact, tx.flow().remoteHop()) : null;
    return signer.sign(request.callId(), request.from().tag(), callerContact, callerFlow)
        + (callerFlow == null ? "" : ";" + RouteSigner.FLOW_PARAMETER + "=" + callerFlow);
  }
}
