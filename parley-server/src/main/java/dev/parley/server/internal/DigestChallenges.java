package dev.parley.server.internal;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.DigestAuthenticator;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipRequest;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * The digest challenges a request gets, for the registrar's 401 and the proxy's 407: one per
 * configured algorithm (RFC 8760, SHA-256 and MD5 by default), or MD5 alone for a client named
 * in {@code auth.md5_only_user_agents} (baresip 1.0 fails a 401 in which any challenge is not
 * MD5; SIPp 3.6 and sipsak answer only the first and only MD5).
 *
 * <p>Stateless and thread-safe.
 */
public final class DigestChallenges {
  private DigestChallenges() {}

  /**
   * The challenge header values for {@code request} from {@code source} in {@code realm}: MD5
   * only when its User-Agent matches {@code md5Only} and MD5 is configured, else every configured
   * algorithm (a server configured without MD5 never offers it). The nonce is issued to
   * {@code source} (null: to anyone), so only requests from there can answer it: verify them
   * with the same source ({@link DigestAuthenticator#authenticate(SipRequest, String,
   * InetAddress)}).
   */
  public static List<String> offered(DigestAuthenticator authenticator, String realm,
      boolean stale, SipRequest request, InetAddress source, UserAgentMatcher md5Only) {
    boolean onlyMd5 = md5Only.matches(request.headers().get(HeaderName.USER_AGENT));
    return authenticator.challengeTexts(realm, stale, onlyMd5 ? MD5 : ANY, source);
  }

  /** The offers (constants: no predicate made per challenge). */
  private static final Predicate<DigestAlgorithm> ANY = a -> true;
  private static final Predicate<DigestAlgorithm> MD5 = a -> a == DigestAlgorithm.MD5;
}
