package dev.parley.transport.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer allocator of the UDP sockets: a pooled allocator of direct buffers, chosen
 * explicitly rather than left to Netty's default, and shared by every transport of the JVM.
 *
 * <p>Every datagram is read into a buffer of {@code MAX_DATAGRAM_SIZE + 28} bytes that lives only
 * until the decoder has copied its bytes, and every datagram sent is one direct buffer of the
 * message's size: short-lived buffers, most allocated and released on the same event loop.
 * Netty 4.2's default (the adaptive allocator) pools them, except when the JVM's maximum direct
 * memory is under 512 MiB (its low-memory mode, which {@code -Xmx512m} turns on): then each one
 * is an unpooled direct buffer, a {@code malloc}, a {@code Cleaner} and ~360 bytes of heap per
 * datagram received and sent. A pooled allocator keeps them out of the heap whatever the JVM's
 * size.
 *
 * <p>Its chunks are {@value #CHUNK_SIZE} bytes (pages of {@value #PAGE_SIZE}; 16 receive
 * buffers) instead of the pooled allocator's default 4 MiB, so that the memory it holds at rest
 * is one chunk per arena used (an arena per event loop thread, up to {@link #ARENAS}). Not
 * smaller: a chunk that one receive buffer fills past a quarter leaves the pool's first list, and
 * is then freed each time it empties and made again for the next datagram (a 128 KiB chunk costs
 * a {@code malloc} and ~1.8 KB of heap per datagram that way). Thread-safe.
 */
final class DatagramAllocator {
  /** Bytes of a page: the unit of a buffer over 28 KiB (a receive buffer is 8 pages). */
  static final int PAGE_SIZE = 8192;
  private static final int MAX_ORDER = 7;
  /** Bytes of a chunk: {@code PAGE_SIZE << 7}, 1 MiB. */
  static final int CHUNK_SIZE = PAGE_SIZE << MAX_ORDER;
  /** Direct arenas: one per processor, as many as event loops can run at once. */
  static final int ARENAS = Runtime.getRuntime().availableProcessors();

  private DatagramAllocator() {}

  /** The allocator every UDP socket of the JVM uses. */
  static ByteBufAllocator shared() {
    return Shared.INSTANCE;
  }

  /** A new allocator of {@code arenas} direct arenas (at least 1), as {@link #shared()} is. */
  static PooledByteBufAllocator withArenas(int arenas) {
    return new PooledByteBufAllocator(true, 0, Math.max(1, arenas), PAGE_SIZE, MAX_ORDER,
        PooledByteBufAllocator.defaultSmallCacheSize(),
        PooledByteBufAllocator.defaultNormalCacheSize(), false);
  }

  /** Made on first use: a JVM without UDP sockets holds no arenas. */
  private static final class Shared {
    static final PooledByteBufAllocator INSTANCE = withArenas(ARENAS);
  }
}
