package dev.parley.server.registrar;

import dev.parley.auth.AuthResult;
import dev.parley.auth.DigestAuthenticator;
import dev.parley.server.internal.DigestChallenges;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.sip.Address;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Tags;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Flow;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar (RFC 3261 §10.3): answers REGISTER requests for one SIP domain, authenticating
 * them with digest (RFC 3261 §22) and keeping the bindings in a {@link LocationService}.
 *
 * <p>What it does, in the order of §10.3:
 * <ol>
 *   <li>The Request-URI must name the domain or one of its aliases, else 403. A {@code Require}
 *       option other than {@code path} gets 420 with {@code Unsupported}.
 *   <li>Credentials are checked with the domain as realm; without valid ones the answer is 401
 *       with one challenge per offered algorithm (SHA-256 and MD5 by default; MD5 alone for the
 *       clients of {@link Builder#md5OnlyUserAgents}). An unknown user gets exactly the
 *       challenge a known one gets. Malformed credentials get 400.
 *   <li>The authenticated user must be the To user, else 403. The AOR is the To user at the
 *       domain (a To host that is an alias counts as the domain; another host gets 404).
 *   <li>No Contact: 200 listing the current bindings. {@code Contact: *} (alone, with
 *       {@code Expires: 0}) removes every binding, else 400.
 *   <li>Each contact's expiry is its {@code expires} parameter, else the Expires header, else
 *       {@code defaultExpires}; capped at {@code maxExpires}. One non-zero expiry below
 *       {@code minExpires} rejects the request with 423 and {@code Min-Expires}.
 *   <li>Each contact is matched to an existing binding by {@code +sip.instance} and
 *       {@code reg-id} (RFC 5626 §6) when it has an instance, else by its URI; a binding with the
 *       same Call-ID and a CSeq not lower than the request's aborts the request with 500
 *       (§10.3 step 7). Expiry 0 removes; otherwise the binding is added or replaced, keeping
 *       its q-value and the request's Path (RFC 3327). More than {@code maxContactsPerAor}
 *       bindings, or a full location table, gets 503.
 *   <li>200 OK lists every current binding with its remaining {@code expires}, a Date, and the
 *       Path when the request said {@code Supported: path}.
 * </ol>
 *
 * <p>Each nonce is issued to the request's source address and accepted only from there; wrong
 * digests answering such a nonce are reported to the {@link RateLimiter} given to the builder
 * (which blocks password guessers), and nothing else is: a made-up nonce, or one issued to
 * another address, is answered with a fresh 401 and not counted, so a spoofed UDP source cannot
 * get the real one blocked; once a 200 has gone out for a REGISTER that left the AOR
 * with bindings, the {@link Builder#onRegistered} listener hears of it (store-and-forward
 * delivers the AOR's stored messages then).
 *
 * <p>Thread-safe and non-blocking (the {@link DigestAuthenticator}'s credential store must
 * answer from memory): {@link #onRegister} runs on the event loop of the request.
 */
public final class Registrar {
  private static final Logger log = LoggerFactory.getLogger(Registrar.class);
  /** Default {@code minExpires}, seconds: {@value}. */
  public static final long DEFAULT_MIN_EXPIRES = 60;
  /** Default {@code maxExpires}, seconds: {@value}. */
  public static final long DEFAULT_MAX_EXPIRES = 86_400;
  /** Default {@code defaultExpires}, seconds: {@value}. */
  public static final long DEFAULT_EXPIRES = 3_600;
  /** Default {@code maxContactsPerAor}: {@value}. */
  public static final int DEFAULT_MAX_CONTACTS_PER_AOR = 10;

  private static final DateTimeFormatter SIP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final LocationService location;
  private final DigestAuthenticator authenticator;
  private final String domain;
  private final String canonicalDomain;
  private final Set<String> aliases;
  private final long minExpires;
  private final long maxExpires;
  private final long defaultExpires;
  private final int maxContactsPerAor;
  private final RateLimiter limiter;
  private final Consumer<Aor> onRegistered;
  private final Function<Aor, ? extends CompletionStage<?>> writeThrough;
  private final UserAgentMatcher md5OnlyUserAgents;
  private final java.util.function.Predicate<SipUri> ownAddresses;
  private final java.util.function.Predicate<String> disabled;
  /** The last Date value written, with its second: one formatting per second, not per 200. */
  private volatile DateText dateText = new DateText(Long.MIN_VALUE, "");

  private Registrar(Builder b) {
    this.location = b.location;
    this.authenticator = b.authenticator;
    this.domain = b.domain;
    this.canonicalDomain = dev.parley.server.internal.Hosts.canonical(b.domain);
    Set<String> canonical = new HashSet<>();
    for (String a : b.aliases) {
      canonical.add(dev.parley.server.internal.Hosts.canonical(a));
    }
    this.aliases = Set.copyOf(canonical);
    this.ownAddresses = b.ownAddresses;
    this.disabled = b.disabled;
    this.minExpires = b.minExpires;
    this.maxExpires = b.maxExpires;
    this.defaultExpires = b.defaultExpires;
    this.maxContactsPerAor = b.maxContactsPerAor;
    this.limiter = b.limiter;
    this.onRegistered = b.onRegistered;
    this.writeThrough = b.writeThrough;
    this.md5OnlyUserAgents = b.md5OnlyUserAgents;
  }

  /** A builder for the registrar of {@code domain} (also the digest realm). */
  public static Builder builder(String domain, LocationService location,
      DigestAuthenticator authenticator) {
    return new Builder(domain, location, authenticator);
  }

  /** The domain served, which is also the digest realm. */
  public String domain() {
    return domain;
  }

  /**
   * Whether {@code host} names the domain or one of its aliases, in any spelling of the same
   * name or address (case, trailing dot, brackets, IPv4 forms, IPv4-mapped IPv6: see
   * {@code docs/security.md}, "Addresses").
   */
  public boolean isLocal(String host) {
    for (String h : dev.parley.server.internal.Hosts.readings(host)) {
      if (h.equals(canonicalDomain) || aliases.contains(h)) {
        return true;
      }
    }
    return false;
  }

  /** Answers a REGISTER on its server transaction. */
  public void onRegister(ServerTransaction tx, SipRequest request) {
    SipResponse response;
    try {
      response = handle(request, tx.flow());
    } catch (SipParseException e) {
      response = request.response(400, Tags.random())
          .reasonPhrase("Bad Request (" + e.reason() + ")").build();
    }
    if (response.statusCode() == 401) {
      tx.respondStatelessly(response); // RFC 3261 §8.2.7: no state for unauthenticated requests
      return;
    }
    if (writeThrough != null && response.statusCode() == 200 && !request.contacts().isEmpty()) {
      // the bindings changed: the 200 goes out once the store thread has written them
      SipResponse ok = response;
      writeThrough.apply(aorOf(request)).handle((done, failure) -> {
        if (failure == null) {
          tx.respond(ok);
          registered(request, ok);
        } else {
          tx.respond(request.response(500, ok.to().tag())
              .reasonPhrase("Server Internal Error (cannot store the binding)")
              .header(HeaderName.RETRY_AFTER, "5").build());
        }
        return null;
      }).exceptionally(e -> {
        log.warn("cannot answer REGISTER {} after writing its bindings: {}", request.callId(),
            e.toString());
        return null;
      });
      return;
    }
    tx.respond(response);
    registered(request, response);
  }

  /**
   * The 401 for a REGISTER without credentials, decided before the transaction layer makes a
   * transaction for it ({@code TransactionUser.answerStatelessly}, RFC 3261 §8.2.7); null for a
   * REGISTER that carries an Authorization field, repeats a singleton field (the server answers
   * 400 first) or that {@link #onRegister} answers otherwise (416, 403, 420...). The same answer {@link #onRegister} gives, from the same code.
   */
  public SipResponse challengeWithoutCredentials(SipRequest request, Flow flow) {
    if (request.headers().contains(HeaderName.AUTHORIZATION)
        || request.repeatedSingletonHeader() != null) { // the server's 400 comes first
      return null;
    }
    SipResponse response = handle(request, flow);
    return response.statusCode() == 401 ? response : null;
  }

  private void registered(SipRequest request, SipResponse response) {
    // the 200 lists a Contact per binding left (ok()): no need to parse them back
    if (onRegistered != null && response.statusCode() == 200
        && response.headers().contains(HeaderName.CONTACT) && !request.contacts().isEmpty()) {
      onRegistered.accept(aorOf(request));
    }
  }

  private Aor aorOf(SipRequest request) {
    return new Aor(Aor.of(request.to().uri()).user(), domain);
  }

  /** The response to a REGISTER that arrived over {@code flow} (null in unit tests). */
  SipResponse handle(SipRequest request, Flow flow) {
    if (!(request.requestUri() instanceof SipUri ruri)) {
      return request.response(416, Tags.random()).build();
    }
    if (!isLocal(ruri.host())) {
      return request.response(403, Tags.random()).reasonPhrase("Domain Not Served Here").build();
    }
    for (String option : request.headers(Header.REQUIRE)) {
      if (!option.equalsIgnoreCase("path")) {
        return request.response(420, Tags.random()).header(HeaderName.UNSUPPORTED, option).build();
      }
    }
    InetAddress client = flow == null ? null : flow.remote().getAddress();
    AuthResult auth = authenticator.authenticate(request, domain, client);
    if (auth.status() == AuthResult.Status.MALFORMED) {
      return request.response(400, Tags.random())
          .reasonPhrase("Bad Request (malformed credentials)").build();
    }
    if (!auth.isOk()) {
      // only a wrong answer to a nonce issued to this source: made-up nonces prove nothing
      if (auth.status() == AuthResult.Status.BAD_CREDENTIALS && limiter != null && flow != null) {
        limiter.authFailed(client);
      }
      SipResponse.Builder r = request.response(401, Tags.stateless(request));
      for (String c : DigestChallenges.offered(authenticator, domain, auth.isStale(), request,
          client, md5OnlyUserAgents)) {
        r.header(HeaderName.WWW_AUTHENTICATE, c);
      }
      return r.build();
    }
    String toTag = Tags.random(); // drawn after the challenge: a 401 has a stateless tag of its own
    Address to = request.to();
    Aor aor;
    try {
      aor = Aor.of(to.uri());
    } catch (IllegalArgumentException e) {
      return request.response(404, toTag).build();
    }
    if (!isLocal(aor.host())) {
      return request.response(404, toTag).build();
    }
    if (!aor.user().equals(auth.username())) {
      return request.response(403, toTag).reasonPhrase("Forbidden (not your AOR)").build();
    }
    if (disabled.test(auth.username())) {
      return request.response(403, toTag).reasonPhrase("Forbidden (account disabled)").build();
    }
    aor = new Aor(aor.user(), domain);

    List<Address> contacts = request.contacts();
    String callId = request.callId();
    long cseq = request.cseq().sequence();
    if (contacts.isEmpty()) {
      return ok(request, toTag, location.lookup(aor));
    }
    if (contacts.stream().anyMatch(Address::isWildcard)) {
      if (contacts.size() != 1 || request.expires() != 0) {
        return request.response(400, toTag)
            .reasonPhrase("Bad Request (Contact: * needs Expires: 0 and no other contact)").build();
      }
      try {
        List<Binding> after = location.update(aor, current -> {
          for (Binding b : current) {
            if (b.callId().equals(callId) && b.cseq() >= cseq) {
              throw new OutOfOrder();
            }
          }
          return List.of();
        });
        return ok(request, toTag, after);
      } catch (OutOfOrder e) {
        return outOfOrder(request, toTag);
      }
    }

    long headerExpires = request.expires();
    List<Address> path = request.headers(Header.PATH);
    String source = flow == null ? null
        : flow.transport().name().toLowerCase(Locale.ROOT) + ":"
            + flow.remote().getAddress().getHostAddress() + ":" + flow.remote().getPort();
    String userAgent = request.headers().get(HeaderName.USER_AGENT);
    long now = location.clock().millis();
    List<Binding> wanted = new ArrayList<>(contacts.size());
    List<Boolean> removals = new ArrayList<>(contacts.size());
    for (Address c : contacts) {
      if (c.uri() instanceof SipUri cu && ownAddresses.test(cu)) {
        return request.response(403, toTag)
            .reasonPhrase("Forbidden (contact points at this server)").build();
      }
      long e = c.expires() >= 0 ? c.expires() : headerExpires >= 0 ? headerExpires : defaultExpires;
      if (e > 0 && e < minExpires) {
        return request.response(423, toTag)
            .header(HeaderName.MIN_EXPIRES, Long.toString(minExpires)).build();
      }
      e = Math.min(e, maxExpires);
      float q = c.q();
      String instance = c.parameters().get("+sip.instance");
      int regId = 0;
      String regIdText = c.parameters().get("reg-id");
      if (regIdText != null) {
        try {
          regId = Integer.parseInt(regIdText);
        } catch (NumberFormatException ex) {
          regId = -1;
        }
        if (regId < 1) {
          return request.response(400, toTag)
              .reasonPhrase("Bad Request (reg-id must be 1..2^31-1)").build();
        }
      }
      Address stored = c.parameters().contains("expires")
          ? c.toBuilder().parameters(c.parameters().without("expires")).build() : c;
      wanted.add(new Binding(aor, stored, now + e * 1000, q, callId, cseq, path, instance, regId,
          source, userAgent, now));
      removals.add(e == 0);
    }
    try {
      List<Binding> after = location.update(aor, current -> {
        List<Binding> next = new ArrayList<>(current);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < wanted.size(); i++) {
          Binding w = wanted.get(i);
          String key = w.key();
          if (!seen.add(key)) {
            continue; // the same contact twice in one request: the first one counts
          }
          int at = indexOf(next, key);
          if (at >= 0) {
            Binding old = next.get(at);
            if (old.callId().equals(callId) && old.cseq() >= cseq) {
              throw new OutOfOrder();
            }
            next.remove(at);
          }
          if (!removals.get(i)) {
            next.add(w);
          }
        }
        if (next.size() > maxContactsPerAor && next.size() > current.size()) {
          throw new TooManyContacts();
        }
        return next;
      });
      return ok(request, toTag, after);
    } catch (OutOfOrder e) {
      return outOfOrder(request, toTag);
    } catch (TooManyContacts e) {
      return request.response(503, toTag).reasonPhrase("Too Many Registered Contacts")
          .build();
    } catch (LocationService.TableFullException e) {
      return request.response(503, toTag).reasonPhrase("Location Table Full")
          .header(HeaderName.RETRY_AFTER, "60").build();
    }
  }

  private static int indexOf(List<Binding> list, String key) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).key().equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private SipResponse ok(SipRequest request, String toTag, List<Binding> bindings) {
    long now = location.clock().millis();
    SipResponse.Builder r = request.response(200, toTag);
    for (Binding b : bindings) {
      // the stored contact has no expires parameter (handle() drops it): append the one left
      r.header(HeaderName.CONTACT, b.contactText() + ";expires=" + b.expiresInSeconds(now));
    }
    boolean pathSupported = false;
    for (String s : request.headers(Header.SUPPORTED)) {
      if (s.equalsIgnoreCase("path")) {
        pathSupported = true;
        break;
      }
    }
    if (pathSupported) {
      for (Address p : request.headers(Header.PATH)) {
        r.header(HeaderName.PATH, p.toString());
      }
    }
    r.header(HeaderName.DATE, date(now));
    return r.build();
  }

  /** The Date header value (RFC 3261 §20.17) for {@code nowMillis}, formatted once a second. */
  private String date(long nowMillis) {
    long second = Math.floorDiv(nowMillis, 1000);
    DateText d = dateText;
    if (d.second != second) {
      d = new DateText(second, SIP_DATE.format(Instant.ofEpochSecond(second)));
      dateText = d; // a race formats the same text twice, harmlessly
    }
    return d.text;
  }

  private record DateText(long second, String text) {}

  private static SipResponse outOfOrder(SipRequest request, String toTag) {
    return request.response(500, toTag).reasonPhrase("Server Internal Error (CSeq out of order)")
        .header(HeaderName.RETRY_AFTER, "5").build();
  }

  private static final class OutOfOrder extends RuntimeException {
    OutOfOrder() {
      super(null, null, false, false);
    }
  }

  private static final class TooManyContacts extends RuntimeException {
    TooManyContacts() {
      super(null, null, false, false);
    }
  }

  /** Builds a {@link Registrar}; not thread-safe. */
  public static final class Builder {
    private final String domain;
    private final LocationService location;
    private final DigestAuthenticator authenticator;
    private Set<String> aliases = Set.of();
    private long minExpires = DEFAULT_MIN_EXPIRES;
    private long maxExpires = DEFAULT_MAX_EXPIRES;
    private long defaultExpires = DEFAULT_EXPIRES;
    private int maxContactsPerAor = DEFAULT_MAX_CONTACTS_PER_AOR;
    private RateLimiter limiter;
    private Consumer<Aor> onRegistered;
    private Function<Aor, ? extends CompletionStage<?>> writeThrough;
    private UserAgentMatcher md5OnlyUserAgents = UserAgentMatcher.NONE;
    private java.util.function.Predicate<SipUri> ownAddresses = uri -> false;
    private java.util.function.Predicate<String> disabled = user -> false;

    private Builder(String domain, LocationService location, DigestAuthenticator authenticator) {
      Objects.requireNonNull(domain, "domain");
      if (domain.isEmpty()) {
        throw new IllegalArgumentException("domain is empty");
      }
      this.domain = domain.toLowerCase(Locale.ROOT);
      this.location = Objects.requireNonNull(location, "location");
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    /** Other host names and addresses that mean the domain (listen addresses, say). */
    public Builder aliases(Set<String> aliases) {
      Set<String> lower = new HashSet<>();
      for (String a : aliases) {
        lower.add(a.toLowerCase(Locale.ROOT));
      }
      this.aliases = lower;
      return this;
    }

    /**
     * Which authenticated users are disabled: their REGISTERs get 403 ({@code docs/web.md},
     * "Admin actions"); default none. Called on event loops: must not block.
     */
    public Builder disabledAccounts(java.util.function.Predicate<String> disabled) {
      this.disabled = Objects.requireNonNull(disabled, "disabled");
      return this;
    }

    /**
     * Which contact URIs reach this server itself (its own listen sockets): a REGISTER with such
     * a contact gets 403, since every request to that user would come back to the server (a
     * forking loop, {@code docs/security.md}); default none.
     */
    public Builder ownAddresses(java.util.function.Predicate<SipUri> ownAddresses) {
      this.ownAddresses = Objects.requireNonNull(ownAddresses, "ownAddresses");
      return this;
    }

    /** The shortest non-zero expiry accepted, in seconds (423 below it). */
    public Builder minExpires(long seconds) {
      this.minExpires = seconds;
      return this;
    }

    /** The longest expiry granted, in seconds (longer requests are shortened). */
    public Builder maxExpires(long seconds) {
      this.maxExpires = seconds;
      return this;
    }

    /** The expiry of a contact when neither its parameter nor an Expires header gives one. */
    public Builder defaultExpires(long seconds) {
      this.defaultExpires = seconds;
      return this;
    }

    /** The most bindings one AOR may hold. */
    public Builder maxContactsPerAor(int max) {
      this.maxContactsPerAor = max;
      return this;
    }

    /**
     * The clients, by User-Agent, whose 401 offers MD5 alone (when the authenticator offers
     * MD5); default {@link UserAgentMatcher#NONE}: every algorithm for everyone.
     */
    public Builder md5OnlyUserAgents(UserAgentMatcher userAgents) {
      this.md5OnlyUserAgents = Objects.requireNonNull(userAgents, "userAgents");
      return this;
    }

    /** Told of every digest that does not verify (by source address); default none. */
    public Builder rateLimiter(RateLimiter limiter) {
      this.limiter = limiter;
      return this;
    }

    /**
     * Told, on the request's event loop (the store thread with {@link #writeThrough}) after the
     * 200 has been sent, of each AOR that a
     * REGISTER with Contact left with bindings (a new registration or a refresh); must not
     * block. Default none.
     */
    public Builder onRegistered(Consumer<Aor> listener) {
      this.onRegistered = listener;
      return this;
    }

    /**
     * Write-through ({@code location.write_through}): when set, the 200 to a REGISTER that
     * changed bindings is sent only when the stage {@code writer} returns for the AOR completes
     * (the bindings are in the store), from the thread that completes it, and
     * {@link #onRegistered} hears of it then; a stage that fails answers 500 with Retry-After
     * instead (the change stays in memory, written behind later). {@code writer} is called on
     * the request's event loop and must not block. Default none: the 200 goes out at once.
     */
    public Builder writeThrough(Function<Aor, ? extends CompletionStage<?>> writer) {
      this.writeThrough = writer;
      return this;
    }

    /**
     * The registrar.
     *
     * @throws IllegalArgumentException if the expiry settings are not
     *     {@code 0 < minExpires <= defaultExpires <= maxExpires} or {@code maxContactsPerAor < 1}
     */
    public Registrar build() {
      if (minExpires < 1 || defaultExpires < minExpires || maxExpires < defaultExpires) {
        throw new IllegalArgumentException("expiry settings must satisfy 0 < minExpires ("
            + minExpires + ") <= defaultExpires (" + defaultExpires + ") <= maxExpires ("
            + maxExpires + ")");
      }
      if (maxContactsPerAor < 1) {
        throw new IllegalArgumentException("maxContactsPerAor must be positive: "
            + maxContactsPerAor);
      }
      return new Registrar(this);
    }
  }
}
