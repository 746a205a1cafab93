package dev.parley.media.internal.stream;

import dev.parley.media.AudioCodec;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.Codecs;
import dev.parley.media.DtmfReceiver;
import dev.parley.media.JitterBuffer;
import dev.parley.media.Pcma;
import dev.parley.media.Pcmu;
import dev.parley.media.internal.stream.StreamReceiver.Encoded;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive side of an audio stream's 20 ms tick: telephone-events to DTMF digits, one frame
 * out of the jitter buffer decoded (or concealed) into the sink, packets of other lengths than
 * 20 ms cut into frames, and a watch on a peer that stops sending. A sink that is a
 * {@link PlayoutKind.Listener} is told what each frame is (decoded, concealed, no packet; for
 * packets longer than 20 ms, what the last slot polled was). Used by the stream's tick
 * only (one thread at a time, under its tick lock); the counters are read anywhere.
 */
public final class StreamPlayout {
  private static final Logger log = LoggerFactory.getLogger(StreamPlayout.class);

  private final StreamReceiver receiver;
  private final AudioSink sink;
  private final AudioFormat playoutFormat;
  private final LinearResampler resampler;
  private final Consumer<Character> digits;
  private final InetSocketAddress local;
  private final long stallNanos;
  private final Map<Integer, AudioCodec> decoders = new HashMap<>();
  private AudioCodec lastDecoder;
  private final DtmfReceiver dtmfReceiver = new DtmfReceiver();
  private final PendingSamples pending = new PendingSamples();
  private final PlayoutKind.Listener kindListener;
  private PlayoutKind lastKind = PlayoutKind.NO_PACKET; // of the last slot polled
  private long lastReceivedCount;
  private long lastReceiveNanos;
  private boolean stalled;
  private final LongAdder receiveStalls = new LongAdder();
  private final LongAdder undecodable = new LongAdder();
  private final LongAdder dtmfReceived = new LongAdder();

  /**
   * @param sink where frames go, or null to decode nothing (the buffer still plays out)
   * @param playoutFormat the sink's format
   * @param digits hears each DTMF digit received (exceptions are logged)
   * @param local the stream's RTP address, for the log
   * @param stallNanos how long without RTP, while receiving, is a stall
   */
  public StreamPlayout(StreamReceiver receiver, AudioSink sink, AudioFormat playoutFormat,
      Consumer<Character> digits, InetSocketAddress local, long stallNanos) {
    this.receiver = receiver;
    this.sink = sink;
    this.kindListener = sink instanceof PlayoutKind.Listener l ? l : null;
    this.playoutFormat = playoutFormat;
    this.resampler = new LinearResampler(playoutFormat);
    this.digits = digits;
    this.local = local;
    this.stallNanos = stallNanos;
  }

  /** The stream starts: the stall watch counts from {@code nowNanos}. */
  public void started(long nowNanos) {
    lastReceiveNanos = nowNanos;
  }

  /** One 20 ms tick of the receive side. */
  public void tick(AudioStreamSettings s, long now) {
    StreamReceiver.TelephoneEvent te;
    while ((te = receiver.pollTelephoneEvent()) != null) {
      if (te.restart()) {
        dtmfReceiver.restart();
      }
      deliver(dtmfReceiver.receive(te.timestamp(), te.payload(), 0, te.payload().length,
          TimeUnit.NANOSECONDS.toMillis(now)));
    }
    deliver(dtmfReceiver.poll(TimeUnit.NANOSECONDS.toMillis(now)));

    AudioFrame frame;
    if (pending.isEmpty()) {
      StreamReceiver.Slot slot = receiver.poll(now);
      lastKind = kindOf(slot.playout());
      if (slot.frameMillis() == AudioFormat.FRAME_MILLIS) {
        frame = decode(s, slot.playout()); // one packet, one frame: the usual case
      } else {
        pending.add(samples(s, slot));
        frame = nextPendingFrame(s, now);
      }
    } else {
      frame = nextPendingFrame(s, now);
    }
    if (sink != null) {
      if (kindListener != null) {
        kindListener.playing(lastKind);
      }
      sink.accept(resampler.convert(frame));
    }
    watchReceiving(s, now);
  }

  /** What a jitter-buffer slot plays (a conceal without a decoder yet plays silence). */
  private PlayoutKind kindOf(JitterBuffer.Playout<Encoded> slot) {
    if (slot instanceof JitterBuffer.Playout.Decode<Encoded>) {
      return PlayoutKind.DECODED;
    }
    if (slot instanceof JitterBuffer.Playout.Conceal<Encoded> && lastDecoder != null) {
      return PlayoutKind.CONCEALED;
    }
    return PlayoutKind.NO_PACKET;
  }

  /** Audio payloads the codec refused (concealed instead). */
  public long undecodable() {
    return undecodable.sum();
  }

  /** DTMF digits received. */
  public long dtmfReceived() {
    return dtmfReceived.sum();
  }

  /** Times the peer stopped sending while we expected its audio. */
  public long receiveStalls() {
    return receiveStalls.sum();
  }

