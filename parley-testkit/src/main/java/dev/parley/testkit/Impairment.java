package dev.parley.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link ImpairmentRelay} does to the traffic of one direction: loss, duplication,
 * reordering, delay and jitter, the faults {@code tc netem} would add on a kernel that had it.
 *
 * <p>Over UDP each datagram is dropped with probability {@link #loss()}; a datagram that survives
 * is sent twice with probability {@link #duplicate()}; each copy waits {@link #delay()} plus a
 * uniform random part of {@link #jitter()}, and with probability {@link #reorder()} a further
 * {@link #reorderDelay()}, so that later datagrams overtake it (jitter reorders too). Over TCP the
 * kernel hides loss, duplication and reordering: a chunk "lost" waits a further
 * {@link ImpairmentRelay#LOST_SEGMENT_DELAY_MILLIS} ms (a retransmission), delay and jitter apply,
 * and every chunk keeps its place in the byte stream (a late chunk holds back those after it).
 *
 * <pre>{@code
 * Impairment lossy = Impairment.builder().loss(0.2).reorder(0.1).jitter(Duration.ofMillis(20))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Impairment {
  /** Longest {@link #delay()}, {@link #jitter()} or {@link #reorderDelay()}: {@value} ms. */
  public static final long MAX_DELAY_MILLIS = 10_000;
  /** Default {@link #reorderDelay()}: {@value} ms. */
  public static final long DEFAULT_REORDER_DELAY_MILLIS = 40;

  /** Nothing: every datagram or chunk forwarded at once, once. */
  public static final Impairment NONE = builder().build();

  private final double loss;
  private final double duplicate;
  private final double reorder;
  private final Duration reorderDelay;
  private final Duration delay;
  private final Duration jitter;

  private Impairment(Builder b) {
    this.loss = b.loss;
    this.duplicate = b.duplicate;
    this.reorder = b.reorder;
    this.reorderDelay = b.reorderDelay;
    this.delay = b.delay;
    this.jitter = b.jitter;
  }

  /** A builder of nothing (every fault off). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this impairment. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.loss = loss;
    b.duplicate = duplicate;
    b.reorder = reorder;
    b.reorderDelay = reorderDelay;
    b.delay = delay;
    b.jitter = jitter;
    return b;
  }

  /** The probability that a datagram is dropped (over TCP: that a chunk is retransmitted). */
  public double loss() {
    return loss;
  }

  /** The probability that a datagram is sent twice (UDP only). */
  public double duplicate() {
    return duplicate;
  }

  /** The probability that a datagram is held back by {@link #reorderDelay()} (UDP only). */
  public double reorder() {
    return reorder;
  }

  /** How long a reordered datagram is held back, on top of its delay. */
  public Duration reorderDelay() {
    return reorderDelay;
  }

  /** The fixed delay of every datagram or chunk. */
  public Duration delay() {
    return delay;
  }

  /** The upper bound of the uniform random delay added to {@link #delay()}. */
  public Duration jitter() {
    return jitter;
  }

  /** Whether this impairment does nothing at all. */
  public boolean isNone() {
    return loss == 0 && duplicate == 0 && reorder == 0 && delay.isZero() && jitter.isZero();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Impairment i && i.loss == loss && i.duplicate == duplicate
        && i.reorder == reorder && i.reorderDelay.equals(reorderDelay) && i.delay.equals(delay)
        && i.jitter.equals(jitter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(loss, duplicate, reorder, reorderDelay, delay, jitter);
  }

  @Override
  public String toString() {
    return "Impairment[loss=" + loss + ", duplicate=" + duplicate + ", reorder=" + reorder
        + " (+" + reorderDelay.toMillis() + " ms), delay=" + delay.toMillis() + " ms, jitter="
        + jitter.toMillis() + " ms]";
  }

  /** Builds an {@link Impairment}; not thread-safe. */
  public static final class Builder {
    private double loss;
    private double duplicate;
    private double reorder;
    private Duration reorderDelay = Duration.ofMillis(DEFAULT_REORDER_DELAY_MILLIS);
    private Duration delay = Duration.ZERO;
    private Duration jitter = Duration.ZERO;

    private Builder() {}

    /** See {@link Impairment#loss()}; default 0. */
    public Builder loss(double probability) {
      this.loss = probability(probability, "loss");
      return this;
    }

    /** See {@link Impairment#duplicate()}; default 0. */
    public Builder duplicate(double probability) {
      this.duplicate = probability(probability, "duplicate");
      return this;
    }

    /** See {@link Impairment#reorder()}; default 0. */
    public Builder reorder(double probability) {
      this.reorder = probability(probability, "reorder");
      return this;
    }

    /** See {@link Impairment#reorderDelay()}; default {@value #DEFAULT_REORDER_DELAY_MILLIS} ms. */
    public Builder reorderDelay(Duration delay) {
      this.reorderDelay = duration(delay, "reorderDelay");
      return this;
    }

    /** See {@link Impairment#delay()}; default 0. */
    public Builder delay(Duration delay) {
      this.delay = duration(delay, "delay");
      return this;
    }

    /** See {@link Impairment#jitter()}; default 0. */
    public Builder jitter(Duration jitter) {
      this.jitter = duration(jitter, "jitter");
      return this;
    }

    /** The impairment. */
    public Impairment build() {
      return new Impairment(this);
    }

    private static double probability(double p, String name) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException(name + " is not a probability in [0, 1]: " + p);
      }
      return p;
    }

    private static Duration duration(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.toMillis() > MAX_DELAY_MILLIS) {
        throw new IllegalArgumentException(
            name + " out of range [0, " + MAX_DELAY_MILLIS + " ms]: " + d);
      }
      return d;
    }
  }
}
