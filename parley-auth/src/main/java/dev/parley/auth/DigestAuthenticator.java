package dev.parley.auth;

import dev.parley.auth.AuthResult.Status;
import dev.parley.auth.internal.NonceCodec;
import dev.parley.auth.internal.NonceCounters;
import dev.parley.sip.Challenge;
import dev.parley.sip.Credentials;
import dev.parley.sip.Header;
import dev.parley.sip.Parameters;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.Uri;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The UAS or proxy side of digest authentication (RFC 3261 §22.1, §22.3, §22.4; RFC 7616;
 * RFC 8760): issues challenges and verifies the credentials that answer them.
 *
 * <p>Nonces are self-validating, so nothing is stored when a challenge is sent: a nonce carries its
 * issue time, random bytes and an HMAC-SHA256 over both, the realm and the client address it was
 * issued to (when the caller names one), keyed by a server secret (see {@code docs/auth.md}).
 * Servers sharing the secret accept each other's nonces. A nonce issued to a client address is
 * accepted only from that address (its IPv6 /64): a sender that cannot receive there, such as a
 * spoofed UDP source, never holds a valid nonce for it, and its digests are
 * {@link Status#UNKNOWN_NONCE}, which a server should not count as password guesses. A correct
 * answer with a nonce older than {@link DigestConfig#nonceLifetime()} is {@link Status#STALE}.
 * Replay protection tracks, per nonce, the highest nonce count accepted; a count not above it is
 * {@link Status#REPLAY}, and a nonce answered without qop may be used once only.
 *
 * <p>Verification needs only the stored HA1 ({@link CredentialStore}), never a password. The
 * response digest is compared in constant time, and an unknown user costs the same work as a
 * wrong password.
 *
 * <p>Thread-safe; verification never blocks except in the {@link CredentialStore}. Exceptions the
 * store throws propagate to the caller.
 */
public final class DigestAuthenticator {
  /**
   * Nonce randomness when the builder is given none: a DRBG per thread, since the platform's
   * default SecureRandom (NativePRNG on Linux) takes a global lock and reads /dev/urandom every
   * few calls.
   */
  private static final ThreadLocal<SecureRandom> LOCAL_RANDOM =
      ThreadLocal.withInitial(DigestAuthenticator::newDrbg);
  /**
   * Nonce randomness from {@link #LOCAL_RANDOM}, drawn {@value #NONCES_PER_DRAW} nonces' worth at a
   * time: a DRBG call has a fixed cost (reseed check, lock, state update) several times that of
   * the 12 bytes a nonce takes, and a 407 or 401 is made for every unauthenticated request.
   */
  private static final ThreadLocal<byte[]> LOCAL_NONCE_BYTES = new ThreadLocal<>();
  private static final int NONCES_PER_DRAW = 32;

  private final CredentialStore store;
  private final DigestConfig config;
  private final Clock clock;
  /** The builder's source of randomness, or null for {@link #LOCAL_RANDOM}. */
  private final SecureRandom random;
  private final NonceCodec codec;
  private final NonceCounters counters;
  private final long lifetimeMillis;
  private final Map<DigestAlgorithm, String> decoyHa1 = new EnumMap<>(DigestAlgorithm.class);
  /** The text around the nonce for the last realm challenged (one realm per server, usually). */
  private volatile ChallengeText lastChallengeText;

  private DigestAuthenticator(Builder b) {
    this.store = b.store;
    this.config = b.config;
    this.clock = b.clock;
    this.random = b.random;
    byte[] secret = b.secret;
    if (secret == null) {
      secret = new byte[32];
      random().nextBytes(secret);
    }
    this.codec = new NonceCodec(secret);
    this.counters = new NonceCounters(config.maxTrackedNonces());
    this.lifetimeMillis = config.nonceLifetime().toMillis();
    for (DigestAlgorithm a : Ha1.STORED) {
      byte[] noise = new byte[32];
      random().nextBytes(noise);
      decoyHa1.put(a, a.hash(noise));
    }
  }

  /**
   * A builder for an authenticator looking HA1 values up in {@code store}.
   *
   * @throws NullPointerException if {@code store} is null
   */
  public static Builder builder(CredentialStore store) {
    return new Builder(store);
  }

  /** The configuration. */
  public DigestConfig config() {
    return config;
  }

  /**
   * Fresh challenges for {@code realm}, one per configured algorithm, most preferred first
   * (RFC 8760 §2.3), for WWW-Authenticate (401) or Proxy-Authenticate (407) header fields. They
   * share one new nonce and carry {@code qop="auth"}, the realm's opaque value, and {@code
   * stale=true} when {@code stale} is set.
   *
   * @param stale whether the request was refused only because its nonce was stale or replayed
   *     ({@link AuthResult#isStale()})
   * @throws IllegalArgumentException if {@code realm} is empty or holds a control character
   * @throws NullPointerException if {@code realm} is null
   */
  public List<Challenge> challenges(String realm, boolean stale) {
    return challenges(realm, stale, null);
  }

  /**
   * Fresh challenges as {@link #challenges(String, boolean)} gives, with a nonce issued to
   * {@code client}: only requests from that address (IPv4) or its /64 (IPv6) can answer it.
   *
   * @param client the address the request came from, or null for a nonce anyone may use
   * @throws IllegalArgumentException if {@code realm} is empty or holds a control character
   * @throws NullPointerException if {@code realm} is null
   */
  public List<Challenge> challenges(String realm, boolean stale, InetAddress client) {
    Ha1.requireNonEmpty(realm, "realm");
    String quotedRealm = Digest.quote("realm", realm);
    byte[] r = nonceRandom();
    String nonce = '"' + codec.mint(clock.millis(), r, realm, client) + '"';
    String opaque = '"' + codec.opaque(realm) + '"';
    List<Challenge> out = new ArrayList<>(config.algorithms().size());
    for (DigestAlgorithm a : config.algorithms()) {
      Parameters.Builder p = Parameters.builder()
          .add("realm", quotedRealm)
          .add("nonce", nonce)
          .add("opaque", opaque)
          .add("algorithm", a.token())
          .add("qop", "\"auth\"");
      if (stale) {
        p.add("stale", "true");
      }
      out.add(new Challenge("Digest", p.build()));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The header field values of {@link #challenges(String, boolean)} for the configured
   * algorithms that {@code offer} accepts, as text, the same text {@link Challenge#toString()}
   * gives; when {@code offer} accepts none, every configured algorithm. What the registrar and
   * the proxy send, built without the intermediate {@link Challenge} values: the realm's part of
   * the text is made once, only the nonce changes per call.
   *
   * @throws IllegalArgumentException if {@code realm} is empty or holds a control character
   * @throws NullPointerException if {@code realm} or {@code offer} is null
   */
  public List<String> challengeTexts(String realm, boolean stale, Predicate<DigestAlgorithm> offer) {
    return challengeTexts(realm, stale, offer, null);
  }

  /**
   * The challenge texts of {@link #challengeTexts(String, boolean, Predicate)} with a nonce issued
   * to {@code client} (see {@link #challenges(String, boolean, InetAddress)}).
   *
   * @param client the address the request came from, or null for a nonce anyone may use
   * @throws IllegalArgumentException if {@code realm} is empty or holds a control character
   * @throws NullPointerException if {@code realm} or {@code offer} is null
   */
  public List<String> challengeTexts(String realm, boolean stale, Predicate<DigestAlgorithm> offer,
      InetAddress client) {
    Objects.requireNonNull(offer, "offer");
    ChallengeText text = lastChallengeText;
    if (text == null || !text.realm().equals(realm)) {
      Ha1.requireNonEmpty(realm, "realm");
      text = new ChallengeText(realm, "Digest realm=" + Digest.quote("realm", realm) + ", nonce=\"",
          "\", opaque=\"" + codec.opaque(realm) + "\", algorithm=");
      lastChallengeText = text;
    }
    byte[] r = nonceRandom();
    String nonce = codec.mint(clock.millis(), r, realm, client);
    List<DigestAlgorithm> algorithms = config.algorithms();
    boolean any = false;
    for (int i = 0; i < algorithms.size(); i++) { // indexed: no iterator per challenge
      any |= offer.test(algorithms.get(i));
    }
    List<String> out = new ArrayList<>(algorithms.size());
    for (int i = 0; i < algorithms.size(); i++) {
      DigestAlgorithm a = algorithms.get(i);
      if (any && !offer.test(a)) {
        continue;
      }
      // one concatenation: the text is made at its size, without a StringBuilder's buffer
      out.add(text.head() + nonce + text.middle() + a.token() + (stale ? QOP_STALE : QOP));
    }
    return out;
  }

  private static final String QOP = ", qop=\"auth\"";
  private static final String QOP_STALE = QOP + ", stale=true";

  /** A realm's challenge text before the nonce ({@code head}) and between it and the algorithm. */
  private record ChallengeText(String realm, String head, String middle) {}

  /**
   * Verifies the Authorization credentials {@code request} carries for {@code realm} (a
   * registrar or UAS, answering 401).
   *
   * @throws NullPointerException if an argument is null
   */
  public AuthResult authenticate(SipRequest request, String realm) {
    return authenticate(request, realm, Header.AUTHORIZATION, null);
  }

  /**
   * Verifies the Authorization credentials {@code request} carries for {@code realm}, accepting
   * only a nonce issued to {@code client} ({@link #challenges(String, boolean, InetAddress)}).
   *
   * @param client the address the request came from, or null to accept nonces issued to anyone
   * @throws NullPointerException if {@code request} or {@code realm} is null
   */
  public AuthResult authenticate(SipRequest request, String realm, InetAddress client) {
    return authenticate(request, realm, Header.AUTHORIZATION, client);
  }

  /**
   * Verifies the Proxy-Authorization credentials {@code request} carries for {@code realm} (a
   * proxy, answering 407). Credentials for other realms, meant for proxies further on, are
   * ignored (RFC 3261 §22.3).
   *
   * @throws NullPointerException if an argument is null
   */
  public AuthResult authenticateProxy(SipRequest request, String realm) {
    return authenticate(request, realm, Header.PROXY_AUTHORIZATION, null);
  }

  /**
   * Verifies the Proxy-Authorization credentials {@code request} carries for {@code realm},
   * accepting only a nonce issued to {@code client}
   * ({@link #challenges(String, boolean, InetAddress)}).
   *
   * @param client the address the request came from, or null to accept nonces issued to anyone
   * @throws NullPointerException if {@code request} or {@code realm} is null
   */
  public AuthResult authenticateProxy(SipRequest request, String realm, InetAddress client) {
    return authenticate(request, realm, Header.PROXY_AUTHORIZATION, client);
  }

  private AuthResult authenticate(SipRequest request, String realm, Header<Credentials> header,
      InetAddress client) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(realm, "realm");
    List<Credentials> all;
    try {
      all = request.headers(header);
    } catch (SipParseException e) {
      return AuthResult.of(Status.MALFORMED, e.getMessage());
    }
    for (int i = 0; i < all.size(); i++) { // indexed: no iterator per request
      Credentials c = all.get(i);
      if (c.isDigest() && isParameter(c, "realm", realm)) {
        return verify(c, realm, request.method(), request.requestUri(), null, request, client);
      }
    }
    return AuthResult.of(Status.MISSING, "no Digest " + header.name() + " for realm " + realm);
  }

  /**
   * Verifies {@code credentials} for a request of {@code method} to {@code requestUri} in
   * {@code realm}, accepting nonces issued to anyone (see the overload with a client).
   *
   * @param credentials the credentials, or null (then MISSING)
   * @param body the request body, needed for qop=auth-int; null means empty
   * @throws NullPointerException if {@code realm}, {@code method} or {@code requestUri} is null
   */
  public AuthResult verify(Credentials credentials, String realm, SipMethod method,
      Uri requestUri, byte[] body) {
    return verify(credentials, realm, method, requestUri, body, null);
  }

  /**
   * Verifies {@code credentials} for a request of {@code method} to {@code requestUri} in
   * {@code realm} from {@code client}: parameters present and well formed, realm, algorithm
   * offered, nonce issued here for this realm and client ({@link Status#UNKNOWN_NONCE} if not,
   * before anything a guesser could learn from), {@code uri} matching the Request-URI (as
   * written, or equivalent by RFC 3261 §19.1.4), opaque, response digest (constant time), nonce
   * age, then nonce count.
   *
   * @param credentials the credentials, or null (then MISSING)
   * @param body the request body, needed for qop=auth-int; null means empty
   * @param client the address the request came from, or null to accept nonces issued to anyone
   * @throws NullPointerException if {@code realm}, {@code method} or {@code requestUri} is null
   */
  public AuthResult verify(Credentials credentials, String realm, SipMethod method,
      Uri requestUri, byte[] body, InetAddress client) {
    return verify(credentials, realm, method, requestUri, body, null, client);
  }

  /**
   * {@link #verify(Credentials, String, SipMethod, Uri, byte[], InetAddress)}, with the body
   * taken from {@code request} (when not null) only if qop=auth-int needs it.
   */
  private AuthResult verify(Credentials credentials, String realm, SipMethod method,
      Uri requestUri, byte[] body, SipRequest request, InetAddress client) {
    Objects.requireNonNull(realm, "realm");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(requestUri, "requestUri");
    if (credentials == null) {
      return AuthResult.of(Status.MISSING, "no credentials");
    }
    if (!credentials.isDigest()) {
      return AuthResult.of(Status.MISSING, "scheme is not Digest: " + credentials.scheme());
    }
    String username = credentials.parameter("username");
    if (username == null && credentials.parameters().contains("username*")) {
      return AuthResult.of(Status.MALFORMED, "username* (RFC 7616 §3.4.4) is not supported");
    }
    String credentialRealm = credentials.parameter("realm");
    String nonce = credentials.parameter("nonce");
    String uri = credentials.parameter("uri");
    String response = credentials.parameter("response");
    String missing = username == null ? "username" : credentialRealm == null ? "realm"
        : nonce == null ? "nonce" : uri == null ? "uri" : response == null ? "response" : null;
    if (missing != null) {
      return AuthResult.of(Status.MALFORMED, "missing " + missing);
    }
    if (!realm.equals(credentialRealm)) {
      return AuthResult.of(Status.BAD_CREDENTIALS, "realm is not " + realm + ": " + credentialRealm);
    }
    String algorithmParam = credentials.parameter("algorithm");
    DigestAlgorithm algorithm = DigestAlgorithm.named(algorithmParam);
    if (algorithm == null) {
      return AuthResult.of(Status.UNKNOWN_ALGORITHM, "unknown algorithm: " + algorithmParam);
    }
    if (!config.algorithms().contains(algorithm)) {
      return AuthResult.of(Status.UNKNOWN_ALGORITHM, "algorithm not offered: " + algorithm.token());
    }

    String qop = credentials.parameter("qop");
    String nc = credentials.parameter("nc");
    String cnonce = credentials.parameter("cnonce");
    long count = 0;
    if (qop == null) {
      if (!config.acceptMissingQop()) {
        return AuthResult.of(Status.MALFORMED, "missing qop");
      }
    } else {
      if (!qop.equalsIgnoreCase(Digest.AUTH) && !qop.equalsIgnoreCase(Digest.AUTH_INT)) {
        return AuthResult.of(Status.MALFORMED, "unsupported qop: " + qop);
      }
      if (!Digest.isHex(nc, 8)) {
        return AuthResult.of(Status.MALFORMED, "nc is not 8 hex digits: " + nc);
      }
      count = Long.parseLong(nc, 16);
      if (count == 0) {
        return AuthResult.of(Status.MALFORMED, "nc is zero");
      }
    }
    if ((qop != null || algorithm.isSession()) && (cnonce == null || cnonce.isEmpty())) {
      return AuthResult.of(Status.MALFORMED, "missing cnonce");
    }
    if (!Digest.isHex(response, algorithm.hexLength())) {
      return AuthResult.of(Status.MALFORMED,
          "response is not " + algorithm.hexLength() + " hex digits");
    }
    // The nonce first: anything refused before it is checked must not count as a guess.
    long issuedAt = codec.issuedAt(nonce, realm, client);
    if (issuedAt == NonceCodec.INVALID) {
      return AuthResult.of(Status.UNKNOWN_NONCE, client == null
          ? "nonce was not issued here for this realm"
          : "nonce was not issued here for this realm and client address");
    }
    if (!uriMatches(uri, requestUri)) {
      return AuthResult.of(Status.BAD_CREDENTIALS, "uri does not match the Request-URI: " + uri);
    }
    if (credentials.parameters().get("opaque") != null
        && !isParameter(credentials, "opaque", codec.opaque(realm))) {
      return AuthResult.of(Status.BAD_CREDENTIALS, "opaque was not issued here");
    }

    String stored = store.ha1(username, realm, algorithm.base());
    boolean known = stored != null && Digest.isHex(stored, algorithm.hexLength());
    String ha1 = known ? stored : decoyHa1.get(algorithm.base());
    // qop is hashed as the client wrote it; its value decides whether the body is covered.
    if (request != null && Digest.AUTH_INT.equalsIgnoreCase(qop)) {
      body = request.body();
    }
    boolean match = DigestCheck.matches(algorithm, ha1, nonce, nc, cnonce, qop, method.name(),
        uri, body, response);
    if (!known || !match) {
      return AuthResult.of(Status.BAD_CREDENTIALS, "response does not match");
    }

    long now = clock.millis();
    long expiredBefore = now - lifetimeMillis;
    if (issuedAt <= expiredBefore) {
      return AuthResult.of(Status.STALE, "nonce expired");
    }
    switch (counters.advance(nonce, issuedAt, count, expiredBefore)) {
      case REPLAY:
        return AuthResult.of(Status.REPLAY, qop == null
            ? "nonce already used without qop" : "nc " + nc + " not above the last one accepted");
      case FORGOTTEN:
        return AuthResult.of(Status.STALE, "nonce no longer tracked");
      default:
        return AuthResult.ok(username);
    }
  }

  /**
   * The random part of a new nonce: from the builder's source as asked, else the next bytes of
   * this thread's DRBG, drawn in blocks (the first byte of a block counts the nonces it has handed out).
   */
  private byte[] nonceRandom() {
    byte[] r = new byte[NonceCodec.RANDOM_BYTES];
    if (random != null) {
      random.nextBytes(r);
      return r;
    }
    byte[] block = LOCAL_NONCE_BYTES.get();
    if (block == null) {
      block = new byte[1 + NONCES_PER_DRAW * NonceCodec.RANDOM_BYTES];
      block[0] = NONCES_PER_DRAW;
      LOCAL_NONCE_BYTES.set(block);
    }
    if (block[0] == NONCES_PER_DRAW) {
      LOCAL_RANDOM.get().nextBytes(block);
      block[0] = 0;
    }
    int used = block[0]++;
    int from = 1 + used * NonceCodec.RANDOM_BYTES;
    System.arraycopy(block, from, r, 0, NonceCodec.RANDOM_BYTES);
    java.util.Arrays.fill(block, from, from + NonceCodec.RANDOM_BYTES, (byte) 0); // handed out once
    return r;
  }

  private SecureRandom random() {
    return random != null ? random : LOCAL_RANDOM.get();
  }

  private static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom(); // a runtime without DRBG (Java 9+ has it): the default
    }
  }

  /**
   * Whether auth-param {@code name} of {@code c} is {@code value} once unquoted: what
   * {@code value.equals(c.parameter(name))} says, without making the unquoted String when the
   * parameter is a quoted-string without quoted-pair (the usual case).
   */
  static boolean isParameter(Credentials c, String name, String value) {
    String raw = c.parameters().get(name);
    if (raw == null) {
      return false;
    }
    int n = raw.length();
    if (n >= 2 && raw.charAt(0) == '"' && raw.charAt(n - 1) == '"' && raw.indexOf('\\') < 0) {
      return n - 2 == value.length() && raw.regionMatches(1, value, 0, n - 2);
    }
    return value.equals(c.parameter(name));
  }

  private static boolean uriMatches(String digestUri, Uri requestUri) {
    if (UriText.is(digestUri, requestUri)) { // no text made for the usual Request-URI
      return true;
    }
    try {
      return Uri.parse(digestUri).equivalentTo(requestUri);
    } catch (SipParseException e) {
      return false;
    }
  }

  /** Builds a {@link DigestAuthenticator}; not thread-safe. */
  public static final class Builder {
    private final CredentialStore store;
    private DigestConfig config = DigestConfig.DEFAULT;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random; // null: a DRBG per thread
    private byte[] secret;

    private Builder(CredentialStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /** The configuration; {@link DigestConfig#DEFAULT} unless set. */
    public Builder config(DigestConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The clock nonce ages are measured with; the system UTC clock unless set. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The source of nonce randomness (and of the secret when none is set). */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The HMAC key nonces are signed with; share it between servers that must accept each other's
     * nonces. A random 32-byte key unless set (nonces then die with the process).
     *
     * @throws IllegalArgumentException if {@code secret} is shorter than 16 bytes
     */
    public Builder secret(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (secret.length < 16) {
        throw new IllegalArgumentException("secret is shorter than 16 bytes: " + secret.length);
      }
      this.secret = secret.clone();
      return this;
    }

    /** The authenticator. */
    public DigestAuthenticator build() {
      return new DigestAuthenticator(this);
    }
  }
}
