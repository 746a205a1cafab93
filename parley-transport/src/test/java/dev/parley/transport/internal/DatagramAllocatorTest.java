package dev.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.transport.TransportConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.junit.jupiter.api.Test;

class DatagramAllocatorTest {

  /**
   * Datagrams' receive buffers, allocated and released one after the other on an event loop
   * thread, come from the pooled arenas (none an unpooled "huge" allocation, as Netty's
   * default allocator makes them when the JVM's direct memory is under 512 MiB), and the pool
   * keeps its one chunk between datagrams rather than freeing it and making another each time.
   */
  @Test
  void datagramBuffersComeFromOneChunkKeptBetweenDatagrams() throws Exception {
    PooledByteBufAllocator alloc = DatagramAllocator.withArenas(2);
    int n = 2_000;
    Thread loop = new DefaultThreadFactory("datagram-allocator-test").newThread(() -> {
      byte[] message = new byte[600];
      for (int i = 0; i < n; i++) {
        ByteBuf received = alloc.ioBuffer(TransportConfig.MAX_DATAGRAM_SIZE + 28);
        received.writeBytes(message);
        assertTrue(received.isDirect());
        received.release();
      }
    });
    loop.start();
    loop.join();
    PooledByteBufAllocatorMetric metric = alloc.metric();
    assertEquals(2, metric.numDirectArenas());
    long normal = 0;
    long huge = 0;
    for (var arena : metric.directArenas()) {
      normal += arena.numNormalAllocations();
      huge += arena.numHugeAllocations();
    }
    assertEquals(0, huge, "unpooled (huge) allocations");
    assertTrue(normal >= 1, "receive buffers from the arena's pages: " + normal);
    assertEquals(DatagramAllocator.CHUNK_SIZE, metric.usedDirectMemory(),
        "direct memory held after " + n + " datagrams (one chunk, kept)");
  }
}
