package dev.parley.server.proxy.internal;

import dev.parley.auth.AuthResult;
import dev.parley.auth.DigestAuthenticator;
import dev.parley.server.internal.DigestChallenges;
import dev.parley.server.proxy.AddressMatcher;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.proxy.RequestOrigin;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who may have a request proxied, and who the proxy says sent it ({@code docs/server.md},
 * "Proxy"): trusted sources always; a request whose From is a user of the domain after digest
 * authentication as that user (407 otherwise, sent statelessly, RFC 3261 §8.2.7; a digest that
 * does not verify is reported to the {@link RateLimiter}); a request from another domain only
 * to a user of ours (relaying is refused 403). Counts the challenges and refused relays.
 *
 * <p>Thread-safe; runs on event loops and never blocks (accounts are in memory).
 */
final class Admission {
  private final ProxyCore core;
  private final String domain;
  private final AddressMatcher trusted;
  private final UserAgentMatcher md5OnlyUserAgents;
  private final DigestAuthenticator authenticator;
  private final RateLimiter limiter;
  private final LongAdder challenges = new LongAdder();
  private final LongAdder relaysRefused = new LongAdder();

  /**
   * Admission to {@code core}, which answers the refusals.
   *
   * @param limiter told of every failed authentication, or null when that is not limited
   */
  Admission(ProxyCore core, String domain, AddressMatcher trusted,
      UserAgentMatcher md5OnlyUserAgents, DigestAuthenticator authenticator, RateLimiter limiter) {
    this.core = core;
    this.domain = domain;
    this.trusted = trusted;
    this.md5OnlyUserAgents = md5OnlyUserAgents;
    this.authenticator = authenticator;
    this.limiter = limiter;
  }

  /**
   * Whether the sender may have this request proxied, and who it is: trusted sources always;
   * requests whose From is a local user after digest authentication as that user (407
   * otherwise); requests from other domains only to local users ({@code relaying} false).
   *
   * @return the origin, or null when the request has been answered (challenged or refused)
   */
  RequestOrigin admitted(ServerTransaction tx, SipRequest request, boolean relaying) {
    InetSocketAddress remote = tx.flow().remote();
    InetAddress source = remote.getAddress();
    if (trusted.matches(source)) {
      return RequestOrigin.trustedSource(remote);
    }
    boolean fromLocal = request.from().uri() instanceof SipUri f
        && core.own().isDomainHost(f.host());
    if (!fromLocal) {
      if (relaying) {
        refuseRelay(tx, request);
        return null;
      }
      return RequestOrigin.unauthenticated(remote); // from outside to one of our users
    }
    AuthResult auth = authenticator.authenticateProxy(request, domain, source);
    if (auth.status() == AuthResult.Status.MALFORMED) {
      core.reject(tx, request, 400, "Bad Request (malformed credentials)");
      return null;
    }
    if (!auth.isOk()) {
      if (auth.status() == AuthResult.Status.BAD_CREDENTIALS && limiter != null) {
        limiter.authFailed(source);
      }
      // §8.2.7: no state for unauthenticated requests
      core.respondStatelessly(tx, challenge(request, source, auth.isStale()));
      return null;
    }
    String fromUser = ((SipUri) request.from().uri()).userDecoded();
    if (!auth.username().equals(fromUser)) {
      core.reject(tx, request, 403, "Forbidden (From is not the authenticated user)");
      return null;
    }
    if (core.isDisabled(fromUser)) {
      core.reject(tx, request, 403, "Forbidden (account disabled)");
      return null;
    }
    return RequestOrigin.authenticated(remote, fromUser);
  }

  /**
   * The 407 that {@link #admitted} gives a request from a local user without any
   * Proxy-Authorization field, or null when it would not challenge it (a trusted source, a
   * sender from another domain, credentials present) or the server answers 400 first (a repeated
   * singleton field): for a challenge decided before the
   * request has a transaction (RFC 3261 §8.2.7). Counted as a challenge when returned.
   */
  SipResponse challengeWithoutCredentials(SipRequest request, InetSocketAddress remote) {
    InetAddress source = remote.getAddress();
    if (request.headers().contains(HeaderName.PROXY_AUTHORIZATION) || trusted.matches(source)
        || !(request.from().uri() instanceof SipUri f) || !core.own().isDomainHost(f.host())
        || request.repeatedSingletonHeader() != null) { // the server's 400 comes first
      return null;
    }
    return challenge(request, source, false);
  }

  private SipResponse challenge(SipRequest request, InetAddress source, boolean stale) {
    SipResponse.Builder r = request.response(407, Tags.stateless(request));
    for (String c : DigestChallenges.offered(authenticator, domain, stale, request, source,
        md5OnlyUserAgents)) {
      r.header(HeaderName.PROXY_AUTHENTICATE, c);
    }
    challenges.increment();
    return r.build();
  }

  /** Who sends a request inside a dialog we record-routed: not authenticated, maybe trusted. */
  RequestOrigin inDialog(ServerTransaction tx) {
    InetSocketAddress remote = tx.flow().remote();
    return trusted.matches(remote.getAddress()) ? RequestOrigin.trustedSource(remote)
        : RequestOrigin.unauthenticated(remote);
  }

  /** Answers 403: we route for our users and domain only. */
  void refuseRelay(ServerTransaction tx, SipRequest request) {
    relaysRefused.increment();
    core.reject(tx, request, 403, "Forbidden (relaying denied)");
  }

  /** Counts an ACK dropped because it is in no dialog we record-routed. */
  void ackRefused() {
    relaysRefused.increment();
  }

  /** Whether {@code address} is a {@code trusted} source (its identity headers are kept). */
  boolean isTrusted(InetAddress address) {
    return trusted.matches(address);
  }

  /** Requests challenged (407) so far. */
  long challenges() {
    return challenges.sum();
  }

  /** Requests (and ACKs) refused as relaying so far. */
  long relaysRefused() {
    return relaysRefused.sum();
  }
}
