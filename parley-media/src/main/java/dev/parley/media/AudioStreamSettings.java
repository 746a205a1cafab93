package dev.parley.media;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What the SDP negotiation decides for one audio stream: where to send, the send codec, the
 * receive payload types, telephone-events, the direction and mute. Immutable; a re-INVITE
 * makes a new one ({@link #toBuilder()}) and hands it to {@link AudioStream#settings(AudioStreamSettings)}.
 */
public final class AudioStreamSettings {
  private final InetSocketAddress remoteRtp;
  private final InetSocketAddress remoteRtcp;
  private final int sendPayloadType;
  private final Codecs.Entry sendCodec;
  private final Map<Integer, Codecs.Entry> receiveCodecs;
  private final int telephoneEventPayloadType;
  private final int telephoneEventClockRate;
  private final StreamDirection direction;
  private final boolean muted;

  private AudioStreamSettings(Builder b) {
    this.remoteRtp = b.remoteRtp;
    this.remoteRtcp = b.remoteRtcp;
    this.sendPayloadType = b.sendPayloadType;
    this.sendCodec = b.sendCodec;
    Map<Integer, Codecs.Entry> receive = new LinkedHashMap<>(b.receiveCodecs);
    if (receive.isEmpty()) {
      receive.put(sendPayloadType, sendCodec);
    }
    this.receiveCodecs = Map.copyOf(receive);
    this.telephoneEventPayloadType = b.telephoneEventPayloadType;
    this.telephoneEventClockRate = b.telephoneEventClockRate;
    this.direction = b.direction;
    this.muted = b.muted;
  }

  /** A builder; {@link Builder#send(int, Codecs.Entry)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding what a completed exchange decided ({@link StreamParameters}): the send
   * codec and payload type, the receive payload types, the telephone-event payload type, the
   * direction and the peer's addresses (RTCP's left null with rtcp-mux). Mute and anything else
   * are the caller's to add.
   *
   * @param p the parameters of a line that runs (not rejected, with a send codec)
   * @param receivedEventsServe whether our own receive telephone-event payload type serves both
   *     ways when the peer gave none at the send codec's clock rate (a stream that must still
   *     hear DTMF; sending events checks the peer's own type); false: -1 then
   * @param resolver called for a peer address that is a host name ({@link
   *     InetSocketAddress#isUnresolved()}, from a {@code c=} line): returns it resolved, or null
   *     to send nowhere until the next exchange (resolving may block: call this where that is
   *     allowed, or pass {@code a -> null})
   * @throws IllegalArgumentException if the line is rejected or has no send codec
   */
  public static Builder builder(StreamParameters p, boolean receivedEventsServe,
      UnaryOperator<InetSocketAddress> resolver) {
    Objects.requireNonNull(p, "p");
    Objects.requireNonNull(resolver, "resolver");
    if (p.rejected() || p.sendCodec() == null) {
      throw new IllegalArgumentException("line " + p.mLineIndex() + " runs no stream: "
          + (p.rejected() ? "rejected" : "no send codec"));
    }
    int telephoneEvent = p.sendTelephoneEventPayloadType();
    int eventRate = p.sendTelephoneEventClockRate();
    if (telephoneEvent < 0 && receivedEventsServe
        && !p.receiveTelephoneEventPayloadTypes().isEmpty()) {
      telephoneEvent = p.receiveTelephoneEventPayloadTypes().iterator().next();
      eventRate = 0;
    }
    Builder b = builder()
        .send(p.sendPayloadType(), p.sendCodec())
        .receive(p.receivePayloadTypes())
        .telephoneEvent(telephoneEvent, eventRate)
        .direction(StreamDirection.valueOf(p.direction().name()));
    InetSocketAddress rtp = resolve(p.remoteRtp(), resolver);
    if (rtp != null) {
      b.remote(rtp, p.rtcpMux() ? null : resolve(p.remoteRtcp(), resolver));
    }
    return b;
  }

  private static InetSocketAddress resolve(InetSocketAddress a,
      UnaryOperator<InetSocketAddress> resolver) {
    return a == null || !a.isUnresolved() ? a : resolver.apply(a);
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.remoteRtp = remoteRtp;
    b.remoteRtcp = remoteRtcp;
    b.sendPayloadType = sendPayloadType;
    b.sendCodec = sendCodec;
    b.receiveCodecs.putAll(receiveCodecs);
    b.telephoneEventPayloadType = telephoneEventPayloadType;
    b.telephoneEventClockRate = telephoneEventClockRate;
    b.direction = direction;
    b.muted = muted;
    return b;
  }

  /** The peer's RTP address; null until known. */
  public InetSocketAddress remoteRtp() {
    return remoteRtp;
  }

  /** The peer's RTCP address; null: the RTP port + 1, or the RTP address with rtcp-mux. */
  public InetSocketAddress remoteRtcp() {
    return remoteRtcp;
  }

  /** The payload type we send audio with. */
  public int sendPayloadType() {
    return sendPayloadType;
  }

  /** The codec we send with. */
  public Codecs.Entry sendCodec() {
    return sendCodec;
  }

  /** The payload types we accept, each with its codec (by default the send codec's). */
  public Map<Integer, Codecs.Entry> receiveCodecs() {
    return receiveCodecs;
  }

  /** The telephone-event payload type (RFC 4733), both ways; -1 for none. */
  public int telephoneEventPayloadType() {
    return telephoneEventPayloadType;
  }

  /**
   * The clock rate DTMF events are sent at: the telephone-event's rate when it was set, else
   * the send codec's (RFC 4733 §2.1). An Opus stream to a peer that has only
   * {@code telephone-event/8000} sends its events at 8000 Hz: their durations count 8000 Hz
   * samples; their RTP timestamps stay on the stream's 48 kHz clock.
   */
  public int telephoneEventClockRate() {
    return telephoneEventClockRate > 0 ? telephoneEventClockRate : sendCodec.clockRate();
  }

  /** The direction (hold, resume). */
  public StreamDirection direction() {
    return direction;
  }

  /** Whether our audio is muted (no audio sent, DTMF still is; the RTP clock running). */
  public boolean muted() {
    return muted;
  }

  @Override
  public String toString() {
    return "AudioStreamSettings[send " + sendPayloadType + " " + sendCodec + ", receive " + receiveCodecs
        + ", telephone-event " + telephoneEventPayloadType
        + (telephoneEventClockRate > 0 ? "/" + telephoneEventClockRate : "") + ", " + direction
        + (muted ? ", muted" : "") + ", remote " + remoteRtp + "]";
  }

  /** Builds {@link AudioStreamSettings}; checked in {@link #build()}. */
  public static final class Builder {
    private InetSocketAddress remoteRtp;
    private InetSocketAddress remoteRtcp;
    private int sendPayloadType = -1;
    private Codecs.Entry sendCodec;
    private final Map<Integer, Codecs.Entry> receiveCodecs = new LinkedHashMap<>();
    private int telephoneEventPayloadType = -1;
    private int telephoneEventClockRate;
    private StreamDirection direction = StreamDirection.SENDRECV;
    private boolean muted;

    private Builder() {}

    /** The peer's addresses ({@code rtcp} may be null, see {@link RtpSocket#remote}). */
    public Builder remote(InetSocketAddress rtp, InetSocketAddress rtcp) {
      this.remoteRtp = Objects.requireNonNull(rtp, "rtp");
      this.remoteRtcp = rtcp;
      return this;
    }

    /** The send codec and its payload type (0..127). */
    public Builder send(int payloadType, Codecs.Entry codec) {
      this.sendPayloadType = checkPayloadType("payloadType", payloadType);
      this.sendCodec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /** Adds a payload type we accept; without any, the send codec's. */
    public Builder receive(int payloadType, Codecs.Entry codec) {
      receiveCodecs.put(checkPayloadType("payloadType", payloadType),
          Objects.requireNonNull(codec, "codec"));
      return this;
    }

    /** Replaces the payload types we accept. */
    public Builder receive(Map<Integer, Codecs.Entry> codecs) {
      receiveCodecs.clear();
      codecs.forEach(this::receive);
      return this;
    }

    /** The telephone-event payload type (RFC 4733), at the send codec's rate; -1 for none. */
    public Builder telephoneEvent(int payloadType) {
      return telephoneEvent(payloadType, 0);
    }

    /**
     * The telephone-event payload type (RFC 4733; -1 for none) and the clock rate the peer gave
     * it: 8000, 16000 or 48000, or 0 for the send codec's.
     */
    public Builder telephoneEvent(int payloadType, int clockRate) {
      if (clockRate != 0 && clockRate != 8000 && clockRate != 16000 && clockRate != 48000) {
        throw new IllegalArgumentException(
            "clockRate must be 0, 8000, 16000 or 48000: " + clockRate);
      }
      this.telephoneEventPayloadType =
          payloadType == -1 ? -1 : checkPayloadType("payloadType", payloadType);
      this.telephoneEventClockRate = payloadType == -1 ? 0 : clockRate;
      return this;
    }

    /** The direction; SENDRECV by default. */
    public Builder direction(StreamDirection direction) {
      this.direction = Objects.requireNonNull(direction, "direction");
      return this;
    }

    /** Muted or not; not by default. */
    public Builder muted(boolean muted) {
      this.muted = muted;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalStateException if no send codec is set
     * @throws IllegalArgumentException if a codec is telephone-event, or the telephone-event
     *     payload type is also an audio one
     */
    public AudioStreamSettings build() {
      if (sendCodec == null) {
        throw new IllegalStateException("send codec not set");
      }
      if (sendCodec.isTelephoneEvent()) {
        throw new IllegalArgumentException("send codec is telephone-event: " + sendCodec);
      }
      receiveCodecs.forEach((pt, codec) -> {
        if (codec.isTelephoneEvent()) {
          throw new IllegalArgumentException("receive codec " + pt + " is telephone-event");
        }
      });
      if (telephoneEventPayloadType >= 0 && (telephoneEventPayloadType == sendPayloadType
          || receiveCodecs.containsKey(telephoneEventPayloadType))) {
        throw new IllegalArgumentException("telephone-event payload type "
            + telephoneEventPayloadType + " is also an audio payload type");
      }
      return new AudioStreamSettings(this);
    }

    private static int checkPayloadType(String name, int pt) {
      if (pt < 0 || pt > 127) {
        throw new IllegalArgumentException(name + " out of range: " + pt);
      }
      return pt;
    }
  }
}
