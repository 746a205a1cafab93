package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RTP sockets on loopback: real datagrams between real sockets. */
class RtpSocketTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private MediaNetwork network;

  @BeforeEach
  void start() {
    network = new MediaNetwork(config().build());
  }

  /** The settings of the tests' network (a subclass runs them all on NIO). */
  MediaNetworkConfig.Builder config() {
    return MediaNetworkConfig.builder().bindAddress(LOOPBACK).portRange(40000, 59999).threads(2);
  }

  @AfterEach
  void stop() {
    network.close();
  }

  // ---------------------------------------------------------------- exchange and demux

  @Test
  void twoSocketsExchangeRtpBothWays() {
    RtpSocket a = network.open(true).join();
    RtpSocket b = network.open(true).join();
    Recorder atA = new Recorder();
    Recorder atB = new Recorder();
    a.handler(atA);
    b.handler(atB);
    a.remote(b.localRtpAddress(), null);
    b.remote(a.localRtpAddress(), null);

    byte[] toB = rtp(0, 1);
    byte[] toA = rtp(8, 2);
    a.sendRtp(toB, 0, toB.length);
    b.sendRtp(toA, 0, toA.length);

    Received gotB = atB.next();
    Received gotA = atA.next();
    assertThat(gotB.rtcp()).isFalse();
    assertThat(gotB.bytes()).isEqualTo(toB);
    assertThat(gotB.source()).isEqualTo(a.localRtpAddress());
    assertThat(gotA.bytes()).isEqualTo(toA);
    assertThat(gotA.source()).isEqualTo(b.localRtpAddress());
    assertThat(a.counters().packetsSent()).isEqualTo(1);
    assertThat(b.counters().rtpReceived()).isEqualTo(1);
    assertThat(b.counters().bytesReceived()).isEqualTo(toB.length);
  }

  @Test
  void withRtcpMuxRtcpPacketTypesGoToOnRtcpAndTheRestToOnRtp() {
    RtpSocket a = network.open(true).join();
    RtpSocket b = network.open(true).join();
    Recorder atB = new Recorder();
    b.handler(atB);
    a.remote(b.localRtpAddress(), null);

    assertThat(b.localRtcpAddress()).isEqualTo(b.localRtpAddress());
    byte[] sr = rtcp(200);
    byte[] rr = rtcp(201);
    byte[] pcmu = rtp(0, 1);
    byte[] dynamic = rtp(96 | 0x80, 2); // marker bit set: second byte 224, still RTP
    a.sendRtcp(sr, 0, sr.length);
    a.sendRtp(pcmu, 0, pcmu.length);
    a.sendRtcp(rr, 0, rr.length);
    a.sendRtp(dynamic, 0, dynamic.length);

    List<Received> got = List.of(atB.next(), atB.next(), atB.next(), atB.next());
    assertThat(got).extracting(Received::rtcp).containsExactly(true, false, true, false);
    assertThat(got.get(0).bytes()).isEqualTo(sr);
    assertThat(got.get(2).bytes()).isEqualTo(rr);
    assertThat(got.get(3).bytes()).isEqualTo(dynamic);
    assertThat(b.counters().rtcpReceived()).isEqualTo(2);
    assertThat(b.counters().rtpReceived()).isEqualTo(2);
  }

  @Test
  void withoutRtcpMuxRtcpUsesTheNextPort() {
    RtpSocket a = network.open(false).join();
    RtpSocket b = network.open(false).join();
    Recorder atB = new Recorder();
    b.handler(atB);
    a.remote(b.localRtpAddress(), null);

    assertThat(b.localRtpAddress().getPort() % 2).isZero();
    assertThat(b.localRtcpAddress().getPort()).isEqualTo(b.localRtpAddress().getPort() + 1);
    assertThat(a.remoteRtcp()).isEqualTo(b.localRtcpAddress());
    byte[] rr = rtcp(201);
    byte[] pcmu = rtp(0, 1);
    a.sendRtcp(rr, 0, rr.length);
    Received first = atB.next();
    a.sendRtp(pcmu, 0, pcmu.length);
    Received second = atB.next();

    assertThat(first.rtcp()).isTrue();
    assertThat(first.source()).isEqualTo(a.localRtcpAddress());
    assertThat(second.rtcp()).isFalse();
    assertThat(second.source()).isEqualTo(a.localRtpAddress());
  }

  @Test
  void aSocketTurnedToRtcpMuxAfterTheAnswerCarriesRtcpOnItsRtpPort() {
    RtpSocket offerer = network.open(false).join();
    RtpSocket answerer = network.open(true).join();
    Recorder atOfferer = new Recorder();
    Recorder atAnswerer = new Recorder();
    offerer.handler(atOfferer);
    answerer.handler(atAnswerer);
    offerer.remote(answerer.localRtpAddress(), null);
    answerer.remote(offerer.localRtpAddress(), null);

    offerer.useRtcpMux();
    byte[] sr = rtcp(200);
    offerer.sendRtcp(sr, 0, sr.length);
    answerer.sendRtcp(sr, 0, sr.length);

    assertThat(offerer.rtcpMux()).isTrue();
    assertThat(offerer.localRtcpAddress()).isEqualTo(offerer.localRtpAddress());
    assertThat(offerer.remoteRtcp()).isEqualTo(answerer.localRtpAddress());
    Received atA = atAnswerer.next();
    assertThat(atA.rtcp()).isTrue();
    assertThat(atA.source()).isEqualTo(offerer.localRtpAddress());
    assertThat(atOfferer.next().rtcp()).isTrue();
    assertThat(offerer.closeFuture()).isNotDone();
  }

  // ---------------------------------------------------------------- latching

  @Test
  void theFirstPacketLatchesTheDestinationOntoItsSource() {
    RtpSocket b = network.open(true).join();
    RtpSocket a = network.open(true).join();
    Recorder atA = new Recorder();
    a.handler(atA);
    // The SDP gave an address where nothing listens (the peer is behind NAT).
    b.remote(new InetSocketAddress(LOOPBACK, 9), null);
    a.remote(b.localRtpAddress(), null);

    byte[] p = rtp(0, 1);
    a.sendRtp(p, 0, p.length);
    await().atMost(WAIT).until(() -> b.remoteRtp().equals(a.localRtpAddress()));
    b.sendRtp(p, 0, p.length);

    assertThat(atA.next().source()).isEqualTo(b.localRtpAddress());
    assertThat(b.counters().relatches()).isEqualTo(1);
  }

  @Test
  void aNewSourceTakesOverAfterEnoughPacketsAsAfterANatRebinding() {
    MediaNetworkConfig c = network.config();
    RtpSocket b = network.open(true).join();
    RtpSocket a = network.open(true).join();
    RtpSocket moved = network.open(true).join(); // the same peer after its NAT changed port
    Recorder atMoved = new Recorder();
    moved.handler(atMoved);
    b.remote(a.localRtpAddress(), null);
    a.remote(b.localRtpAddress(), null);
    moved.remote(b.localRtpAddress(), null);
    byte[] p = rtp(0, 1);
    a.sendRtp(p, 0, p.length);
    await().atMost(WAIT).until(() -> b.counters().rtpReceived() == 1);

    for (int i = 1; i < c.relatchPackets(); i++) {
      moved.sendRtp(p, 0, p.length);
    }
    await().atMost(WAIT).until(() -> b.counters().rtpReceived() == c.relatchPackets());
    assertThat(b.remoteRtp()).isEqualTo(a.localRtpAddress());
    moved.sendRtp(p, 0, p.length);
    await().atMost(WAIT).until(() -> moved.localRtpAddress().equals(b.remoteRtp()));
    b.sendRtp(p, 0, p.length);

    assertThat(atMoved.next().source()).isEqualTo(b.localRtpAddress());
    assertThat(b.counters().relatches()).isEqualTo(1);
  }

  @Test
  void aFewPacketsFromAnotherSourceBetweenThePeersPacketsDoNotStealTheStream() {
    RtpSocket b = network.open(true).join();
    RtpSocket peer = network.open(true).join();
    RtpSocket spoofer = network.open(true).join();
    b.remote(peer.localRtpAddress(), null);
    peer.remote(b.localRtpAddress(), null);
    spoofer.remote(b.localRtpAddress(), null);
    byte[] p = rtp(0, 1);

    int expected = 0;
    for (int round = 0; round < 5; round++) {
      peer.sendRtp(p, 0, p.length);
      int afterPeer = ++expected;
      await().atMost(WAIT).until(() -> b.counters().rtpReceived() == afterPeer);
      for (int i = 1; i < network.config().relatchPackets(); i++) {
        spoofer.sendRtp(p, 0, p.length);
        int afterSpoof = ++expected;
        await().atMost(WAIT).until(() -> b.counters().rtpReceived() == afterSpoof);
      }
    }

    assertThat(b.remoteRtp()).isEqualTo(peer.localRtpAddress());
    assertThat(b.counters().relatches()).isZero();
  }

  // ---------------------------------------------------------------- bad input and bursts

  @Test
  void malformedAndOversizeDatagramsAreCountedAndDropped() throws IOException {
    RtpSocket b = network.open(true).join();
    Recorder atB = new Recorder();
    b.handler(atB);
    int max = network.config().maxDatagramSize();
    try (DatagramSocket raw = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      byte[] version0 = rtp(0, 1);
      version0[0] = 0x00;
      byte[] version1 = rtp(0, 1);
      version1[0] = 0x40;
      byte[] tooShort = {(byte) 0x80, 0, 0, 1, 0};
      byte[] shortRtp = {(byte) 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0}; // RTP, 10 bytes
      byte[] empty = {};
      byte[] oversize = rtp(0, 1, max + 1);
      byte[] huge = rtp(0, 1, 9000);
      byte[] largestAccepted = rtp(0, 2, max);
      for (byte[] d : List.of(version0, version1, tooShort, shortRtp, empty, oversize, huge,
          largestAccepted)) {
        raw.send(new DatagramPacket(d, d.length, b.localRtpAddress()));
      }

      Received good = atB.next();
      assertThat(good.bytes()).isEqualTo(largestAccepted);
      RtpSocket.Counters counters = b.counters();
      assertThat(counters.malformedDropped()).isEqualTo(5);
      assertThat(counters.oversizeDropped()).isEqualTo(2);
      assertThat(counters.rtpReceived()).isEqualTo(1);
      assertThat(counters.errors()).isZero();
      assertThat(b.remoteRtp()).as("only the good packet latches")
          .isEqualTo(raw.getLocalSocketAddress());
    }
  }

  @Test
  void aHandlerThatThrowsIsCountedAndTheSocketGoesOn() {
    RtpSocket a = network.open(true).join();
    RtpSocket b = network.open(true).join();
    AtomicInteger calls = new AtomicInteger();
    b.handler((packet, source, arrival) -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("boom");
      }
    });
    a.remote(b.localRtpAddress(), null);
    byte[] p = rtp(0, 1);
    a.sendRtp(p, 0, p.length);
    await().atMost(WAIT).until(() -> b.counters().errors() == 1);
    a.sendRtp(p, 0, p.length);

    await().atMost(WAIT).until(() -> calls.get() == 2);
    assertThat(b.counters().rtpReceived()).isEqualTo(2);
  }

  @Test
  void aBurstOfAThousandDatagramsArrivesOrIsCountedAsDropped() {
    RtpSocket a = network.open(true).join();
    RtpSocket b = network.open(true).join();
    AtomicInteger markers = new AtomicInteger();
    b.handler((packet, source, arrival) -> {
      if ((packet.getUnsignedByte(packet.readerIndex() + 1) & 0x7f) == 99) {
        markers.incrementAndGet();
      }
    });
    a.remote(b.localRtpAddress(), null);

    byte[] p = rtp(0, 1, 172);
    for (int i = 0; i < 1000; i++) {
      a.sendRtp(p, 0, p.length);
    }
    await().atMost(WAIT)
        .until(() -> a.counters().packetsSent() + a.counters().sendDropped() == 1000);
    // Datagrams from one socket to another arrive in order on loopback: once a marker sent
    // after the burst is in, every packet of the burst that the kernel kept is in too.
    byte[] marker = rtp(99, 2);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
      a.sendRtp(marker, 0, marker.length);
      return markers.get() > 0;
    });

    RtpSocket.Counters sent = a.counters();
    RtpSocket.Counters received = b.counters();
    long burstReceived = received.rtpReceived() - markers.get();
    assertThat(burstReceived).isPositive().isLessThanOrEqualTo(1000 - sent.sendDropped());
    assertThat(received.malformedDropped() + received.oversizeDropped()).isZero();
    assertThat(sent.errors() + received.errors()).isZero();
  }

  @Test
  void sendsWaitingForTheLoopAreBoundedAndTheRestCountedAsDropped() throws Exception {
    network.close();
    network = new MediaNetwork(config().threads(1).maxPendingSends(2).build());
    RtpSocket a = network.open(true).join();
    RtpSocket b = network.open(true).join();
    a.remote(b.localRtpAddress(), null);
    CountDownLatch loopBusy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Holds the loop (a test device only: nothing in the code blocks a loop).
    a.clock().execute(() -> {
      loopBusy.countDown();
      awaitQuietly(release);
    });
    assertThat(loopBusy.await(20, TimeUnit.SECONDS)).isTrue();

    byte[] p = rtp(0, 1);
    for (int i = 0; i < 5; i++) {
      a.sendRtp(p, 0, p.length);
    }
    assertThat(a.counters().sendDropped()).isEqualTo(3);
    release.countDown();

    await().atMost(WAIT).until(() -> b.counters().rtpReceived() == 2);
    assertThat(a.counters().packetsSent()).isEqualTo(2);
  }

  @Test
  void aSendWithoutADestinationIsCountedAsDropped() {
    RtpSocket a = network.open(true).join();
    byte[] p = rtp(0, 1);

    a.sendRtp(p, 0, p.length);

    await().atMost(WAIT).until(() -> a.counters().sendDropped() == 1);
    assertThat(a.counters().packetsSent()).isZero();
  }

  @Test
  void badSendArgumentsAreRefusedWithTheirNames() {
    RtpSocket a = network.open(true).join();
    byte[] p = rtp(0, 1, 12);

    assertThatThrownBy(() -> a.sendRtp(p, 13, 0)).hasMessageContaining("offset");
    assertThatThrownBy(() -> a.sendRtp(p, -1, 0)).hasMessageContaining("offset");
    assertThatThrownBy(() -> a.sendRtp(p, 2, 11)).hasMessageContaining("length");
    assertThatThrownBy(() -> a.sendRtp(null, 0, 0)).hasMessageContaining("packet");
    assertThatThrownBy(() -> a.remote(null, null)).hasMessageContaining("rtp");
  }

  // ---------------------------------------------------------------- threading and clock

  @Test
  void handlersAndClockTasksRunOnlyOnMediaThreads() {
    List<String> threads = new CopyOnWriteArrayList<>();
    RtpSocket a = network.open(false).join();
    RtpSocket b = network.open(false).join();
    RtpSocket.Handler record = new RtpSocket.Handler() {
      @Override
      public void onRtp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
        threads.add(Thread.currentThread().getName());
      }

      @Override
      public void onRtcp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
        threads.add(Thread.currentThread().getName());
      }
    };
    a.handler(record);
    b.handler(record);
    a.remote(b.localRtpAddress(), null);
    b.remote(a.localRtpAddress(), null);
    byte[] p = rtp(0, 1);
    byte[] r = rtcp(200);
    for (int i = 0; i < 10; i++) {
      a.sendRtp(p, 0, p.length);
      b.sendRtp(p, 0, p.length);
      a.sendRtcp(r, 0, r.length);
      b.sendRtcp(r, 0, r.length);
    }
    AtomicInteger ticks = new AtomicInteger();
    MediaClock.Timer tick = a.clock().scheduleAtFixedRate(() -> {
      threads.add(Thread.currentThread().getName());
      ticks.incrementAndGet();
    }, 0, 20, TimeUnit.MILLISECONDS);
    b.clock().schedule(() -> threads.add(Thread.currentThread().getName()), 1,
        TimeUnit.MILLISECONDS);

    await().atMost(WAIT).until(() -> ticks.get() >= 3
        && a.counters().rtpReceived() + a.counters().rtcpReceived() == 20
        && b.counters().rtpReceived() + b.counters().rtcpReceived() == 20);
    tick.cancel();
    assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("parley-media-"));
  }

  @Test
  void aTickThatThrowsKeepsItsSchedule() {
    RtpSocket a = network.open(true).join();
    AtomicInteger runs = new AtomicInteger();
    MediaClock.Timer tick = a.clock().scheduleAtFixedRate(() -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("first tick fails");
      }
    }, 0, 20, TimeUnit.MILLISECONDS);

    await().atMost(WAIT).until(() -> runs.get() >= 3);
    assertThat(tick.cancel()).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An RTP-looking packet: version 2, the second byte {@code secondByte}, 12 + 160 bytes. */
  static byte[] rtp(int secondByte, int sequence) {
    return rtp(secondByte, sequence, 172);
  }

  static byte[] rtp(int secondByte, int sequence, int length) {
    byte[] p = new byte[length];
    p[0] = (byte) 0x80;
    p[1] = (byte) secondByte;
    p[2] = (byte) (sequence >> 8);
    p[3] = (byte) sequence;
    p[11] = 1; // SSRC 1
    for (int i = 12; i < length; i++) {
      p[i] = (byte) i;
    }
    return p;
  }

  /** An RTCP-looking packet of type {@code type} (200 SR, 201 RR) with no report block. */
  static byte[] rtcp(int type) {
    return new byte[] {(byte) 0x80, (byte) type, 0, 1, 0, 0, 0, 1};
  }

  record Received(boolean rtcp, byte[] bytes, InetSocketAddress source, String thread) {}

  /** Keeps a copy of every packet received. */
  static final class Recorder implements RtpSocket.Handler {
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    @Override
    public void onRtp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
      received.add(new Received(false, ByteBufUtil.getBytes(packet), source,
          Thread.currentThread().getName()));
    }

    @Override
    public void onRtcp(ByteBuf packet, InetSocketAddress source, long arrivalNanos) {
      received.add(new Received(true, ByteBufUtil.getBytes(packet), source,
          Thread.currentThread().getName()));
    }

    /** The next packet, waiting for it (20 s at most). */
    Received next() {
      try {
        Received r = received.poll(20, TimeUnit.SECONDS);
        assertThat(r).as("a packet within 20 s").isNotNull();
        return r;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
