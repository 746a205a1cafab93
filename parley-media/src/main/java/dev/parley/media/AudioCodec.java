package dev.parley.media;

/**
 * An audio codec of one RTP stream: turns 20 ms {@link AudioFrame}s into RTP payloads and back,
 * and makes up a frame for a lost packet.
 *
 * <p>An instance holds the state of one direction pair of one stream (the last frame decoded, an
 * Opus encoder and decoder), so each stream gets its own from {@link Codecs.Entry#newCodec()}.
 * Not thread-safe: one stream calls it from one thread at a time (the media scheduler, never a
 * Netty event loop).
 */
public interface AudioCodec {
  /** The encoding name as in an SDP {@code a=rtpmap} (RFC 8866 §6.6): "PCMU", "PCMA", "opus". */
  String name();

  /** The RTP clock rate, as in the {@code a=rtpmap} (8000 for G.711, 48000 for Opus). */
  int clockRate();

  /**
   * The channel count as written in the {@code a=rtpmap}: 1 for G.711, 2 for Opus (RFC 7587 §7
   * always says {@code opus/48000/2}); the frames themselves are always mono.
   */
  int channels();

  /** The static payload type of RFC 3551 §6 (0 for PCMU, 8 for PCMA), or -1 if dynamic. */
  int staticPayloadType();

  /** The format of the frames this codec encodes and decodes. */
  AudioFormat format();

  /**
   * The RTP payload of one 20 ms frame.
   *
   * @throws IllegalArgumentException if the frame is not in {@link #format()}
   */
  byte[] encode(AudioFrame frame);

  /**
   * The frame carried by a 20 ms RTP payload. Remembers it for {@link #conceal()}.
   *
   * @throws IllegalArgumentException if the payload is malformed or not 20 ms long (the caller
   *     counts and drops the packet)
   */
  AudioFrame decode(byte[] payload, int offset, int length);

  /**
   * A frame to play in place of a lost packet (packet-loss concealment): G.711 repeats the last
   * frame decoded, fading to silence over consecutive losses; Opus uses its own PLC. Silence
   * before the first frame.
   */
  AudioFrame conceal();
}
