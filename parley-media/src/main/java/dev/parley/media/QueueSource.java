package dev.parley.media;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A source of frames the application supplies (a bot speaking without a sound card): the
 * application {@link #offer}s frames from any thread and the stream pulls one per 20 ms.
 *
 * <p>The queue is bounded: when it is full, {@link #offer} drops the oldest frame and counts it
 * ({@link #dropped()}). When it is empty, {@link #next()} returns silence and counts an underrun
 * ({@link #underruns()}). Thread-safe.
 */
public final class QueueSource implements AudioSource {
  /** The default capacity: one second of frames. */
  public static final int DEFAULT_CAPACITY = 50;

  private final AudioFormat format;
  private final int capacity;
  private final AudioFrame silence;
  private final ArrayDeque<AudioFrame> queue = new ArrayDeque<>();
  private long dropped;
  private long underruns;

  /** A source holding at most {@value #DEFAULT_CAPACITY} frames. */
  public QueueSource(AudioFormat format) {
    this(format, DEFAULT_CAPACITY);
  }

  /**
   * A source.
   *
   * @param capacity the most frames waiting, 1..3000 (one minute)
   */
  public QueueSource(AudioFormat format, int capacity) {
    this.format = Objects.requireNonNull(format, "format");
    if (capacity < 1 || capacity > 3000) {
      throw new IllegalArgumentException("capacity out of range 1..3000: " + capacity);
    }
    this.capacity = capacity;
    this.silence = AudioFrame.silence(format);
  }

  /**
   * Queues a frame to be sent; if the queue is full the oldest frame is dropped.
   *
   * @return false if a frame was dropped to make room
   * @throws IllegalArgumentException if the frame is not in this source's format
   */
  public synchronized boolean offer(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    if (frame.format() != format) {
      throw new IllegalArgumentException("frame must be " + format + ": " + frame.format());
    }
    boolean room = queue.size() < capacity;
    if (!room) {
      queue.poll();
      dropped++;
    }
    queue.add(frame);
    return room;
  }

  @Override
  public AudioFormat format() {
    return format;
  }

  /** The oldest queued frame, or silence if none (an underrun). */
  @Override
  public synchronized AudioFrame next() {
    AudioFrame f = queue.poll();
    if (f == null) {
      underruns++;
      return silence;
    }
    return f;
  }

  /** Frames waiting. */
  public synchronized int size() {
    return queue.size();
  }

  /** Frames dropped because the queue was full. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Times {@link #next()} found the queue empty and returned silence. */
  public synchronized long underruns() {
    return underruns;
  }
}
