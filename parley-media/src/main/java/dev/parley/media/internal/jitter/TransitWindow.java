package dev.parley.media.internal.jitter;

/**
 * The relative transit times (arrival minus RTP timestamp, in nanoseconds) of the last packets,
 * with their minimum and maximum: the minimum is the transit of a packet that met no queueing
 * (the base), and the maximum minus the minimum is the peak deviation the playout delay must
 * cover (RFC 3550 section 6.4.1 and appendix A.8 measure the same transit; this keeps the spread
 * instead of a smoothed mean so that the delay covers every packet in the window).
 *
 * <p>A fixed ring of {@code size} samples; minimum and maximum are recomputed lazily, at most once
 * per {@link #add}. Not thread-safe: the owning {@code JitterBuffer} guards it.
 */
public final class TransitWindow {
  private final long[] samples;
  private int next;
  private int count;
  private boolean dirty;
  private long min;
  private long max;

  /**
   * A window of the last {@code size} samples.
   *
   * @throws IllegalArgumentException if size is below 1
   */
  public TransitWindow(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1: " + size);
    }
    samples = new long[size];
  }

  /** Adds one packet's transit, forgetting the oldest if the window is full. */
  public void add(long transitNanos) {
    samples[next] = transitNanos;
    next = (next + 1) % samples.length;
    if (count < samples.length) {
      count++;
    }
    dirty = true;
  }

  /** How many samples the window holds (at most its size). */
  public int size() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The smallest transit in the window: the base a packet with no queueing has. */
  public long min() {
    refresh();
    return min;
  }

  /** The largest transit minus the smallest, 0 when empty. */
  public long spread() {
    refresh();
    return count == 0 ? 0 : max - min;
  }

  /** Forgets every sample. */
  public void clear() {
    count = 0;
    next = 0;
    dirty = true;
  }

  private void refresh() {
    if (!dirty) {
      return;
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      lo = Math.min(lo, samples[i]);
      hi = Math.max(hi, samples[i]);
    }
    min = count == 0 ? 0 : lo;
    max = count == 0 ? 0 : hi;
    dirty = false;
  }
}
