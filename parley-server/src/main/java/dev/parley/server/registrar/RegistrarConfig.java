package dev.parley.server.registrar;

import java.time.Duration;
import java.util.Objects;

/**
 * The registrar's and location service's settings (the {@code registrar.*} and
 * {@code location.*} keys of {@code docs/server.md}): how long registrations last, how many
 * bindings an AOR and the whole table may hold, and how often bindings are written behind to
 * the store and swept when lapsed.
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistrarConfig {
  /** Default write-behind flush interval of bindings: 5 s. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(5);
  /** Default interval between sweeps of lapsed bindings: 10 s. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(10);

  private static final RegistrarConfig DEFAULTS = new Builder().build();

  private final long minExpires;
  private final long maxExpires;
  private final long defaultExpires;
  private final int maxContactsPerAor;
  private final int maxBindings;
  private final Duration flushInterval;
  private final Duration sweepInterval;
  private final boolean writeThrough;

  private RegistrarConfig(Builder b) {
    this.minExpires = b.minExpires;
    this.maxExpires = b.maxExpires;
    this.defaultExpires = b.defaultExpires;
    this.maxContactsPerAor = b.maxContactsPerAor;
    this.maxBindings = b.maxBindings;
    this.flushInterval = b.flushInterval;
    this.sweepInterval = b.sweepInterval;
    this.writeThrough = b.writeThrough;
  }

  /** The documented defaults. */
  public static RegistrarConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.minExpires = minExpires;
    b.maxExpires = maxExpires;
    b.defaultExpires = defaultExpires;
    b.maxContactsPerAor = maxContactsPerAor;
    b.maxBindings = maxBindings;
    b.flushInterval = flushInterval;
    b.sweepInterval = sweepInterval;
    b.writeThrough = writeThrough;
    return b;
  }

  /** Shortest non-zero registration accepted, seconds ({@code registrar.min_expires}). */
  public long minExpires() {
    return minExpires;
  }

  /** Longest registration granted, seconds ({@code registrar.max_expires}). */
  public long maxExpires() {
    return maxExpires;
  }

  /**
   * Registration length when the client asks for none, seconds
   * ({@code registrar.default_expires}).
   */
  public long defaultExpires() {
    return defaultExpires;
  }

  /** Bindings one AOR may hold ({@code registrar.max_contacts}). */
  public int maxContactsPerAor() {
    return maxContactsPerAor;
  }

  /** Bindings the location service may hold ({@code location.max_bindings}). */
  public int maxBindings() {
    return maxBindings;
  }

  /** How often changed bindings are written to the store ({@code location.flush_interval}). */
  public Duration flushInterval() {
    return flushInterval;
  }

  /** How often lapsed bindings are removed ({@code location.sweep_interval}). */
  public Duration sweepInterval() {
    return sweepInterval;
  }

  /**
   * Whether a REGISTER's 200 waits until its bindings are in the store
   * ({@code location.write_through}, default false): then a crash loses no binding that was
   * answered 200; otherwise it may lose those changed within the last {@link #flushInterval()}.
   */
  public boolean writeThrough() {
    return writeThrough;
  }

  @Override
  public String toString() {
    return "RegistrarConfig[expires=" + minExpires + ".." + defaultExpires + ".." + maxExpires
        + ", maxContactsPerAor=" + maxContactsPerAor + ", maxBindings=" + maxBindings
        + (writeThrough ? ", writeThrough" : ", flushInterval=" + flushInterval) + "]";
  }

  /** Builds a {@link RegistrarConfig}; not thread-safe. Setters check their argument at once. */
  public static final class Builder {
    private long minExpires = Registrar.DEFAULT_MIN_EXPIRES;
    private long maxExpires = Registrar.DEFAULT_MAX_EXPIRES;
    private long defaultExpires = Registrar.DEFAULT_EXPIRES;
    private int maxContactsPerAor = Registrar.DEFAULT_MAX_CONTACTS_PER_AOR;
    private int maxBindings = LocationService.DEFAULT_MAX_BINDINGS;
    private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private boolean writeThrough;

    private Builder() {}

    /** See {@link RegistrarConfig#minExpires()}; default {@value Registrar#DEFAULT_MIN_EXPIRES}. */
    public Builder minExpires(long seconds) {
      this.minExpires = requireRange("minExpires", seconds, 1, 0xFFFF_FFFFL);
      return this;
    }

    /** See {@link RegistrarConfig#maxExpires()}; default {@value Registrar#DEFAULT_MAX_EXPIRES}. */
    public Builder maxExpires(long seconds) {
      this.maxExpires = requireRange("maxExpires", seconds, 1, 0xFFFF_FFFFL);
      return this;
    }

    /** See {@link RegistrarConfig#defaultExpires()}; default {@value Registrar#DEFAULT_EXPIRES}. */
    public Builder defaultExpires(long seconds) {
      this.defaultExpires = requireRange("defaultExpires", seconds, 1, 0xFFFF_FFFFL);
      return this;
    }

    /** Default {@value Registrar#DEFAULT_MAX_CONTACTS_PER_AOR}. */
    public Builder maxContactsPerAor(int max) {
      this.maxContactsPerAor = (int) requireRange("maxContactsPerAor", max, 1, 10_000);
      return this;
    }

    /** Default {@value LocationService#DEFAULT_MAX_BINDINGS}. */
    public Builder maxBindings(int max) {
      this.maxBindings = (int) requireRange("maxBindings", max, 1, Integer.MAX_VALUE);
      return this;
    }

    /** Default 5 s. */
    public Builder flushInterval(Duration interval) {
      this.flushInterval = requirePositive("flushInterval", interval);
      return this;
    }

    /** Default 10 s. */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = requirePositive("sweepInterval", interval);
      return this;
    }

    /** See {@link RegistrarConfig#writeThrough()}; default false (written behind). */
    public Builder writeThrough(boolean on) {
      this.writeThrough = on;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException if the expiry settings are out of order, naming their keys
     */
    public RegistrarConfig build() {
      if (!(minExpires <= defaultExpires && defaultExpires <= maxExpires)) {
        throw new IllegalArgumentException("expiry settings must satisfy registrar.min_expires ("
            + minExpires + ") <= registrar.default_expires (" + defaultExpires
            + ") <= registrar.max_expires (" + maxExpires + ")");
      }
      return new RegistrarConfig(this);
    }

    private static long requireRange(String name, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + v);
      }
      return v;
    }

    private static Duration requirePositive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
