package dev.parley.media.internal;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the media event-loop threads {@code parley-media-1}, {@code parley-media-2}, ... */
public final class MediaThreadFactory implements ThreadFactory {
  /** The prefix of every media thread's name: {@value}. */
  public static final String PREFIX = "parley-media-";

  private final AtomicInteger next = new AtomicInteger(1);

  @Override
  public Thread newThread(Runnable r) {
    // Netty's own thread class: its FastThreadLocals (the buffer pool's caches) are faster there.
    return new FastThreadLocalThread(r, PREFIX + next.getAndIncrement());
  }
}
