package dev.parley.focus;

import java.time.Duration;
import java.util.Objects;

/**
 * The conference focus's settings ({@code docs/conferences.md}, "Configuration"); every limit the
 * network can push has a name and a default here.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()} or take {@link #defaults()}.
 */
public final class FocusConfig {
  /** Who may dial in to a conference (an INVITE to its URI): {@code focus.dial_in}. */
  public enum DialIn {
    /** Authenticated users of the domain (the default). */
    DOMAIN,
    /**
     * Invitation only: the conference's organizer and the users the focus dialled out to or was
     * asked to invite (REFER), authenticated as users of the domain; anyone else gets 403.
     */
    INVITATION,
    /** Anyone: callers who are not authenticated users of the domain (guests) too. */
    GUESTS;

    /**
     * {@code domain}, {@code invitation} or {@code guests} (any case), as in a config file.
     *
     * @throws IllegalArgumentException naming the values allowed
     */
    public static DialIn parse(String value) {
      Objects.requireNonNull(value, "dialIn");
      for (DialIn d : values()) {
        if (d.name().equalsIgnoreCase(value.trim())) {
          return d;
        }
      }
      throw new IllegalArgumentException("dialIn must be domain, invitation or guests: '"
          + value + "'");
    }
  }

  private static final FocusConfig DEFAULTS = builder().build();

  private final String factoryUser;
  private final int maxConferences;
  private final int maxConferencesPerUser;
  private final int maxParticipants;
  private final DialIn dialIn;
  private final Duration idleTimeout;
  private final int maxSubscriptions;
  private final int maxDialOuts;
  private final boolean dialOutExternal;
  private final Duration relayTimeout;
  private final boolean audio;
  private final int rtpMinPort;
  private final int rtpMaxPort;
  private final int mixThreads;
  private final Duration mediaTimeout;

  private FocusConfig(Builder b) {
    this.factoryUser = b.factoryUser;
    this.maxConferences = b.maxConferences;
    this.maxConferencesPerUser = b.maxConferencesPerUser;
    this.maxParticipants = b.maxParticipants;
    this.dialIn = b.resolvedDialIn();
    this.idleTimeout = b.idleTimeout;
    this.maxSubscriptions = b.maxSubscriptions;
    this.maxDialOuts = b.maxDialOuts;
    this.dialOutExternal = b.dialOutExternal;
    this.relayTimeout = b.relayTimeout;
    this.audio = b.audio;
    this.rtpMinPort = b.rtpMinPort;
    this.rtpMaxPort = b.rtpMaxPort;
    this.mixThreads = b.mixThreads;
    this.mediaTimeout = b.mediaTimeout;
  }

  /**
   * The defaults: factory {@code conference}, 100 conferences of 20 participants, dial-in by
   * users of the domain (no guests).
   */
  public static FocusConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The user part of the conference factory URI ({@code conference}). */
  public String factoryUser() {
    return factoryUser;
  }

  /** Conferences at once; an INVITE to the factory beyond it gets 503 (default 100). */
  public int maxConferences() {
    return maxConferences;
  }

  /**
   * Conferences one user may have created and not yet ended; an INVITE to the factory beyond it
   * gets 403 (default {@value Builder#DEFAULT_MAX_CONFERENCES_PER_USER}), so that one user cannot
   * take every conference of {@link #maxConferences}.
   */
  public int maxConferencesPerUser() {
    return maxConferencesPerUser;
  }

  /** Participants of one conference (legs, connecting ones included); 503 beyond (default 20). */
  public int maxParticipants() {
    return maxParticipants;
  }

  /**
   * Whether callers who are not authenticated users of the domain may dial in (default no):
   * {@link #dialIn()} is {@link DialIn#GUESTS}.
   */
  public boolean guests() {
    return dialIn == DialIn.GUESTS;
  }

  /** Who may dial in to a conference (default {@link DialIn#DOMAIN}). */
  public DialIn dialIn() {
    return dialIn;
  }

  /**
   * How long a conference with nobody left in it stays joinable (default zero: it ends when its
   * last participant leaves).
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Roster subscriptions of one conference (default 50; 503 beyond). */
  public int maxSubscriptions() {
    return maxSubscriptions;
  }

  /** Dial-outs (REFER) of one conference not yet answered (default 10; 503 beyond). */
  public int maxDialOuts() {
    return maxDialOuts;
  }

  /** Whether the focus dials out to users of other domains (default no: no free calls). */
  public boolean dialOutExternal() {
    return dialOutExternal;
  }

  /** How long a relayed conference MESSAGE waits for each recipient's answer (default 10 s). */
  public Duration relayTimeout() {
    return relayTimeout;
  }

  /** Whether the focus mixes audio (default yes); off, audio lines are refused with port 0. */
  public boolean audio() {
    return audio;
  }

  /** The lowest RTP port of the focus's legs (default 16384; RTCP on the next port). */
  public int rtpMinPort() {
    return rtpMinPort;
  }

  /** The highest RTP port of the focus's legs (default 32767). */
  public int rtpMaxPort() {
    return rtpMaxPort;
  }

  /** Media workers that run the conferences' mixes (default 2; one conference per worker at a time). */
  public int mixThreads() {
    return mixThreads;
  }

  /**
   * How long an audio leg that is not on hold may send no RTP before the focus ends it with BYE
   * (a participant that vanished without BYE; default 60 s; zero: never).
   */
  public Duration mediaTimeout() {
    return mediaTimeout;
  }

  /** Builds a {@link FocusConfig}; not thread-safe. */
  public static final class Builder {
    /** Conferences per organizer by default: {@value}. */
    public static final int DEFAULT_MAX_CONFERENCES_PER_USER = 5;

