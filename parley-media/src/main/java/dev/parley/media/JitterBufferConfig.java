package dev.parley.media;

import java.time.Duration;
import java.util.Objects;

/**
 * The parameters of a {@link JitterBuffer}, with named defaults, checked when built. Immutable and
 * thread-safe. The defaults suit G.711 at 8 kHz in 20 ms packets; set the clock rate (48 kHz for
 * Opus) and the frame duration to the stream's packetization (one packet is one frame).
 */
public final class JitterBufferConfig {
  /** The RTP clock rate by default, in Hz: {@value} (G.711, telephone-event). */
  public static final int DEFAULT_CLOCK_RATE = 8000;
  /** The duration of one frame (one packet, one {@code poll}) by default, in ms: {@value}. */
  public static final long DEFAULT_FRAME_MILLIS = 20;
  /** The smallest target delay by default, in ms: {@value} (the delay at zero jitter). */
  public static final long DEFAULT_MIN_DELAY_MILLIS = 20;
  /** The largest target delay by default, in ms: {@value}; the delay never stays above it. */
  public static final long DEFAULT_MAX_DELAY_MILLIS = 200;
  /** How many packets are held at most by default: {@value} (one second of 20 ms packets). */
  public static final int DEFAULT_CAPACITY = 50;
  /** How long the transit history behind the target delay is by default, in ms: {@value}. */
  public static final long DEFAULT_JITTER_WINDOW_MILLIS = 5000;
  /**
   * How long the delay must stay above its target before one frame is dropped by default, in ms:
   * {@value}; the delay therefore shrinks by at most one frame per this period.
   */
  public static final long DEFAULT_SHRINK_HOLD_MILLIS = 500;
  /**
   * How many frames in a row are concealed while the buffer is empty, by default: {@value}; after
   * that the buffer reports an underrun (silence) and re-anchors on the next packet.
   */
  public static final int DEFAULT_MAX_CONCEAL_FRAMES = 5;
  /** A timestamp jump larger than this resyncs the buffer by default, in ms: {@value}. */
  public static final long DEFAULT_RESYNC_THRESHOLD_MILLIS = 2000;
  /**
   * A sequence number jump larger than this resyncs the buffer by default: {@value} (RFC 3550
   * appendix A.1, MAX_DROPOUT).
   */
  public static final int DEFAULT_MAX_DROPOUT = 3000;

  /** The defaults. */
  public static final JitterBufferConfig DEFAULT = builder().build();

  private final int clockRate;
  private final Duration frameDuration;
  private final Duration minDelay;
  private final Duration maxDelay;
  private final int capacity;
  private final Duration jitterWindow;
  private final Duration shrinkHold;
  private final int maxConcealFrames;
  private final Duration resyncThreshold;
  private final int maxDropout;

  private JitterBufferConfig(Builder b) {
    clockRate = b.clockRate;
    frameDuration = b.frameDuration;
    minDelay = b.minDelay;
    maxDelay = b.maxDelay;
    capacity = b.capacity;
    jitterWindow = b.jitterWindow;
    shrinkHold = b.shrinkHold;
    maxConcealFrames = b.maxConcealFrames;
    resyncThreshold = b.resyncThreshold;
    maxDropout = b.maxDropout;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.clockRate = clockRate;
    b.frameDuration = frameDuration;
    b.minDelay = minDelay;
    b.maxDelay = maxDelay;
    b.capacity = capacity;
    b.jitterWindow = jitterWindow;
    b.shrinkHold = shrinkHold;
    b.maxConcealFrames = maxConcealFrames;
    b.resyncThreshold = resyncThreshold;
    b.maxDropout = maxDropout;
    return b;
  }

  /** The RTP clock rate, in Hz. */
  public int clockRate() {
    return clockRate;
  }

  /** The duration of one packet, and the period at which {@code poll} is called. */
  public Duration frameDuration() {
    return frameDuration;
  }

  /** The smallest target delay: the delay added at zero jitter. */
  public Duration minDelay() {
    return minDelay;
  }

  /** The largest target delay; a larger delay is cut back at once. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** How many packets are held at most. */
  public int capacity() {
    return capacity;
  }

  /** How long the transit history behind the target delay is. */
  public Duration jitterWindow() {
    return jitterWindow;
  }

  /** How long the delay must stay above its target before one frame is dropped. */
  public Duration shrinkHold() {
    return shrinkHold;
  }

  /** How many frames in a row are concealed while the buffer is empty before an underrun. */
  public int maxConcealFrames() {
    return maxConcealFrames;
  }

  /** A timestamp jump larger than this (either way) resyncs the buffer. */
  public Duration resyncThreshold() {
    return resyncThreshold;
  }

  /** A sequence number jump larger than this (either way) resyncs the buffer. */
  public int maxDropout() {
    return maxDropout;
  }

