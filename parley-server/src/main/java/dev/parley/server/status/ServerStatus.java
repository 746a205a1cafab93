package dev.parley.server.status;

import dev.parley.focus.ConferenceView;
import dev.parley.json.JsonParser;
import dev.parley.json.JsonWriter;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a running server for {@code parley status} and the loopback status endpoint
 * ({@link StatusHttpServer}): uptime, domain, listeners, accounts, registrations (counts, and the
 * registered AORs with their contacts and remaining expiry, up to a bound), transaction counts,
 * the proxy's named counters, store-and-forward and rate-limit counters, and the conferences of
 * the focus with their rosters (up to a bound).
 *
 * <p>{@link #toJson()} is the wire form, documented in {@code docs/server.md} ("Status") as a
 * stable interface: fields are added, never renamed. {@link #fromJson} reads it back, ignoring
 * fields it does not know, so an older {@code parley status} reads a newer server.
 *
 * <p>Immutable and thread-safe.
 *
 * @param domain the SIP domain served
 * @param time when the snapshot was taken
 * @param startedAt when the server started
 * @param listeners the bound listeners ({@code udp:127.0.0.1:5060})
 * @param accounts accounts of the domain
 * @param aors AORs with bindings
 * @param bindings bindings in all
 * @param registrations registered AORs, sorted, at most a bound of them (see
 *     {@link #registrationsTruncated()})
 * @param clientTransactions live client transactions
 * @param serverTransactions live server transactions
 * @param proxy the proxy's named counters, such as {@code contexts} and {@code dialogs}, in order
 * @param offlineMessages store-and-forward counters, or null when it is off
 * @param rateLimits rate-limit counters, or null when limiting is off
 * @param connections the transport's named connection counters ({@code open},
 *     {@code evicted}, {@code firstMessageTimeouts}...), in order; empty when unknown
 * @param conferences the focus's conferences, or null when the focus is off (or the server does
 *     not report them)
 */
public record ServerStatus(String domain, Instant time, Instant startedAt, List<String> listeners,
    int accounts, int aors, int bindings, List<Registration> registrations,
    int clientTransactions, int serverTransactions, Map<String, Long> proxy,
    OfflineMessages.Stats offlineMessages, RateLimiter.Stats rateLimits,
    Map<String, Long> connections, Conferences conferences) {
  /** Default bound on the AORs listed in {@link #registrations()}: {@value}. */
  public static final int DEFAULT_MAX_LISTED = 1000;

  /**
   * Copies the collections.
   *
   * @throws NullPointerException if {@code domain}, a time or a collection is null
   */
  public ServerStatus {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(startedAt, "startedAt");
    listeners = List.copyOf(listeners);
    registrations = List.copyOf(registrations);
    proxy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(proxy));
    connections = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(connections));
  }

  /**
   * The conferences of the focus: how many there are, and some of them with their rosters.
   *
   * @param count conferences in all
   * @param list conferences listed, sorted by URI, at most a bound of them (see
   *     {@link #truncated()})
   */
  public record Conferences(int count, List<Conference> list) {
    /** Copies the list. */
    public Conferences {
      list = List.copyOf(list);
    }

    /** How many are listed. */
    public int listed() {
      return list.size();
    }

    /** Whether more conferences exist than {@link #list()} holds. */
    public boolean truncated() {
      return list.size() < count;
    }
  }

  /**
   * One conference.
   *
   * @param uri the conference URI ({@code sip:conf-...@example.com})
   * @param conversation its conversation ID, or null
   * @param organizer the AOR of the user who created it, or null
   * @param subscriptions roster subscriptions open now
   * @param participants its participants, in the order they joined
   */
  public record Conference(String uri, String conversation, String organizer, int subscriptions,
      List<Participant> participants) {
    /** Copies the list. */
    public Conference {
      Objects.requireNonNull(uri, "uri");
      participants = List.copyOf(participants);
    }
  }

  /**
   * One participant of a conference.
   *
   * @param uri the participant's AOR
   * @param displayName the display name it gave, or null
   * @param status its leg's RFC 4575 endpoint status ({@code connected}, {@code alerting}, ...)
   * @param im whether its leg carries session IM
   * @param audio whether its leg carries audio
   */
  public record Participant(String uri, String displayName, String status, boolean im,
      boolean audio) {
    /** Checks the URI and status are present. */
    public Participant {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(status, "status");
    }
  }

  /**
   * One registered AOR.
   *
   * @param aor the AOR ({@code sip:alice@example.com})
   * @param contacts its bindings, in lookup order
   */
  public record Registration(String aor, List<Contact> contacts) {
    /** Copies the list. */
    public Registration {
      Objects.requireNonNull(aor, "aor");
      contacts = List.copyOf(contacts);
    }
  }

  /**
   * One binding of a registered AOR.
   *
   * @param contact the Contact as registered, with its parameters
   * @param expiresIn seconds left
   * @param source where the REGISTER came from ({@code udp:192.0.2.1:5060}), or null
   * @param userAgent the REGISTER's User-Agent, or null
   */
  public record Contact(String contact, long expiresIn, String source, String userAgent) {
    /** Checks the contact is present. */
    public Contact {
      Objects.requireNonNull(contact, "contact");
    }
  }

  /** A builder for the status of {@code domain}, started at {@code startedAt}. */
  public static Builder builder(String domain, Instant startedAt) {
    return new Builder(domain, startedAt);
  }

  /** Time since start, at {@link #time()}; never negative. */
  public Duration uptime() {
    Duration d = Duration.between(startedAt, time);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Whether more AORs are registered than {@link #registrations()} lists. */
  public boolean registrationsTruncated() {
    return registrations.size() < aors;
  }

  /** The JSON form (one line, no whitespace); see the class comment. */
  public String toJson() {
    JsonWriter w = new JsonWriter().beginObject()
        .field("domain", domain)
        .field("time", time.toString())
        .field("startedAt", startedAt.toString())
        .field("uptimeSeconds", uptime().toSeconds());
    w.name("listeners").beginArray();
    for (String l : listeners) {
      w.value(l);
    }
    w.endArray();
    w.field("accounts", accounts);
    w.name("registrations").beginObject()
        .field("aors", aors)
        .field("bindings", bindings)
        .field("listed", registrations.size())
        .field("truncated", registrationsTruncated());
    w.name("list").beginArray();
    for (Registration r : registrations) {
      w.beginObject().field("aor", r.aor()).name("contacts").beginArray();
      for (Contact c : r.contacts()) {
        w.beginObject().field("contact", c.contact()).field("expiresIn", c.expiresIn())
            .field("source", c.source()).field("userAgent", c.userAgent()).endObject();
      }
      w.endArray().endObject();
    }
    w.endArray().endObject();
    w.name("transactions").beginObject()
        .field("client", clientTransactions).field("server", serverTransactions).endObject();
    w.name("proxy").beginObject();
    for (Map.Entry<String, Long> e : proxy.entrySet()) {
      w.field(e.getKey(), e.getValue());
    }
    w.endObject();
    w.name("connections").beginObject();
    for (Map.Entry<String, Long> e : connections.entrySet()) {
      w.field(e.getKey(), e.getValue());
    }
    w.endObject();
    w.name("offlineMessages");
    if (offlineMessages == null) {
      w.value((String) null);
    } else {
      OfflineMessages.Stats o = offlineMessages;
      w.beginObject().field("pending", o.pending()).field("pendingBytes", o.pendingBytes())
          .field("users", o.users()).field("accepted", o.accepted())
          .field("rejected", o.rejected()).field("delivered", o.delivered())
          .field("failedAttempts", o.failedAttempts()).field("dropped", o.dropped())
          .field("refusedPerSender", o.refusedPerSender())
          .field("unauthenticatedPending", o.unauthenticatedPending())
          .field("unauthenticatedDeclined", o.unauthenticatedDeclined())
          .field("unauthenticatedDiscarded", o.unauthenticatedDiscarded())
          .endObject();
    }
    w.name("rateLimits");
    if (rateLimits == null) {
      w.value((String) null);
    } else {
      RateLimiter.Stats r = rateLimits;
      w.beginObject().field("sources", r.sources()).field("maxSources", r.maxSources())
          .field("requestsRefused", r.requestsRefused()).field("authFailures", r.authFailures())
          .field("authBlocks", r.authBlocks()).endObject();
    }
    if (conferences != null) {
      w.name("conferences").beginObject().field("count", conferences.count())
          .field("listed", conferences.listed()).field("truncated", conferences.truncated());
      w.name("list").beginArray();
      for (Conference c : conferences.list()) {
        w.beginObject().field("uri", c.uri()).field("conversation", c.conversation())
            .field("organizer", c.organizer()).field("subscriptions", c.subscriptions());
        w.name("participants").beginArray();
        for (Participant p : c.participants()) {
          w.beginObject().field("uri", p.uri()).field("displayName", p.displayName())
              .field("status", p.status()).field("im", p.im()).field("audio", p.audio())
              .endObject();
        }
        w.endArray().endObject();
      }
      w.endArray().endObject();
    }
    return w.endObject().toString();
  }

  /**
   * Reads the JSON form back. Unknown fields are ignored; missing counters read as 0, missing
   * lists as empty, a missing {@code offlineMessages}, {@code rateLimits} or {@code conferences}
   * as null.
   *
   * @throws IllegalArgumentException if {@code json} is not JSON, is not an object, or lacks
   *     {@code domain}, {@code time} or {@code startedAt}
   */
  public static ServerStatus fromJson(String json) {
    if (!(JsonParser.parse(json) instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("status is not a JSON object");
    }
    String domain = requiredString(root, "domain");
    Instant time = instant(root, "time");
    Instant started = instant(root, "startedAt");
    List<String> listeners = new ArrayList<>();
    for (Object o : list(root, "listeners")) {
      listeners.add(String.valueOf(o));
    }
    Map<?, ?> regs = object(root, "registrations");
    List<Registration> registrations = new ArrayList<>();
    for (Object o : list(regs, "list")) {
      if (o instanceof Map<?, ?> r) {
        List<Contact> contacts = new ArrayList<>();
        for (Object c : list(r, "contacts")) {
          if (c instanceof Map<?, ?> cm && cm.get("contact") instanceof String contact) {
            contacts.add(new Contact(contact, number(cm, "expiresIn"), string(cm, "source"),
                string(cm, "userAgent")));
          }
        }
        registrations.add(new Registration(String.valueOf(r.get("aor")), contacts));
      }
    }
    Map<?, ?> tx = object(root, "transactions");
    Map<String, Long> proxy = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : object(root, "proxy").entrySet()) {
      if (e.getValue() instanceof Number n) {
        proxy.put(String.valueOf(e.getKey()), n.longValue());
      }
    }
    Map<String, Long> connections = new LinkedHashMap<>();
    if (root.get("connections") instanceof Map<?, ?> cm) {
      for (Map.Entry<?, ?> e : cm.entrySet()) {
        if (e.getValue() instanceof Number n) {
          connections.put(String.valueOf(e.getKey()), n.longValue());
        }
      }
    }
    OfflineMessages.Stats offline = null;
    if (root.get("offlineMessages") instanceof Map<?, ?> o) {
      offline = new OfflineMessages.Stats(number(o, "pending"), number(o, "pendingBytes"),
          (int) number(o, "users"), number(o, "accepted"), number(o, "rejected"),
          number(o, "delivered"), number(o, "failedAttempts"), number(o, "dropped"),
          number(o, "refusedPerSender"), number(o, "unauthenticatedPending"),
          number(o, "unauthenticatedDeclined"), number(o, "unauthenticatedDiscarded"));
    }
    RateLimiter.Stats limits = null;
    if (root.get("rateLimits") instanceof Map<?, ?> r) {
      limits = new RateLimiter.Stats((int) number(r, "sources"), (int) number(r, "maxSources"),
          number(r, "requestsRefused"), number(r, "authFailures"), number(r, "authBlocks"));
    }
    return new ServerStatus(domain, time, started, listeners, (int) number(root, "accounts"),
        (int) number(regs, "aors"), (int) number(regs, "bindings"), registrations,
        (int) number(tx, "client"), (int) number(tx, "server"), proxy, offline, limits,
        connections, conferences(root));
  }

  private static Conferences conferences(Map<?, ?> root) {
    if (!(root.get("conferences") instanceof Map<?, ?> cs)) {
      return null;
    }
    List<Conference> list = new ArrayList<>();
    for (Object o : list(cs, "list")) {
      if (o instanceof Map<?, ?> c && c.get("uri") instanceof String uri) {
        List<Participant> participants = new ArrayList<>();
        for (Object p : list(c, "participants")) {
          if (p instanceof Map<?, ?> pm && pm.get("uri") instanceof String puri) {
            String status = string(pm, "status");
            participants.add(new Participant(puri, string(pm, "displayName"),
                status == null ? "unknown" : status, Boolean.TRUE.equals(pm.get("im")),
                Boolean.TRUE.equals(pm.get("audio"))));
          }
        }
        list.add(new Conference(uri, string(c, "conversation"), string(c, "organizer"),
            (int) number(c, "subscriptions"), participants));
      }
    }
    return new Conferences((int) Math.max(number(cs, "count"), list.size()), list);
  }

  private static String requiredString(Map<?, ?> m, String name) {
    if (!(m.get(name) instanceof String s)) {
      throw new IllegalArgumentException("status has no '" + name + "'");
    }
    return s;
  }

  private static Instant instant(Map<?, ?> m, String name) {
    try {
      return Instant.parse(requiredString(m, name));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("status '" + name + "' is not a time: " + m.get(name));
    }
  }

  private static String string(Map<?, ?> m, String name) {
    return m.get(name) instanceof String s ? s : null;
  }

  private static long number(Map<?, ?> m, String name) {
    return m.get(name) instanceof Number n ? n.longValue() : 0;
  }

  private static List<?> list(Map<?, ?> m, String name) {
    return m.get(name) instanceof List<?> l ? l : List.of();
  }

  private static Map<?, ?> object(Map<?, ?> m, String name) {
    return m.get(name) instanceof Map<?, ?> o ? o : Map.of();
  }

  /** Builds a {@link ServerStatus}; not thread-safe. Everything but domain and start is optional. */
  public static final class Builder {
    private final String domain;
    private final Instant startedAt;
    private Instant time;
    private final List<String> listeners = new ArrayList<>();
    private int accounts;
    private int aors;
    private int bindings;
    private final List<Registration> registrations = new ArrayList<>();
    private int clientTransactions;
    private int serverTransactions;
    private final Map<String, Long> proxy = new LinkedHashMap<>();
    private final Map<String, Long> connections = new LinkedHashMap<>();
    private OfflineMessages.Stats offlineMessages;
    private RateLimiter.Stats rateLimits;
    private Conferences conferences;

    private Builder(String domain, Instant startedAt) {
      this.domain = Objects.requireNonNull(domain, "domain");
      this.startedAt = Objects.requireNonNull(startedAt, "startedAt");
    }

    /** When the snapshot is taken; default the time {@link #build()} runs. */
    public Builder time(Instant time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /** Adds bound listeners, as {@code transport:host:port} text. */
    public Builder listeners(List<?> listenPoints) {
      for (Object lp : listenPoints) {
        listeners.add(String.valueOf(lp));
      }
      return this;
    }

    /** The number of accounts. */
    public Builder accounts(int accounts) {
      this.accounts = accounts;
      return this;
    }

    /** The location service's counts (all AORs and bindings, listed or not). */
    public Builder registrationCounts(int aors, int bindings) {
      this.aors = aors;
      this.bindings = bindings;
      return this;
    }

    /**
     * Lists registered AORs with their bindings: sorted by AOR, at most {@code maxListed} of
     * them, lapsed bindings left out, remaining expiry computed at {@code nowMillis}. Replaces
     * earlier calls.
     *
     * @throws IllegalArgumentException if {@code maxListed} is negative
     */
    public Builder registrations(Map<Aor, List<Binding>> bindingsByAor, long nowMillis,
        int maxListed) {
      if (maxListed < 0) {
        throw new IllegalArgumentException("maxListed is negative: " + maxListed);
      }
      registrations.clear();
      List<Aor> sorted = new ArrayList<>(bindingsByAor.keySet());
      sorted.sort(Comparator.comparing(Aor::toString));
      for (Aor aor : sorted) {
        if (registrations.size() >= maxListed) {
          break;
        }
        List<Contact> contacts = new ArrayList<>();
        for (Binding b : bindingsByAor.get(aor)) {
          if (!b.isExpired(nowMillis)) {
            contacts.add(new Contact(b.contact().toString(), b.expiresInSeconds(nowMillis),
                b.source(), b.userAgent()));
          }
        }
        if (!contacts.isEmpty()) {
          registrations.add(new Registration(aor.toString(), contacts));
        }
      }
      return this;
    }

    /** Live client and server transactions. */
    public Builder transactions(int client, int server) {
      this.clientTransactions = client;
      this.serverTransactions = server;
      return this;
    }

    /** A named proxy counter ({@code contexts}, {@code dialogs}, ...), listed in call order. */
    public Builder proxyCounter(String name, long value) {
      proxy.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /** A named connection counter ({@code open}, {@code evicted}, ...), listed in call order. */
    public Builder connectionCounter(String name, long value) {
      connections.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /** Store-and-forward counters; leave unset when it is off. */
    public Builder offlineMessages(OfflineMessages.Stats stats) {
      this.offlineMessages = stats;
      return this;
    }

    /** Rate-limit counters; leave unset when limiting is off. */
    public Builder rateLimits(RateLimiter.Stats stats) {
      this.rateLimits = stats;
      return this;
    }

    /**
     * Lists the focus's conferences with their rosters: sorted by URI, at most
     * {@code maxListed} of them; all of them are counted. Leave unset when the focus is off.
     * Replaces earlier calls.
     *
     * @throws IllegalArgumentException if {@code maxListed} is negative
     */
    public Builder conferences(Collection<ConferenceView> views, int maxListed) {
      if (maxListed < 0) {
        throw new IllegalArgumentException("maxListed is negative: " + maxListed);
      }
      List<ConferenceView> sorted = new ArrayList<>(views);
      sorted.sort(Comparator.comparing(ConferenceView::uri));
      List<Conference> list = new ArrayList<>();
      for (ConferenceView v : sorted.subList(0, Math.min(maxListed, sorted.size()))) {
        List<Participant> participants = new ArrayList<>();
        for (ConferenceView.Participant p : v.participants()) {
          participants.add(new Participant(p.uri(), p.displayName(), p.status().token(), p.im(),
              p.audio()));
        }
        list.add(new Conference(v.uri(), v.conversationId(), v.organizer(), v.subscriptions(),
            participants));
      }
      this.conferences = new Conferences(sorted.size(), list);
      return this;
    }

    /** The snapshot. */
    public ServerStatus build() {
      return new ServerStatus(domain, time != null ? time : Instant.now(), startedAt, listeners,
          accounts, aors, bindings, registrations, clientTransactions, serverTransactions, proxy,
          offlineMessages, rateLimits, connections, conferences);
    }
  }
}