    private String factoryUser = "conference";
    private int maxConferences = 100;
    private int maxConferencesPerUser = DEFAULT_MAX_CONFERENCES_PER_USER;
    private int maxParticipants = 20;
    /** Null until set: {@link #guests(boolean)} and {@link #dialIn(DialIn)} must agree. */
    private Boolean guests;
    private DialIn dialIn;
    private Duration idleTimeout = Duration.ZERO;
    private int maxSubscriptions = 50;
    private int maxDialOuts = 10;
    private boolean dialOutExternal;
    private Duration relayTimeout = Duration.ofSeconds(10);
    private boolean audio = true;
    private int rtpMinPort = 16384;
    private int rtpMaxPort = 32767;
    private int mixThreads = 2;
    private Duration mediaTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** @throws IllegalArgumentException unless zero (off) or 10 s..1 h */
    public Builder mediaTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "mediaTimeout");
      if (!timeout.isZero() && (timeout.compareTo(Duration.ofSeconds(10)) < 0
          || timeout.compareTo(Duration.ofHours(1)) > 0)) {
        throw new IllegalArgumentException("mediaTimeout must be 0 (off) or 10s..1h: " + timeout);
      }
      this.mediaTimeout = timeout;
      return this;
    }

    public Builder audio(boolean audio) {
      this.audio = audio;
      return this;
    }

    /**
     * The RTP port range, {@code min..max} (1024..65535, at least two ports).
     *
     * @throws IllegalArgumentException naming the bound at fault
     */
    public Builder rtpPorts(int min, int max) {
      if (min < 1024 || max > 65535 || max - min < 1) {
        throw new IllegalArgumentException("rtpPorts must be MIN-MAX within 1024-65535 with at"
            + " least two ports: " + min + "-" + max);
      }
      this.rtpMinPort = min;
      this.rtpMaxPort = max;
      return this;
    }

    /** {@code MIN-MAX}, as in a config file. */
    public Builder rtpPorts(String range) {
      Objects.requireNonNull(range, "rtpPorts");
      int dash = range.indexOf('-');
      try {
        return rtpPorts(Integer.parseInt(range.substring(0, Math.max(dash, 0)).trim()),
            Integer.parseInt(range.substring(dash + 1).trim()));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("rtpPorts is not MIN-MAX (e.g. 20000-29999): '"
            + range + "'");
      }
    }

    public Builder mixThreads(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("mixThreads must be 1..64: " + n);
      }
      this.mixThreads = n;
      return this;
    }

    /**
     * @throws IllegalArgumentException if {@code user} is empty, starts with {@code conf-} (the
     *     conference URIs' prefix) or holds a character a SIP user part cannot
     */
    public Builder factoryUser(String user) {
      Objects.requireNonNull(user, "factoryUser");
      if (user.isEmpty() || user.startsWith(Focus.CONFERENCE_PREFIX)
          || user.chars().anyMatch(c -> c <= ' ' || c == '@' || c == ':' || c == ';'
              || c == '?' || c == '<' || c == '>' || c == '"')) {
        throw new IllegalArgumentException("factoryUser is not a user name for the factory URI"
            + " (not empty, not starting with '" + Focus.CONFERENCE_PREFIX + "'): '" + user + "'");
      }
      this.factoryUser = user;
      return this;
    }

    public Builder maxConferences(int n) {
      this.maxConferences = positive(n, "maxConferences");
      return this;
    }

    public Builder maxConferencesPerUser(int n) {
      this.maxConferencesPerUser = positive(n, "maxConferencesPerUser");
      return this;
    }

    public Builder maxParticipants(int n) {
      this.maxParticipants = positive(n, "maxParticipants");
      return this;
    }

    /** {@code true}: {@link DialIn#GUESTS}; {@code false}: not guests (the default). */
    public Builder guests(boolean guests) {
      this.guests = guests;
      return this;
    }

    /** Who may dial in; {@link #guests(boolean)}, when set too, must agree. */
    public Builder dialIn(DialIn dialIn) {
      this.dialIn = Objects.requireNonNull(dialIn, "dialIn");
      return this;
    }

    private DialIn resolvedDialIn() {
      if (dialIn == null) {
        return Boolean.TRUE.equals(guests) ? DialIn.GUESTS : DialIn.DOMAIN;
      }
      if (guests != null && guests != (dialIn == DialIn.GUESTS)) {
        throw new IllegalArgumentException("guests = " + guests + " and dialIn = "
            + dialIn.name().toLowerCase(java.util.Locale.ROOT) + " disagree (guests = true is"
            + " dialIn = guests; give one of them)");
      }
      return dialIn;
    }

    /** @throws IllegalArgumentException if negative or over a day */
    public Builder idleTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "idleTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("idleTimeout must be 0..24h: " + timeout);
      }
      this.idleTimeout = timeout;
      return this;
    }

    public Builder maxSubscriptions(int n) {
      this.maxSubscriptions = positive(n, "maxSubscriptions");
      return this;
    }

    public Builder maxDialOuts(int n) {
      this.maxDialOuts = positive(n, "maxDialOuts");
      return this;
    }

    public Builder dialOutExternal(boolean external) {
      this.dialOutExternal = external;
      return this;
    }

    /** @throws IllegalArgumentException if not 1 s..5 min */
    public Builder relayTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "relayTimeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0
          || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("relayTimeout must be 1s..5min: " + timeout);
      }
      this.relayTimeout = timeout;
      return this;
    }

    private static int positive(int n, String name) {
      if (n < 1 || n > 1_000_000) {
        throw new IllegalArgumentException(name + " must be 1..1000000: " + n);
      }
      return n;
    }

    public FocusConfig build() {
      return new FocusConfig(this);
    }
  }
}