  /** The number of RTP timestamp units in one frame. */
  public long samplesPerFrame() {
    return clockRate * frameDuration.toNanos() / 1_000_000_000L;
  }

  @Override
  public String toString() {
    return "JitterBufferConfig{clockRate=" + clockRate + ", frame=" + frameDuration.toMillis()
        + "ms, delay=" + minDelay.toMillis() + ".." + maxDelay.toMillis() + "ms, capacity="
        + capacity + "}";
  }

  /** Builds a {@link JitterBufferConfig}; {@link #build()} checks the values together. */
  public static final class Builder {
    private int clockRate = DEFAULT_CLOCK_RATE;
    private Duration frameDuration = Duration.ofMillis(DEFAULT_FRAME_MILLIS);
    private Duration minDelay = Duration.ofMillis(DEFAULT_MIN_DELAY_MILLIS);
    private Duration maxDelay = Duration.ofMillis(DEFAULT_MAX_DELAY_MILLIS);
    private int capacity = DEFAULT_CAPACITY;
    private Duration jitterWindow = Duration.ofMillis(DEFAULT_JITTER_WINDOW_MILLIS);
    private Duration shrinkHold = Duration.ofMillis(DEFAULT_SHRINK_HOLD_MILLIS);
    private int maxConcealFrames = DEFAULT_MAX_CONCEAL_FRAMES;
    private Duration resyncThreshold = Duration.ofMillis(DEFAULT_RESYNC_THRESHOLD_MILLIS);
    private int maxDropout = DEFAULT_MAX_DROPOUT;

    private Builder() {}

    public Builder clockRate(int clockRate) {
      this.clockRate = clockRate;
      return this;
    }

    public Builder frameDuration(Duration frameDuration) {
      this.frameDuration = Objects.requireNonNull(frameDuration, "frameDuration");
      return this;
    }

    public Builder minDelay(Duration minDelay) {
      this.minDelay = Objects.requireNonNull(minDelay, "minDelay");
      return this;
    }

    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
      return this;
    }

    public Builder capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    public Builder jitterWindow(Duration jitterWindow) {
      this.jitterWindow = Objects.requireNonNull(jitterWindow, "jitterWindow");
      return this;
    }

    public Builder shrinkHold(Duration shrinkHold) {
      this.shrinkHold = Objects.requireNonNull(shrinkHold, "shrinkHold");
      return this;
    }

    public Builder maxConcealFrames(int maxConcealFrames) {
      this.maxConcealFrames = maxConcealFrames;
      return this;
    }

    public Builder resyncThreshold(Duration resyncThreshold) {
      this.resyncThreshold = Objects.requireNonNull(resyncThreshold, "resyncThreshold");
      return this;
    }

    public Builder maxDropout(int maxDropout) {
      this.maxDropout = maxDropout;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first value out of range
     */
    public JitterBufferConfig build() {
      if (clockRate < 1000 || clockRate > 192_000) {
        throw new IllegalArgumentException("clockRate out of range 1000..192000: " + clockRate);
      }
      if (frameDuration.compareTo(Duration.ofMillis(1)) < 0
          || frameDuration.compareTo(Duration.ofMillis(200)) > 0) {
        throw new IllegalArgumentException("frameDuration out of range 1..200 ms: " + frameDuration);
      }
      if (clockRate * frameDuration.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException("frameDuration is not a whole number of samples at "
            + clockRate + " Hz: " + frameDuration);
      }
      if (minDelay.compareTo(frameDuration) < 0) {
        throw new IllegalArgumentException("minDelay below frameDuration " + frameDuration + ": "
            + minDelay);
      }
      if (maxDelay.compareTo(minDelay) < 0 || maxDelay.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("maxDelay out of range minDelay " + minDelay
            + "..10 s: " + maxDelay);
      }
      if (capacity < 2 || capacity > 10_000) {
        throw new IllegalArgumentException("capacity out of range 2..10000: " + capacity);
      }
      if (jitterWindow.compareTo(frameDuration) < 0
          || jitterWindow.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("jitterWindow out of range frameDuration..60 s: "
            + jitterWindow);
      }
      if (shrinkHold.isNegative() || shrinkHold.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("shrinkHold out of range 0..60 s: " + shrinkHold);
      }
      if (maxConcealFrames < 0 || maxConcealFrames > 1000) {
        throw new IllegalArgumentException("maxConcealFrames out of range 0..1000: "
            + maxConcealFrames);
      }
      if (resyncThreshold.compareTo(maxDelay) <= 0
          || resyncThreshold.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("resyncThreshold out of range above maxDelay "
            + maxDelay + "..10 min: " + resyncThreshold);
      }
      if (maxDropout < 1 || maxDropout > 32_000) {
        throw new IllegalArgumentException("maxDropout out of range 1..32000: " + maxDropout);
      }
      return new JitterBufferConfig(this);
    }
  }
}