  /**
   * 20 ms from the samples of packets of another length (a G.711 sender's 30 ms, say): polls the
   * jitter buffer once per its frame, as many times as the samples in hand fall short.
   */
  private AudioFrame nextPendingFrame(AudioStreamSettings s, long now) {
    while (!pending.hasFrame()) {
      StreamReceiver.Slot slot = receiver.poll(now);
      lastKind = kindOf(slot.playout());
      pending.add(samples(s, slot));
    }
    return pending.takeFrame();
  }

  /** One jitter-buffer frame of any length as samples, in the decoder's format. */
  private PendingSamples.Chunk samples(AudioStreamSettings s, StreamReceiver.Slot slot) {
    int millis = slot.frameMillis();
    if (sink != null && slot.playout() instanceof JitterBuffer.Playout.Decode<Encoded> d) {
      AudioCodec codec = decoderFor(s, d.payload().payloadType());
      byte[] p = d.payload().payload();
      if (codec instanceof Pcmu u) {
        lastDecoder = codec;
        return new PendingSamples.Chunk(AudioFormat.PCM_8000, u.decodeAny(p, 0, p.length));
      }
      if (codec instanceof Pcma a) {
        lastDecoder = codec;
        return new PendingSamples.Chunk(AudioFormat.PCM_8000, a.decodeAny(p, 0, p.length));
      }
      if (codec != null) { // a codec that says nothing of length in its payload: one frame
        return PendingSamples.Chunk.of(decode(s, slot.playout()));
      }
    } else if (sink != null && slot.playout() instanceof JitterBuffer.Playout.Conceal<Encoded>
        && lastDecoder != null) {
      AudioFormat format = lastDecoder.format();
      return PendingSamples.Chunk.repeat(format, lastDecoder::conceal,
          format.sampleRate() / 1000 * millis);
    }
    AudioFormat format = lastDecoder != null ? lastDecoder.format() : playoutFormat;
    return new PendingSamples.Chunk(format, new short[format.sampleRate() / 1000 * millis]);
  }

  /** One 20 ms jitter-buffer frame decoded (or concealed, or silence). */
  private AudioFrame decode(AudioStreamSettings s, JitterBuffer.Playout<Encoded> slot) {
    if (sink == null) {
      return AudioFrame.silence(playoutFormat);
    }
    if (slot instanceof JitterBuffer.Playout.Decode<Encoded> d) {
      AudioCodec codec = decoderFor(s, d.payload().payloadType());
      if (codec == null) {
        return AudioFrame.silence(playoutFormat);
      }
      lastDecoder = codec;
      byte[] p = d.payload().payload();
      try {
        return codec.decode(p, 0, p.length);
      } catch (IllegalArgumentException e) {
        undecodable.increment();
        log.debug("undecodable {} payload of {} bytes: {}", codec.name(), p.length,
            e.getMessage());
        return codec.conceal();
      }
    }
    if (slot instanceof JitterBuffer.Playout.Conceal<Encoded> && lastDecoder != null) {
      return lastDecoder.conceal();
    }
    return AudioFrame.silence(playoutFormat);
  }

  private AudioCodec decoderFor(AudioStreamSettings s, int payloadType) {
    Codecs.Entry entry = s.receiveCodecs().get(payloadType);
    if (entry == null) {
      return null;
    }
    AudioCodec codec = decoders.get(payloadType);
    if (codec == null || !codec.name().equalsIgnoreCase(entry.name())
        || codec.clockRate() != entry.clockRate()) {
      codec = entry.newCodec();
      decoders.put(payloadType, codec);
    }
    return codec;
  }

  private void deliver(String received) {
    for (int i = 0; i < received.length(); i++) {
      dtmfReceived.increment();
      try {
        digits.accept(received.charAt(i));
      } catch (RuntimeException e) {
        log.warn("DTMF listener failed on digit {}", received.charAt(i), e);
      }
    }
  }

  /**
   * Notices, once, a peer that stops sending while we expect its audio (it hung up without BYE,
   * its NAT binding died, the network broke): counted in {@code receiveStalls} and logged once;
   * the next packet ends the stall (logged too). A direction without receiving is never a stall.
   */
  private void watchReceiving(AudioStreamSettings s, long now) {
    long received = receiver.packets();
    if (received != lastReceivedCount || !s.direction().receives()) {
      if (stalled && received != lastReceivedCount) {
        stalled = false;
        log.info("RTP arrives again on {} after {} ms", local,
            TimeUnit.NANOSECONDS.toMillis(now - lastReceiveNanos));
      }
      lastReceivedCount = received;
      lastReceiveNanos = now;
      return;
    }
    if (!stalled && now - lastReceiveNanos >= stallNanos) {
      stalled = true;
      receiveStalls.increment();
      log.info("no RTP received on {} for {} s: the peer stopped sending (logged once a stall)",
          local, TimeUnit.NANOSECONDS.toSeconds(stallNanos));
    }
  }
}
