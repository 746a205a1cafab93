package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A time description (RFC 8866 §5.9-§5.10): a {@code t=<start-time> <stop-time>} field and the
 * {@code r=} repeat fields that follow it, kept verbatim.
 *
 * <p>Times are NTP seconds; {@code t=0 0}, {@link #UNBOUNDED}, is the usual value for SIP
 * sessions. Immutable and thread-safe; {@link Builder#build()} throws {@link
 * IllegalArgumentException} naming the bad field.
 */
public final class Timing {
  /** {@code t=0 0}: a session not bounded in time. */
  public static final Timing UNBOUNDED = of(0, 0);

  private final long start;
  private final long stop;
  private final List<String> repeats;

  private Timing(Builder b) {
    this.start = b.start;
    this.stop = b.stop;
    this.repeats = List.copyOf(b.repeats);
  }

  /** A timing without repeats. */
  public static Timing of(long start, long stop) {
    return builder().start(start).stop(stop).build();
  }

  /** A builder for {@code t=0 0}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this timing's fields. */
  public Builder toBuilder() {
    Builder b = new Builder().start(start).stop(stop);
    b.repeats.addAll(repeats);
    return b;
  }

  /** The start time in NTP seconds, 0 if unbounded. */
  public long start() {
    return start;
  }

  /** The stop time in NTP seconds, 0 if unbounded. */
  public long stop() {
    return stop;
  }

  /** The values of the {@code r=} fields that follow, verbatim, in order. */
  public List<String> repeats() {
    return repeats;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Timing)) {
      return false;
    }
    Timing that = (Timing) o;
    return start == that.start && stop == that.stop && repeats.equals(that.repeats);
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, stop, repeats);
  }

  /** The value as written after {@code t=} (repeats not included). */
  @Override
  public String toString() {
    return start + " " + stop;
  }

  /** Builds a {@link Timing}. Not thread-safe. */
  public static final class Builder {
    private long start;
    private long stop;
    private final List<String> repeats = new ArrayList<>();

    private Builder() {}

    /** Sets the start time. */
    public Builder start(long start) {
      this.start = start;
      return this;
    }

    /** Sets the stop time. */
    public Builder stop(long stop) {
      this.stop = stop;
      return this;
    }

    /** Appends the value of an {@code r=} field, such as {@code 7d 1h 0 25h}. */
    public Builder addRepeat(String repeat) {
      repeats.add(repeat);
      return this;
    }

    /**
     * Builds the timing.
     *
     * @throws IllegalArgumentException if a time is negative or a repeat is not text
     */
    public Timing build() {
      if (start < 0) {
        throw new IllegalArgumentException("timing start out of range: " + start);
      }
      if (stop < 0) {
        throw new IllegalArgumentException("timing stop out of range: " + stop);
      }
      for (String r : repeats) {
        SdpSyntax.requireText("timing repeat", r);
      }
      return new Timing(this);
    }
  }
}
