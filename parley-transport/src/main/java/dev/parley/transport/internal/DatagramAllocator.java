package dev.parley.transport.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer allocator of the UDP sockets: a pooled allocator of direct buffers with small
 * chunks, chosen explicitly rather than left to Netty's default.
 *
 * <p>Every datagram is read into a buffer of {@code MAX_DATAGRAM_SIZE + 28} bytes that lives only
 * until the decoder has copied its bytes, and every datagram sent is one direct buffer of the
 * message's size: short-lived buffers, allocated and released on the same event loop. Netty
 * 4.2's default (the adaptive allocator) pools them, except when the JVM's maximum direct memory
 * is under 512 MiB (its low-memory mode, which {@code -Xmx512m} turns on): then each one is an
 * unpooled direct buffer, a {@code malloc}, a {@code Cleaner} and ~360 bytes of heap per
 * datagram received and sent. Pooled arenas keep them out of the heap whatever the JVM's size.
 *
 * <p>The chunks are {@value #CHUNK_SIZE} bytes (pages of {@value #PAGE_SIZE}, two receive
 * buffers per chunk) instead of the pooled allocator's default 4 MiB, so that the memory they
 * hold follows the datagrams in flight: one arena per event loop holds a chunk or two at rest,
 * and a chunk left empty is freed. Thread-safe; one per transport.
 */
final class DatagramAllocator {
  /** Bytes of a page: the unit of a buffer over 28 KiB (a receive buffer is 8 pages). */
  static final int PAGE_SIZE = 8192;
  /** Bytes of a chunk: {@code PAGE_SIZE << MAX_ORDER}. */
  static final int CHUNK_SIZE = PAGE_SIZE << 4;
  private static final int MAX_ORDER = 4;

  private DatagramAllocator() {}

  /** A new allocator with one direct arena per event loop ({@code loops}, at least 1). */
  static ByteBufAllocator forEventLoops(int loops) {
    return new PooledByteBufAllocator(true, 0, Math.max(1, loops), PAGE_SIZE, MAX_ORDER,
        PooledByteBufAllocator.defaultSmallCacheSize(),
        PooledByteBufAllocator.defaultNormalCacheSize(), false);
  }
}
