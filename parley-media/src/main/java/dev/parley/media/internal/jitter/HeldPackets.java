package dev.parley.media.internal.jitter;

/**
 * The packets a jitter buffer holds, sorted by extended sequence number, in a fixed-size ring.
 *
 * <p>Capacity is fixed when built and never grows; {@link #insert} refuses when full, and the
 * caller decides what to drop. Insertion is at the sorted position (packets nearly always arrive
 * in order, so it is nearly always an append). Not thread-safe: the owning {@code JitterBuffer}
 * guards it.
 *
 * @param <T> the payload type
 */
public final class HeldPackets<T> {
  private final long[] sequences;
  private final long[] timestamps;
  private final Object[] payloads;
  private int start;
  private int size;

  /**
   * A ring of the given capacity.
   *
   * @throws IllegalArgumentException if capacity is below 1
   */
  public HeldPackets(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    sequences = new long[capacity];
    timestamps = new long[capacity];
    payloads = new Object[capacity];
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public boolean isFull() {
    return size == sequences.length;
  }

  /** Whether a packet with this extended sequence number is held. */
  public boolean contains(long sequence) {
    return indexOf(sequence) >= 0;
  }

  /** The extended sequence number of the i-th held packet (0 is the lowest). */
  public long sequence(int i) {
    return sequences[slot(i)];
  }

  /** The extended RTP timestamp of the i-th held packet. */
  public long timestamp(int i) {
    return timestamps[slot(i)];
  }

  /** The payload of the i-th held packet. */
  @SuppressWarnings("unchecked")
  public T payload(int i) {
    return (T) payloads[slot(i)];
  }

  /**
   * Inserts a packet at its sorted position.
   *
   * @throws IllegalStateException if full, or if the sequence number is already held
   */
  public void insert(long sequence, long timestamp, T payload) {
    if (isFull()) {
      throw new IllegalStateException("full: " + size);
    }
    int at = size;
    while (at > 0 && sequences[slot(at - 1)] > sequence) {
      at--;
    }
    if (at > 0 && sequences[slot(at - 1)] == sequence) {
      throw new IllegalStateException("sequence already held: " + sequence);
    }
    for (int i = size; i > at; i--) {
      int to = slot(i);
      int from = slot(i - 1);
      sequences[to] = sequences[from];
      timestamps[to] = timestamps[from];
      payloads[to] = payloads[from];
    }
    int s = slot(at);
    sequences[s] = sequence;
    timestamps[s] = timestamp;
    payloads[s] = payload;
    size++;
  }

  /** Removes the lowest packet (index 0). */
  public void removeFirst() {
    if (size == 0) {
      throw new IllegalStateException("empty");
    }
    payloads[start] = null;
    start = (start + 1) % sequences.length;
    size--;
  }

  /** Removes every packet. */
  public void clear() {
    while (size > 0) {
      removeFirst();
    }
    start = 0;
  }

  private int indexOf(long sequence) {
    for (int i = 0; i < size; i++) {
      if (sequences[slot(i)] == sequence) {
        return i;
      }
    }
    return -1;
  }

  private int slot(int i) {
    return (start + i) % sequences.length;
  }
}
