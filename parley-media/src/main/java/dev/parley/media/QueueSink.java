package dev.parley.media;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink whose frames the application takes (a bot listening without a sound card): the stream
 * pushes one frame per 20 ms and the application {@link #poll()}s or {@link #take}s them from its
 * own thread.
 *
 * <p>The queue is bounded: when it is full, {@link #accept} drops the oldest frame and counts it
 * ({@link #dropped()}), so a slow application loses old audio, never blocks the stream.
 * Thread-safe.
 */
public final class QueueSink implements AudioSink {
  /** The default capacity: one second of frames. */
  public static final int DEFAULT_CAPACITY = 50;

  private final int capacity;
  private final ArrayDeque<AudioFrame> queue = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private long dropped;
  private long accepted;
  private boolean closed;

  /** A sink holding at most {@value #DEFAULT_CAPACITY} frames. */
  public QueueSink() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * A sink.
   *
   * @param capacity the most frames waiting, 1..3000 (one minute)
   */
  public QueueSink(int capacity) {
    if (capacity < 1 || capacity > 3000) {
      throw new IllegalArgumentException("capacity out of range 1..3000: " + capacity);
    }
    this.capacity = capacity;
  }

  /** Queues a frame, dropping the oldest if full; ignored once closed. Never blocks. */
  @Override
  public void accept(AudioFrame frame) {
    Objects.requireNonNull(frame, "frame");
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (queue.size() >= capacity) {
        queue.poll();
        dropped++;
      }
      queue.add(frame);
      accepted++;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The oldest frame, or null if none is waiting. */
  public AudioFrame poll() {
    lock.lock();
    try {
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The oldest frame, waiting up to {@code timeout} for one (application threads only, never an
   * event loop).
   *
   * @return the frame, or null if none came in time or the sink is closed and empty
   * @throws InterruptedException if interrupted while waiting
   */
  public AudioFrame take(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (closed || nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  /** Frames waiting. */
  public int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Frames accepted in all. */
  public long accepted() {
    lock.lock();
    try {
      return accepted;
    } finally {
      lock.unlock();
    }
  }

  /** Frames dropped because the queue was full. */
  public long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }

  /** Stops taking frames and wakes waiting takers; frames already queued can still be taken. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
