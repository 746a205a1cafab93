package dev.parley.client;

import dev.parley.auth.UserSecret;
import dev.parley.client.internal.DefaultEndpoint;
import dev.parley.client.internal.EndpointAudio;
import dev.parley.client.internal.EndpointConfig;
import dev.parley.client.internal.ProductName;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioSource;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.sip.SipUri;
import dev.parley.transport.TransportLayer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A user on one device (UCCAPI's {@code IUccEndpoint}): signs in to a registrar with
 * {@link #enable()}, out with {@link #disable()}, and receives invitations through its
 * {@link #sessionManager()}. Without a server it works peer-to-peer: {@code enable()} only starts
 * listening, and peers invite its {@link #contactUri()} directly.
 *
 * <pre>{@code
 * Endpoint alice = Endpoint.builder("sip:alice@example.com")
 *     .credentials("alice", "secret")
 *     .server("sip:192.0.2.10:5060;transport=tcp")
 *     .listen("tcp:0.0.0.0:0")
 *     .build();
 * alice.addListener((endpoint, e) -> System.out.println(e.oldState() + " -> " + e.newState()));
 * alice.enable().join();                 // REGISTER with digest; refreshed at half the granted expiry
 * }</pre>
 *
 * <p><b>Threading.</b> Application callbacks never run on a network thread: each endpoint delivers
 * its events serially, in order, on its own serial executor over {@link Builder#executor} (by
 * default a shared pool of daemon threads). A callback may block; only this endpoint's later events
 * wait. Public methods are thread-safe; futures complete on the executor, so a callback may
 * {@code join()} one (given a pool of more than one thread).
 *
 * <p><b>Futures and events are not ordered with each other.</b> A change is made (so
 * {@link #state()}, {@code Participant.state()} and {@code Session.isTerminated()} read the new
 * value) before both its events and its future's completion are handed to the executor; the
 * events then run on the serial channel and the future completes on the pool, so a future may
 * complete before, while or after the listeners hear of the change. Ordering the two would make
 * a callback that {@code join()}s a future wait for the events queued behind itself: a deadlock.
 * To act on an event, listen for it (or, in a test, wait for it); to know the outcome, use the
 * future or read the state.
 */
public interface Endpoint extends AutoCloseable {
  /** A builder for the endpoint of {@code uri} (the address of record, e.g. {@code sip:alice@example.com}). */
  static Builder builder(SipUri uri) {
    return new Builder(uri);
  }

  /**
   * A builder for the endpoint of {@code uri}.
   *
   * @throws dev.parley.sip.SipParseException if {@code uri} is not a SIP URI
   */
  static Builder builder(String uri) {
    return new Builder(SipUri.parse(uri));
  }

  /** The address of record. */
  SipUri uri();

  /** The current state. */
  EndpointState state();

  /**
   * Signs in: starts listening, then (with a server) sends REGISTER, answering digest challenges.
   * State goes ENABLING, then ENABLED or DISABLED with the failure. The registration is refreshed
   * at half the granted expiry; if a refresh fails for a network reason, the state goes back to
   * ENABLING and REGISTER is retried with backoff.
   *
   * <p>Over TCP, TLS and WebSocket the registration lives on one connection (RFC 5626's flow).
   * When that connection closes (the server restarted, the network dropped it), the state goes
   * ENABLED to ENABLING at once, the event carrying {@link SignInFailure#SERVER_UNREACHABLE} (503,
   * message "the connection to the registrar closed: ..."), and
   * REGISTER is sent again over a new connection after a random wait of up to
   * {@link Builder#reconnectDelay}, then retried with the same backoff as a failed refresh; ENABLED
   * again when it succeeds. Over UDP there is no connection to watch: a restarted server is noticed
   * at the next refresh (choose a shorter {@link Builder#registrationExpiry} to notice sooner).
   *
   * @return completes when ENABLED; fails with {@link SignInException}. Calling it while ENABLING
   *     returns the pending attempt; while ENABLED, a completed future. A future obtained while
   *     the endpoint was re-registering fails with {@link java.util.concurrent.CancellationException}
   *     if {@link #disable()} is called before the re-registration succeeds.
   */
  CompletableFuture<Void> enable();

  /**
   * Signs out: REGISTER with {@code Expires: 0} for our Contact, then DISABLED. Sessions are left
   * as they are; new invitations are rejected with 480. While the endpoint is re-registering
   * (ENABLING after a failed refresh or a lost connection) it stops at once: no further
   * REGISTER with an expiry goes out, only the {@code Expires: 0} one.
   *
   * @return completes when DISABLED (also when the server did not answer: the binding then expires
   *     by itself; the state event carries the failure)
   */
  CompletableFuture<Void> disable();

  /** The session manager: incoming invitations and new sessions. */
  SessionManager sessionManager();

  /**
   * Where peers reach this endpoint directly: our Contact URI, e.g. {@code sip:alice@127.0.0.1:5062}.
   *
   * @throws IllegalStateException before the first {@link #enable()} has bound the listen points
   */
  SipUri contactUri();

  /** Adds a listener for state changes. */
  void addListener(Listener listener);

  /** Removes a listener added with {@link #addListener}. */
  void removeListener(Listener listener);

  /** Closes the transport (without signing out: call {@link #disable()} first). Idempotent. */
  @Override
  void close();

  /** Endpoint events (UCCAPI's {@code _IUccEndpointEvents}). */
  @FunctionalInterface
  interface Listener {
    /** The endpoint changed state; {@code event.failure()} says why when a failure caused it. */
    void onStateChanged(Endpoint endpoint, EndpointStateChangedEvent event);
  }

  /** Builds an {@link Endpoint}; not thread-safe. */
  final class Builder {
    /** Default requested registration expiry: {@value} seconds. */
    public static final long DEFAULT_REGISTRATION_EXPIRY_SECONDS = 3600;
    /** Default time an invitation may wait for an answer before 480: {@value} seconds. */
    public static final long DEFAULT_INVITATION_TIMEOUT_SECONDS = 30;
    /** Default first delay before re-registering after a failure: {@value} seconds (RFC 5626 §4.5 base time). */
    public static final long DEFAULT_RETRY_BASE_SECONDS = 30;
    /** Default longest delay between re-registration attempts: {@value} seconds (RFC 5626 §4.5). */
    public static final long DEFAULT_RETRY_MAX_SECONDS = 1800;
    /**
     * Default longest random wait before re-registering after the registration's connection closed:
     * {@value} seconds.
     */
    public static final long DEFAULT_RECONNECT_DELAY_SECONDS = 2;
    /** Default time without keystrokes after which we send an {@code idle} indication: {@value} s (RFC 3994 §3.2). */
    public static final long DEFAULT_COMPOSING_IDLE_SECONDS = 15;
    /** Default refresh interval of our {@code active} indications: {@value} s (RFC 3994 §3.2: at least 60). */
    public static final long DEFAULT_COMPOSING_REFRESH_SECONDS = 90;
    /** Default most pager-mode peers tracked at once (sessions and remembered rejects): {@value}. */
    public static final int DEFAULT_MAX_PAGER_SESSIONS = 1000;
    /** Default time after which a pager-mode session with no message either way ends: {@value} s. */
    public static final long DEFAULT_PAGER_SESSION_IDLE_SECONDS = 1800;
    /** Default most SIP messages kept per session trace (the latest ones): {@value}. */
    public static final int DEFAULT_TRACE_LIMIT = 500;

    private final SipUri uri;
    private String displayName;
    private UserSecret secret;
    private SipUri server;
    private TransportLayer transport;
    private final List<String> listen = new ArrayList<>();
    private Executor executor;
    private Duration registrationExpiry = Duration.ofSeconds(DEFAULT_REGISTRATION_EXPIRY_SECONDS);
    private Duration invitationTimeout = Duration.ofSeconds(DEFAULT_INVITATION_TIMEOUT_SECONDS);
    private Duration retryBase = Duration.ofSeconds(DEFAULT_RETRY_BASE_SECONDS);
    private Duration retryMax = Duration.ofSeconds(DEFAULT_RETRY_MAX_SECONDS);
    private Duration reconnectDelay = Duration.ofSeconds(DEFAULT_RECONNECT_DELAY_SECONDS);
    private Duration composingIdle = Duration.ofSeconds(DEFAULT_COMPOSING_IDLE_SECONDS);
    private Duration composingRefresh = Duration.ofSeconds(DEFAULT_COMPOSING_REFRESH_SECONDS);
    private int maxPagerSessions = DEFAULT_MAX_PAGER_SESSIONS;
    private Duration pagerIdle = Duration.ofSeconds(DEFAULT_PAGER_SESSION_IDLE_SECONDS);
    private int traceLimit = DEFAULT_TRACE_LIMIT;
    private SipUri conferenceFactory;
    private String userAgent = ProductName.DEFAULT;
    private final EndpointAudio.Builder audio = EndpointAudio.builder();

    private Builder(SipUri uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      if (uri.user() == null || uri.user().isEmpty()) {
        throw new IllegalArgumentException("uri has no user part: " + uri);
      }
    }

    /** The display name our From carries. */
    public Builder displayName(String displayName) {
      this.displayName = displayName;
      return this;
    }

    /** The username and password that answer digest challenges (MD5, SHA-256, RFC 7616/8760). */
    public Builder credentials(String username, String password) {
      this.secret = UserSecret.ofPassword(username, password);
      return this;
    }

    /** The secret that answers digest challenges (password or precomputed HA1). */
    public Builder credentials(UserSecret secret) {
      this.secret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * The registrar and outbound proxy, e.g. {@code sip:192.0.2.10:5060;transport=tcp}: REGISTER
     * and every INVITE go there. Without a server the endpoint is peer-to-peer.
     *
     * @throws dev.parley.sip.SipParseException if {@code uri} is not a SIP URI
     */
    public Builder server(String uri) {
      return server(SipUri.parse(uri));
    }

    /** The registrar and outbound proxy (see {@link #server(String)}). */
    public Builder server(SipUri uri) {
      this.server = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** The registrar and outbound proxy, reached over {@code transport}. */
    public Builder server(SipUri uri, dev.parley.transport.Transport transport) {
      Objects.requireNonNull(transport, "transport");
      return server(uri.toBuilder().transport(transport.name().toLowerCase(Locale.ROOT)).build());
    }

    /**
     * Listen points to create a Netty transport on, written {@code transport:host:port} (port 0
     * picks a free one; the host is what our Contact advertises, so give the address peers reach).
     * One of this and {@link #transport(TransportLayer)} is required. The transport sends RFC 5626
     * §4.4.1 CRLF keep-alive pings on the connections it opens over TCP and TLS, every 96 to 120 s,
     * so that neither side's idle timeout closes the connection the registration lives on.
     */
    public Builder listen(String... points) {
      listen.addAll(List.of(points));
      return this;
    }

    /**
     * A transport layer (not started) the endpoint takes over and closes; excludes {@link #listen}.
     * The endpoint installs its own listener on it (do not call {@code setListener} afterwards):
     * the user agent's transaction layer behind a watch of the registration's connection. Connection
     * loss is noticed only if the transport reports closed flows
     * ({@link dev.parley.transport.TransportListener#onFlowClosed}), as the Netty layer does;
     * keep-alive pings are then up to its {@link dev.parley.transport.TransportConfig} (an endpoint
     * built with {@link #listen} sends RFC 5626 CRLF pings on its TCP and TLS connections).
     */
    public Builder transport(TransportLayer transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Where callbacks and future completions run; the endpoint runs its callbacks one at a time, in
     * order, on top of it. Default: a pool of daemon threads shared by every endpoint that has no
     * executor of its own. {@code Runnable::run} runs callbacks on the calling (network) thread:
     * use it only in tests on a fake scheduler.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The registration expiry we ask for (default {@value #DEFAULT_REGISTRATION_EXPIRY_SECONDS} s);
     * the registration is refreshed at half what the registrar grants. Over UDP the refresh is also
     * when a restarted server (one that lost its bindings) is noticed, so a shorter expiry bounds
     * how long the endpoint may be unreachable; over TCP, TLS and WebSocket a closed connection is
     * noticed at once (see {@link Endpoint#enable()}).
     */
    public Builder registrationExpiry(Duration expiry) {
      if (expiry.toSeconds() < 1) {
        throw new IllegalArgumentException("registrationExpiry out of range (at least 1 s): " + expiry);
      }
      this.registrationExpiry = expiry;
      return this;
    }

    /**
     * How long an invitation may wait for an answer before it is rejected with 480 (default
     * {@value #DEFAULT_INVITATION_TIMEOUT_SECONDS} s).
     */
    public Builder invitationTimeout(Duration timeout) {
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("invitationTimeout out of range (positive): " + timeout);
      }
      this.invitationTimeout = timeout;
      return this;
    }

    /**
     * Backoff of re-registration after a failed refresh: the n-th retry waits
     * {@code min(max, base * 2^(n-1))}, times a random 50-100% (RFC 5626 §4.5). Defaults
     * {@value #DEFAULT_RETRY_BASE_SECONDS} s and {@value #DEFAULT_RETRY_MAX_SECONDS} s.
     */
    public Builder retryBackoff(Duration base, Duration max) {
      if (base.toMillis() < 1 || max.compareTo(base) < 0) {
        throw new IllegalArgumentException("retryBackoff out of range: base " + base + ", max " + max);
      }
      this.retryBase = base;
      this.retryMax = max;
      return this;
    }

    /**
     * After the connection our registration lives on closes (TCP, TLS, WebSocket), the first new
     * REGISTER waits a random time between zero and {@code max} (default
     * {@value #DEFAULT_RECONNECT_DELAY_SECONDS} s), so that the clients of a restarted server do not
     * all come back in the same instant; later attempts follow {@link #retryBackoff}.
     * {@link Duration#ZERO} re-registers at once.
     *
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Builder reconnectDelay(Duration max) {
      if (max.isNegative()) {
        throw new IllegalArgumentException("reconnectDelay out of range (0 or more): " + max);
      }
      this.reconnectDelay = max;
      return this;
    }

    /**
     * How long after the last {@code setComposing(true)} we send an RFC 3994 {@code idle}
     * indication (default {@value #DEFAULT_COMPOSING_IDLE_SECONDS} s).
     *
     * @throws IllegalArgumentException if {@code timeout} is under one second
     */
    public Builder composingIdleTimeout(Duration timeout) {
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("composingIdleTimeout out of range (at least 1 s): " + timeout);
      }
      this.composingIdle = timeout;
      return this;
    }

    /**
     * The refresh interval written in our {@code active} indications and after which we repeat
     * them while the user keeps typing (default {@value #DEFAULT_COMPOSING_REFRESH_SECONDS} s; RFC
     * 3994 §3.2 asks for at least 60 s).
     *
     * @throws IllegalArgumentException if {@code refresh} is under 60 seconds
     */
    public Builder composingRefresh(Duration refresh) {
      if (refresh.toSeconds() < 60) {
        throw new IllegalArgumentException("composingRefresh out of range (at least 60 s): " + refresh);
      }
      this.composingRefresh = refresh;
      return this;
    }

    /**
     * The most pager-mode peers tracked at once, live sessions and remembered rejects together
     * (default {@value #DEFAULT_MAX_PAGER_SESSIONS}); a MESSAGE from a new peer beyond it gets 503.
     *
     * @throws IllegalArgumentException if {@code max} is not positive
     */
    public Builder maxPagerSessions(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPagerSessions out of range (positive): " + max);
      }
      this.maxPagerSessions = max;
      return this;
    }

    /**
     * How long a pager-mode session lives without a message either way before it ends by itself
     * (pager peers never say goodbye), and how long a rejected pager peer's MESSAGEs keep getting
     * the reject status (default {@value #DEFAULT_PAGER_SESSION_IDLE_SECONDS} s).
     *
     * @throws IllegalArgumentException if {@code timeout} is under one second
     */
    public Builder pagerSessionIdleTimeout(Duration timeout) {
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("pagerSessionIdleTimeout out of range (at least 1 s): " + timeout);
      }
      this.pagerIdle = timeout;
      return this;
    }

    /**
     * The most SIP messages each session's {@link Session#trace()} keeps, the latest ones (default
     * {@value #DEFAULT_TRACE_LIMIT}); 0 turns tracing off (no trace listener on the transport).
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public Builder traceLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("traceLimit out of range (0 or more): " + limit);
      }
      this.traceLimit = limit;
      return this;
    }

    /**
     * The conference factory (RFC 4579 §5.4) that {@link ConferenceSession#enter()} creates ad hoc
     * conferences at: an INVITE to it makes a conference and enters it. Default
     * {@code sip:conference@DOMAIN}, DOMAIN the host of the endpoint's address of record (what
     * {@code parley server} serves).
     *
     * @throws NullPointerException if {@code uri} is null
     */
    public Builder conferenceFactory(SipUri uri) {
      this.conferenceFactory = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /**
     * The product this endpoint names in the User-Agent header of the requests it builds
     * (REGISTER, INVITE, MESSAGE, SUBSCRIBE, in-dialog requests, the ACK for a 2xx) and the
     * Server header of its responses. The transaction layer's own messages (CANCEL, the ACK for
     * a non-2xx response, 100 Trying) carry none (RFC 3261 makes both headers optional). Default
     * {@code Parley/VERSION} (the Parley version; {@code Parley} when it is not known); null or
     * empty for none.
     *
     * @throws IllegalArgumentException if {@code product} holds a control character
     */
    public Builder userAgent(String product) {
      if (product != null && product.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
        throw new IllegalArgumentException("userAgent holds a control character: " + product);
      }
      this.userAgent = product;
      return this;
    }

    /**
     * What each audio session sends: {@code sources} is called once per
     * {@link AudioVideoSession} when its stream starts, on a media thread (it may open a file; it
     * should not wait on the network). Default: silence. The stream closes the source when the
     * session ends.
     */
    public Builder audioSource(
        Function<? super AudioVideoSession, ? extends AudioSource> sources) {
      audio.source(sources);
      return this;
    }

    /**
     * Where each audio session's received audio goes: {@code sinks} is called once per
     * {@link AudioVideoSession} when its stream starts, on a media thread; it may return null to
     * discard the audio (nothing is decoded then). Default: discarded. The stream closes the sink
     * when the session ends (a {@link dev.parley.media.WavRecorder} then completes its file).
     */
    public Builder audioSink(Function<? super AudioVideoSession, ? extends AudioSink> sinks) {
      audio.sink(sinks);
      return this;
    }

    /**
     * The codecs, telephone-event, packet time and rtcp-mux our audio offers and answers use
     * (default {@link AudioOffers#defaults()}: Opus, PCMU, PCMA, telephone-event, 20 ms, rtcp-mux).
     */
    public Builder audioOffers(AudioOffers offers) {
      audio.offers(offers);
      return this;
    }

    /**
     * The RTP port range, bind address and threads of the media network this endpoint creates on
     * its first audio session and closes with itself (default {@link MediaNetworkConfig#defaults()},
     * bound to the SIP listen address when that is not a wildcard).
     */
    public Builder mediaNetwork(MediaNetworkConfig config) {
      audio.network(config);
      return this;
    }

    /**
     * A media network and scheduler shared with other endpoints (a server, a test holding many
     * endpoints); the endpoint uses them and does not close them.
     */
    public Builder mediaNetwork(MediaNetwork network, MediaScheduler scheduler) {
      audio.shared(network, scheduler);
      return this;
    }

    /**
     * The endpoint, in state IDLE (nothing bound yet).
     *
     * @throws IllegalArgumentException if both or neither of {@link #listen} and
     *     {@link #transport} were given
     */
    public Endpoint build() {
      if (transport != null && !listen.isEmpty()) {
        throw new IllegalArgumentException("give either listen points or a transport, not both");
      }
      if (transport == null && listen.isEmpty()) {
        throw new IllegalArgumentException("no listen point: call listen(...) or transport(...)");
      }
      return new DefaultEndpoint(new EndpointConfig(uri, displayName, secret, server, transport,
          List.copyOf(listen), executor,
          registrationExpiry, invitationTimeout, retryBase, retryMax, reconnectDelay, composingIdle,
          composingRefresh, maxPagerSessions, pagerIdle, traceLimit, audio.build(),
          conferenceFactory != null ? conferenceFactory
              : SipUri.builder().user("conference").host(uri.host()).build(), userAgent));
    }
  }
}
