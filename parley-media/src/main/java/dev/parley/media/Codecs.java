package dev.parley.media;

import dev.parley.sdp.Rtpmap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The codecs Parley knows, found by their {@code a=rtpmap} encoding name and clock rate, and the
 * ones it offers by default, in preference order: Opus, PCMU, PCMA, telephone-event.
 *
 * <p>Thread-safe: entries are immutable and {@link Entry#newCodec()} makes a new codec each time.
 */
public final class Codecs {
  /** The RFC 4733 encoding name of DTMF events. */
  public static final String TELEPHONE_EVENT = "telephone-event";

  /** Opus, {@code opus/48000/2}, dynamic payload type. */
  public static final Entry OPUS = new Entry(Opus.NAME, 48000, 2, -1, Opus::new);
  /** G.711 mu-law, {@code PCMU/8000}, payload type 0. */
  public static final Entry PCMU = new Entry(Pcmu.NAME, 8000, 1, Pcmu.PAYLOAD_TYPE, Pcmu::new);
  /** G.711 A-law, {@code PCMA/8000}, payload type 8. */
  public static final Entry PCMA = new Entry(Pcma.NAME, 8000, 1, Pcma.PAYLOAD_TYPE, Pcma::new);
  /** RFC 4733 telephone-events at 8 kHz, dynamic payload type (events 0-15 in the offer). */
  public static final Entry TELEPHONE_EVENT_8000 = new Entry(TELEPHONE_EVENT, 8000, 1, -1, null);
  /** RFC 4733 telephone-events at 48 kHz, to go with Opus (RFC 4733 §2.1: the audio's clock). */
  public static final Entry TELEPHONE_EVENT_48000 =
      new Entry(TELEPHONE_EVENT, 48000, 1, -1, null);

  private static final List<Entry> OFFERED = List.of(OPUS, PCMU, PCMA, TELEPHONE_EVENT_8000);
  private static final List<Entry> KNOWN =
      List.of(OPUS, PCMU, PCMA, TELEPHONE_EVENT_8000, TELEPHONE_EVENT_48000);

  private Codecs() {}

  /** What Parley offers by default, most preferred first: Opus, PCMU, PCMA, telephone-event. */
  public static List<Entry> offered() {
    return OFFERED;
  }

  /**
   * The codec of an encoding name (case-insensitive, as RFC 8866 §6.6 says) and a clock rate.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public static Optional<Entry> find(String name, int clockRate) {
    return Optional.ofNullable(entry(name, clockRate));
  }

  /** {@link #find(String, int)}'s codec, or null (no Optional, no iterator: every offer asks). */
  static Entry entry(String name, int clockRate) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < KNOWN.size(); i++) {
      Entry e = KNOWN.get(i);
      if (e.name.equalsIgnoreCase(name) && e.clockRate == clockRate) {
        return e;
      }
    }
    return null;
  }

  /** The codec of an SDP {@code a=rtpmap}, by its encoding name and clock rate. */
  public static Optional<Entry> find(Rtpmap rtpmap) {
    Objects.requireNonNull(rtpmap, "rtpmap");
    return find(rtpmap.encodingName(), rtpmap.clockRate());
  }

  /**
   * One codec Parley knows: its {@code a=rtpmap} fields and how to make an {@link AudioCodec}
   * for a stream. Immutable.
   */
  public static final class Entry {
    private final String name;
    private final int clockRate;
    private final int channels;
    private final int staticPayloadType;
    private final Supplier<AudioCodec> factory;

    private Entry(String name, int clockRate, int channels, int staticPayloadType,
        Supplier<AudioCodec> factory) {
      this.name = name;
      this.clockRate = clockRate;
      this.channels = channels;
      this.staticPayloadType = staticPayloadType;
      this.factory = factory;
    }

    /** The encoding name, spelt as Parley writes it in SDP. */
    public String name() {
      return name;
    }

    /** The RTP clock rate. */
    public int clockRate() {
      return clockRate;
    }

    /** The channel count written in the {@code a=rtpmap} (2 for Opus, else 1). */
    public int channels() {
      return channels;
    }

    /** The static payload type of RFC 3551, or -1 if a dynamic one must be chosen. */
    public int staticPayloadType() {
      return staticPayloadType;
    }

    /** True for RFC 4733 telephone-event, which carries DTMF, not audio frames. */
    public boolean isTelephoneEvent() {
      return factory == null;
    }

    /**
     * A new codec for one stream.
     *
     * @throws IllegalStateException for telephone-event (use {@link DtmfSender} and
     *     {@link DtmfReceiver})
     */
    public AudioCodec newCodec() {
      if (factory == null) {
        throw new IllegalStateException(name + " is not an audio codec: use DtmfSender and "
            + "DtmfReceiver");
      }
      return factory.get();
    }

    /** The {@code a=rtpmap} value with the given payload type, e.g. {@code 0 PCMU/8000}. */
    public Rtpmap toRtpmap(int payloadType) {
      return channels == 1 ? Rtpmap.of(payloadType, name, clockRate)
          : Rtpmap.of(payloadType, name, clockRate, String.valueOf(channels));
    }

    @Override
    public String toString() {
      return name + "/" + clockRate + (channels == 1 ? "" : "/" + channels);
    }
  }
}
