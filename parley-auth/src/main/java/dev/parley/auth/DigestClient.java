package dev.parley.auth;

import dev.parley.sip.CSeq;
import dev.parley.sip.Challenge;
import dev.parley.sip.Credentials;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.Parameters;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The UAC side of digest authentication (RFC 3261 §22.2, §22.3; RFC 7616 §3.4; RFC 8760 §2.4):
 * picks the challenge to answer, computes the credentials, and decides whether a rejected request
 * is worth another try.
 *
 * <p>It keeps, per nonce, the nonce count it has sent (so {@code nc} increases by one with each
 * request answered with that nonce, RFC 7616 §3.4) and how many times in a row credentials were
 * refused, in a map bounded to {@link #DEFAULT_MAX_TRACKED_NONCES} entries (least recently used
 * first out). Thread-safe: one instance may serve every request of a user agent.
 *
 * <p>Retry policy ({@link #shouldRetry}): a challenge is answered when the request carried no
 * credentials for its realm. When it did, the credentials were refused; the request is retried
 * only if the server says {@code stale=true} (the password was right, the nonce old), or, once, if
 * the server issued a new nonce without saying stale (servers that do not send {@code stale}
 * exist). The same nonce is never answered twice unless stale, and a chain of retries stops after
 * {@link #MAX_CHAINED_RETRIES}.
 */
public final class DigestClient {
  /** How many nonces the client remembers by default: {@value}. */
  public static final int DEFAULT_MAX_TRACKED_NONCES = 1024;
  /** How many retries may follow one another for one realm before giving up: {@value}. */
  public static final int MAX_CHAINED_RETRIES = 3;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Supplier<String> cnonces;
  private final Map<String, NonceState> nonces;

  /** A client remembering up to {@link #DEFAULT_MAX_TRACKED_NONCES} nonces. */
  public DigestClient() {
    this(DEFAULT_MAX_TRACKED_NONCES);
  }

  /**
   * A client remembering up to {@code maxTrackedNonces} nonces.
   *
   * @throws IllegalArgumentException if {@code maxTrackedNonces} is less than 1
   */
  public DigestClient(int maxTrackedNonces) {
    this(maxTrackedNonces, DigestClient::randomCnonce);
  }

  DigestClient(int maxTrackedNonces, Supplier<String> cnonces) {
    if (maxTrackedNonces < 1) {
      throw new IllegalArgumentException("maxTrackedNonces must be at least 1: " + maxTrackedNonces);
    }
    this.cnonces = Objects.requireNonNull(cnonces, "cnonces");
    this.nonces = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, NonceState> eldest) {
        return size() > maxTrackedNonces;
      }
    };
  }

  /**
   * The challenge to answer among those of one response: the Digest challenge with the strongest
   * supported algorithm, the topmost one among equals (RFC 8760 §2.4). Challenges of other schemes,
   * unknown algorithms, missing or empty realm or nonce, or offering only unknown qop values are
   * skipped.
   *
   * @return the challenge, or empty when none can be answered
   * @throws NullPointerException if {@code challenges} is null
   */
  public static Optional<Challenge> select(List<Challenge> challenges) {
    return select(challenges, null);
  }

  /**
   * Like {@link #select(List)}, keeping only challenges {@code secret} can answer.
   *
   * @throws NullPointerException if {@code challenges} or {@code secret} is null
   */
  public static Optional<Challenge> select(List<Challenge> challenges, UserSecret secret) {
    Objects.requireNonNull(challenges, "challenges");
    Challenge best = null;
    int bestStrength = -1;
    for (Challenge c : challenges) {
      DigestAlgorithm a = answerable(c);
      if (a == null || (secret != null && !secret.supports(a, c.parameter("realm")))) {
        continue;
      }
      if (a.strength() > bestStrength) {
        best = c;
        bestStrength = a.strength();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The algorithm of {@code c} if this client can answer it, else null. */
  private static DigestAlgorithm answerable(Challenge c) {
    // An empty realm cannot be answered: an HA1 is computed for a named realm (Ha1.compute).
    if (c == null || !c.isDigest() || isBlank(c.parameter("realm"))
        || isBlank(c.parameter("nonce"))) {
      return null;
    }
    String qop = c.parameter("qop");
    if (qop != null && !Digest.listsQop(qop, Digest.AUTH) && !Digest.listsQop(qop, Digest.AUTH_INT)) {
      return null;
    }
    return DigestAlgorithm.find(c.parameter("algorithm")).orElse(null);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isEmpty();
  }

  /**
   * The credentials answering {@code challenge} for a request (RFC 7616 §3.4): qop=auth when
   * offered (auth-int only when it is the only one offered; none, RFC 2069 style, when the
   * challenge has no qop), the next nonce count for this nonce, a fresh random cnonce, and the
   * opaque value echoed.
   *
   * @param method the request method
   * @param digestUri the Request-URI as written in the request ({@code uri} auth-param)
   * @param body the request body, hashed only for qop=auth-int; null means empty
   * @throws IllegalArgumentException if the challenge is not a Digest challenge this client can
   *     answer, or {@code secret} cannot answer its realm and algorithm
   * @throws NullPointerException if {@code challenge}, {@code secret}, {@code method} or
   *     {@code digestUri} is null
   */
  public Credentials respond(Challenge challenge, UserSecret secret, SipMethod method,
      String digestUri, byte[] body) {
    return respond(challenge, secret, method, digestUri, body, cnonces.get());
  }

  Credentials respond(Challenge challenge, UserSecret secret, SipMethod method, String digestUri,
      byte[] body, String cnonce) {
    Objects.requireNonNull(challenge, "challenge");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(digestUri, "digestUri");
    if (!challenge.isDigest()) {
      throw new IllegalArgumentException("challenge is not Digest: " + challenge.scheme());
    }
    String realm = challenge.parameter("realm");
    if (isBlank(realm)) {
      throw new IllegalArgumentException("challenge has no realm or an empty one");
    }
    String nonce = challenge.parameter("nonce");
    if (isBlank(nonce)) {
      throw new IllegalArgumentException("challenge has no nonce");
    }
    String algorithmParam = challenge.parameter("algorithm");
    DigestAlgorithm algorithm = DigestAlgorithm.find(algorithmParam).orElseThrow(
        () -> new IllegalArgumentException("challenge algorithm is not supported: " + algorithmParam));
    String ha1 = secret.ha1(algorithm, realm);
    if (ha1 == null) {
      throw new IllegalArgumentException("secret cannot answer realm " + realm + " with "
          + algorithm.token());
    }
    String offered = challenge.parameter("qop");
    String qop = null;
    if (offered != null) {
      if (Digest.listsQop(offered, Digest.AUTH)) {
        qop = Digest.AUTH;
      } else if (Digest.listsQop(offered, Digest.AUTH_INT)) {
        qop = Digest.AUTH_INT;
      } else {
        throw new IllegalArgumentException("challenge offers no supported qop: " + offered);
      }
    }
    String nc = qop == null ? null : String.format("%08x", nextCount(nonce));
    boolean needsCnonce = qop != null || algorithm.isSession();
    String response = Digest.response(algorithm, ha1, nonce, nc, needsCnonce ? cnonce : null, qop,
        method.name(), digestUri, body);

    Parameters.Builder p = Parameters.builder()
        .add("username", Digest.quote("username", secret.username()))
        .add("realm", Digest.quote("realm", realm))
        .add("nonce", Digest.quote("nonce", nonce))
        .add("uri", Digest.quote("digestUri", digestUri))
        .add("response", Digest.quote("response", response))
        .add("algorithm", algorithm.token());
    if (needsCnonce) {
      p.add("cnonce", Digest.quote("cnonce", cnonce));
    }
    String opaque = challenge.parameter("opaque");
    if (opaque != null) {
      p.add("opaque", Digest.quote("opaque", opaque));
    }
    if (qop != null) {
      p.add("qop", qop).add("nc", nc);
    }
    return new Credentials("Digest", p.build());
  }

  /**
   * Whether to answer {@code challenge} given the credentials the rejected request carried for the
   * same realm ({@code previous}, null when it carried none). See the class comment for the policy.
   *
   * @throws NullPointerException if {@code challenge} is null
   */
  public boolean shouldRetry(Credentials previous, Challenge challenge) {
    Objects.requireNonNull(challenge, "challenge");
    if (previous == null) {
      return true;
    }
    boolean stale = isStale(challenge);
    String previousNonce = previous.parameter("nonce");
    if (!stale && Objects.equals(previousNonce, challenge.parameter("nonce"))) {
      return false;
    }
    NonceState state;
    synchronized (nonces) {
      state = previousNonce == null ? null : nonces.get(previousNonce);
    }
    int depth = state == null ? 0 : state.depth;
    int rejections = state == null ? 0 : state.rejections;
    return depth < MAX_CHAINED_RETRIES && (stale || rejections == 0);
  }

  /**
   * The request to send again with credentials answering the challenges of {@code
   * challengeResponse} (RFC 3261 §22.2, §22.3): Authorization for each WWW-Authenticate realm,
   * Proxy-Authorization for each Proxy-Authenticate realm (credentials for other realms are kept),
   * and the CSeq number incremented (§8.1.3.5). Everything else is unchanged; the caller gives it
   * a new Via branch.
   *
   * @return the request to send, or null when it must not be retried: no challenge can be
   *     answered, {@code provider} has no secret for a realm, the retry policy refuses (see
   *     {@link #shouldRetry}), a challenge header is malformed, or CSeq would overflow
   * @throws IllegalArgumentException if {@code challengeResponse} is not a 401 or 407
   * @throws dev.parley.sip.SipParseException if {@code original} carries a malformed Authorization
   *     or Proxy-Authorization header
   * @throws NullPointerException if an argument is null
   */
  public SipRequest authorize(SipRequest original, SipResponse challengeResponse,
      CredentialsProvider provider) {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(challengeResponse, "challengeResponse");
    Objects.requireNonNull(provider, "provider");
    int code = challengeResponse.statusCode();
    if (code != 401 && code != 407) {
      throw new IllegalArgumentException("challengeResponse is not a 401 or 407: " + code);
    }
    List<Challenge> www;
    List<Challenge> proxy;
    try {
      www = challengeResponse.headers(Header.WWW_AUTHENTICATE);
      proxy = challengeResponse.headers(Header.PROXY_AUTHENTICATE);
    } catch (SipParseException e) {
      return null;
    }
    if (www.isEmpty() && proxy.isEmpty()) {
      return null;
    }
    CSeq cseq = original.cseq();
    if (cseq == null || cseq.sequence() >= CSeq.MAX_SEQUENCE) {
      return null;
    }
    SipRequest.Builder b = original.toBuilder();
    if (!answer(original, www, Header.AUTHORIZATION, provider, b)
        || !answer(original, proxy, Header.PROXY_AUTHORIZATION, provider, b)) {
      return null;
    }
    b.setHeader(HeaderName.CSEQ, new CSeq(cseq.sequence() + 1, cseq.method()).toString());
    return b.build();
  }

  private boolean answer(SipRequest original, List<Challenge> challenges,
      Header<Credentials> header, CredentialsProvider provider, SipRequest.Builder out) {
    if (challenges.isEmpty()) {
      return true;
    }
    Map<String, List<Challenge>> byRealm = new LinkedHashMap<>();
    for (Challenge c : challenges) {
      String realm = c.isDigest() ? c.parameter("realm") : null;
      if (realm != null) {
        byRealm.computeIfAbsent(realm, r -> new ArrayList<>(2)).add(c);
      }
    }
    if (byRealm.isEmpty()) {
      return false;
    }
    List<Credentials> kept = new ArrayList<>(original.headers(header));
    List<Credentials> added = new ArrayList<>(byRealm.size());
    for (Map.Entry<String, List<Challenge>> e : byRealm.entrySet()) {
      String realm = e.getKey();
      UserSecret secret = provider.forRealm(realm);
      if (secret == null) {
        return false;
      }
      Optional<Challenge> chosen = select(e.getValue(), secret);
      if (chosen.isEmpty()) {
        return false;
      }
      Challenge challenge = chosen.get();
      Credentials previous = null;
      for (Credentials c : kept) {
        if (c.isDigest() && realm.equals(c.parameter("realm"))) {
          previous = c;
        }
      }
      if (!shouldRetry(previous, challenge)) {
        return false;
      }
      kept.removeIf(c -> c.isDigest() && realm.equals(c.parameter("realm")));
      Credentials answer = respond(challenge, secret, original.method(),
          original.requestUri().toString(), original.body());
      remember(previous, challenge);
      added.add(answer);
    }
    out.removeHeader(header.name());
    for (Credentials c : kept) {
      out.header(header.name(), c.toString());
    }
    for (Credentials c : added) {
      out.header(header.name(), c.toString());
    }
    return true;
  }

  /** Records the retry chain of the nonce just answered. */
  private void remember(Credentials previous, Challenge challenge) {
    String nonce = challenge.parameter("nonce");
    synchronized (nonces) {
      NonceState before = previous == null ? null : nonces.get(previous.parameter("nonce"));
      NonceState now = nonces.computeIfAbsent(nonce, n -> new NonceState());
      if (previous != null) {
        now.depth = Math.max(now.depth, (before == null ? 0 : before.depth) + 1);
        now.rejections = Math.max(now.rejections,
            (before == null ? 0 : before.rejections) + (isStale(challenge) ? 0 : 1));
      }
    }
  }

  private long nextCount(String nonce) {
    synchronized (nonces) {
      NonceState s = nonces.computeIfAbsent(nonce, n -> new NonceState());
      s.count = s.count >= 0xFFFF_FFFFL ? 1 : s.count + 1;
      return s.count;
    }
  }

  private static boolean isStale(Challenge c) {
    return "true".equalsIgnoreCase(c.parameter("stale"));
  }

  private static String randomCnonce() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return DigestAlgorithm.hex(b);
  }

  /** What the client remembers of one nonce; guarded by the map's lock. */
  private static final class NonceState {
    long count;
    int depth;
    int rejections;
  }
}
