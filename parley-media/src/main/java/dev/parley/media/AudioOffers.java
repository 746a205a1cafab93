package dev.parley.media;

import dev.parley.sdp.Attribute;
import dev.parley.sdp.Connection;
import dev.parley.sdp.Direction;
import dev.parley.sdp.Fmtp;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.Origin;
import dev.parley.sdp.Rtcp;
import dev.parley.sdp.Rtpmap;
import dev.parley.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Parley's side of the SDP offer/answer model (RFC 3264) for one audio stream: the audio line we
 * offer, and our answer to a peer's offer, from the codecs we support.
 *
 * <p>What we offer: the configured codecs in preference order (by default Opus 48000/2 on payload
 * type {@value #OPUS_PAYLOAD_TYPE} with {@code minptime=10;useinbandfec=1}, PCMU 0, PCMA 8),
 * telephone-event (RFC 4733) at the clock rate of each audio codec ({@value
 * #TELEPHONE_EVENT_48000_PAYLOAD_TYPE} for 48 kHz, {@value #TELEPHONE_EVENT_8000_PAYLOAD_TYPE} for
 * 8 kHz, events {@code 0-16}), {@code a=ptime}, {@code a=rtcp:PORT} for the separate RTCP port and
 * {@code a=rtcp-mux} (RFC 5761 §5.1.1: the offerer gives both, the answer decides), a direction.
 *
 * <p>How we answer (RFC 3264 §6): one m= line per offered line, in order. The first audio line
 * over RTP/AVP or RTP/AVPF with a codec in common is taken: the codecs we support in the
 * <em>peer's</em> preference order, on the peer's payload type numbers (§6.1), the offered
 * telephone-events whose clock rate is one of those codecs' (when none is, the offered one of the
 * lowest rate: an Opus offer with only {@code telephone-event/8000}), the direction answered per
 * §6.1, rtcp-mux when offered. Every other line (video, application, image, SRTP profiles, a second
 * audio line, an audio line with no codec in common) is refused with port 0 and its format list,
 * so that a session still connects with its audio.
 *
 * <p>Immutable and thread-safe.
 */
public final class AudioOffers {
  /** The dynamic payload type we offer Opus on. */
  public static final int OPUS_PAYLOAD_TYPE = 111;
  /** The dynamic payload type we offer {@code telephone-event/8000} on. */
  public static final int TELEPHONE_EVENT_8000_PAYLOAD_TYPE = 101;
  /** The dynamic payload type we offer {@code telephone-event/48000} on (with Opus). */
  public static final int TELEPHONE_EVENT_48000_PAYLOAD_TYPE = 110;
  /** The Opus parameters we offer and answer (RFC 7587 §6.1). */
  public static final String OPUS_FMTP = "minptime=10;useinbandfec=1";
  /** The telephone-events we offer (RFC 4733 §7.1.1: the DTMF digits and flash). */
  public static final String TELEPHONE_EVENT_FMTP = "0-16";
  /** The packet time we offer, in milliseconds. */
  public static final int DEFAULT_PTIME = 20;

  private static final AudioOffers DEFAULTS = builder().build();

  private final List<Codecs.Entry> codecs;
  private final boolean telephoneEvent;
  private final int ptime;
  private final boolean rtcpMux;

  private AudioOffers(Builder b) {
    this.codecs = List.copyOf(b.codecs);
    this.telephoneEvent = b.telephoneEvent;
    this.ptime = b.ptime;
    this.rtcpMux = b.rtcpMux;
  }

  /** Parley's defaults: {@link Codecs#offered()}, telephone-event, ptime 20, rtcp-mux. */
  public static AudioOffers defaults() {
    return DEFAULTS;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The audio codecs offered and accepted, most preferred first (no telephone-event). */
  public List<Codecs.Entry> codecs() {
    return codecs;
  }

  /** Whether telephone-event (RFC 4733) is offered and accepted. */
  public boolean telephoneEvent() {
    return telephoneEvent;
  }

  /** The {@code a=ptime} we write, in milliseconds. */
  public int ptime() {
    return ptime;
  }

  /** Whether rtcp-mux is offered, and accepted when offered (RFC 5761). */
  public boolean rtcpMux() {
    return rtcpMux;
  }

  // ---------------------------------------------------------------- offers

  /**
   * Our audio line: {@code m=audio rtpPort RTP/AVP <payload types>} with its own {@code c=}, the
   * rtpmaps and fmtps of our codecs and telephone-events, {@code a=ptime}, {@code a=rtcp} (when
   * {@code rtcpPort} is not 0), {@code a=rtcp-mux} (when configured) and {@code direction}.
   *
   * @param localAddress the address we receive on (an IP literal or a host name)
   * @param rtpPort our RTP port, 1..65535
   * @param rtcpPort our separate RTCP port, or 0 to leave it implied (RTP port + 1, RFC 3550 §11)
   * @param direction what we offer to do
   * @throws IllegalArgumentException naming an argument that is out of range or malformed
   */
  public MediaDescription offer(String localAddress, int rtpPort, int rtcpPort,
      Direction direction) {
    checkArguments(localAddress, rtpPort, rtcpPort, direction);
    Map<Integer, Codecs.Entry> formats = new LinkedHashMap<>();
    int nextDynamic = 96;
    for (Codecs.Entry e : codecs) {
      int pt = e.staticPayloadType();
      if (e == Codecs.OPUS) {
        pt = OPUS_PAYLOAD_TYPE;
      } else if (pt < 0) {
        while (nextDynamic == OPUS_PAYLOAD_TYPE || nextDynamic == TELEPHONE_EVENT_8000_PAYLOAD_TYPE
            || nextDynamic == TELEPHONE_EVENT_48000_PAYLOAD_TYPE) {
          nextDynamic++;
        }
        pt = nextDynamic++; // a codec added to Codecs later: the next free dynamic type
      }
      formats.put(pt, e);
    }
    if (telephoneEvent) {
      for (int rate : clockRates(formats.values())) {
        if (rate == 48000) {
          formats.put(TELEPHONE_EVENT_48000_PAYLOAD_TYPE, Codecs.TELEPHONE_EVENT_48000);
        } else if (rate == 8000) {
          formats.put(TELEPHONE_EVENT_8000_PAYLOAD_TYPE, Codecs.TELEPHONE_EVENT_8000);
        }
      }
    }
    MediaDescription.Builder b = audioLine(localAddress, rtpPort, MediaDescription.RTP_AVP);
    formats.keySet().forEach(b::addFormat);
    formats.forEach((pt, e) -> addRtpmapAndFmtp(b, pt, e, TELEPHONE_EVENT_FMTP));
    b.addAttribute(Attribute.of(Attribute.PTIME, Integer.toString(ptime)));
    if (rtcpPort != 0) {
      b.addAttribute(Rtcp.of(rtcpPort).toAttribute());
    }
    if (rtcpMux) {
      b.addAttribute(Attribute.property(NegotiationSdp.RTCP_MUX));
    }
    return b.direction(direction).build();
  }

  /**
   * A whole offer with our one audio line ({@link #offer(String, int, int, Direction)}) inside
   * {@link #session(SessionDescription, String, List)}: a new session when {@code previousLocal}
   * is null, else the next version of it (a re-offer: hold, resume, new ports, RFC 3264 §8).
   */
  public SessionDescription offerSession(SessionDescription previousLocal, String localAddress,
      int rtpPort, int rtcpPort, Direction direction) {
    return session(previousLocal, localAddress,
        List.of(offer(localAddress, rtpPort, rtcpPort, direction)));
  }

  /**
   * A session description around {@code media}: {@code o=} (a new random session id when
   * {@code previousLocal} is null, else the previous origin with its version incremented, as every
   * new offer or answer of the same session must be, RFC 3264 §8), {@code s=-}, a session
   * {@code c=} with {@code localAddress} when some line has none of its own, and {@code t=0 0}.
   *
   * @throws IllegalArgumentException if {@code localAddress} is malformed or {@code media} empty
   */
  public static SessionDescription session(SessionDescription previousLocal, String localAddress,
      List<MediaDescription> media) {
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(media, "media");
    Origin origin;
    if (previousLocal == null) {
      long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
      origin = Origin.builder().username("-").sessionId(id).sessionVersion(id)
          .address(localAddress).build();
    } else {
      origin = previousLocal.origin().withNextVersion();
    }
    SessionDescription.Builder b = SessionDescription.builder().origin(origin);
    if (media.stream().anyMatch(m -> m.connections().isEmpty())) {
      b.connection(Connection.of(localAddress));
    }
    return b.media(media).build();
  }

  // ---------------------------------------------------------------- answers

  /**
   * Whether {@link #answerMedia} would take line {@code index} of {@code remoteOffer}: audio over
   * RTP/AVP or RTP/AVPF, not disabled, with a codec we support. Lets a caller classify an offer
   * (a line we would refuse counts for nothing) before it opens sockets.
   *
   * @throws IndexOutOfBoundsException if there is no such line
   */
  public boolean accepts(SessionDescription remoteOffer, int index) {
    Objects.requireNonNull(remoteOffer, "remoteOffer");
    MediaDescription m = remoteOffer.media().get(index);
    return accepts(m.media(), m.port(), m.proto(), m.formatsWithRtpmap());
  }

  /**
   * Whether {@link #answerMedia} would take an offered line of {@code media} on {@code port} over
   * {@code proto} whose formats are {@code formatsWithRtpmap}
   * ({@link MediaDescription#formatsWithRtpmap()}): {@link #accepts(SessionDescription, int)}
   * for a caller that read the line without building the model (a {@code SessionOutline}).
   */
  public boolean accepts(String media, int port, String proto, List<Rtpmap> formatsWithRtpmap) {
    if (port == 0 || !NegotiationSdp.isPlainRtpAudio(media, proto)) {
      return false;
    }
    // commonCodecs not empty, without its map (nor an iterator or Optional per format)
    for (int i = 0; i < formatsWithRtpmap.size(); i++) {
      Rtpmap r = formatsWithRtpmap.get(i);
      Codecs.Entry e = Codecs.entry(r.encodingName(), r.clockRate());
      if (e != null && !e.isTelephoneEvent() && r.channels() == e.channels()
          && codecs.contains(e)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Our answer to the whole of {@code remoteOffer}: one line per offered line, in order (RFC 3264
   * §6); the first line {@link #accepts} takes is answered by {@link #answerMedia} on our ports,
   * every other line is refused with port 0. The origin is new when {@code previousLocal} is null,
   * else the next version of our previous description (an answer to a re-offer).
   *
   * @throws IllegalArgumentException if the audio line we take has no {@code c=} (the message
   *     names the m-line), or an argument is out of range
   */
  public SessionDescription answer(SessionDescription remoteOffer,
      SessionDescription previousLocal, String localAddress, int rtpPort, int rtcpPort,
      Direction direction) {
    Objects.requireNonNull(remoteOffer, "remoteOffer");
    checkArguments(localAddress, rtpPort, rtcpPort, direction);
    List<MediaDescription> lines = new ArrayList<>();
    boolean taken = false;
    for (int i = 0; i < remoteOffer.media().size(); i++) {
      if (!taken && accepts(remoteOffer, i)) {
        lines.add(answerMedia(remoteOffer, i, localAddress, rtpPort, rtcpPort, direction));
        taken = true;
      } else {
        lines.add(refuse(remoteOffer.media().get(i)));
      }
    }
    return session(previousLocal, localAddress, lines);
  }

  /**
   * Our answer to line {@code index} of {@code remoteOffer} on our ports (RFC 3264 §6.1), or its
   * refusal with port 0 when {@link #accepts} says no. The answer lists the codecs we support in
   * the offer's order with the offer's payload type numbers, then the offered telephone-events
   * whose clock rate is one of theirs (none: the offered one of the lowest rate); its direction
   * is what we may do given the offer's
   * ({@code sendonly} answered {@code recvonly}, {@code recvonly} answered {@code sendonly},
   * {@code inactive} answered {@code inactive}, {@code sendrecv} answered {@code direction}, each
   * narrowed by {@code direction}); {@code a=rtcp-mux} when the offer has it (then no
   * {@code a=rtcp}), else {@code a=rtcp:rtcpPort} when {@code rtcpPort} is not 0.
   *
   * @throws IllegalArgumentException if the line is taken but has no {@code c=}, at media or
   *     session level (the message names the m-line), or an argument is out of range
   * @throws IndexOutOfBoundsException if there is no such line
   */
  public MediaDescription answerMedia(SessionDescription remoteOffer, int index,
      String localAddress, int rtpPort, int rtcpPort, Direction direction) {
    Objects.requireNonNull(remoteOffer, "remoteOffer");
    checkArguments(localAddress, rtpPort, rtcpPort, direction);
    MediaDescription m = remoteOffer.media().get(index);
    if (!accepts(remoteOffer, index)) {
      return refuse(m);
    }
    NegotiationSdp.connectionAddress(remoteOffer, index, "offered");
    Map<Integer, Codecs.Entry> chosen = commonCodecs(m);
    Set<Integer> rates = clockRates(chosen.values());
    if (telephoneEvent) {
      int lowestPt = -1;
      Codecs.Entry lowest = null;
      boolean matched = false;
      for (Map.Entry<Integer, Codecs.Entry> f : NegotiationSdp.knownFormats(m).entrySet()) {
        Codecs.Entry e = f.getValue();
        if (!e.isTelephoneEvent()) {
          continue;
        }
        if (rates.contains(e.clockRate())) {
          chosen.put(f.getKey(), e);
          matched = true;
        } else if (lowest == null || e.clockRate() < lowest.clockRate()) {
          lowestPt = f.getKey();
          lowest = e;
        }
      }
      if (!matched && lowest != null && !chosen.isEmpty()) {
        // none at our codecs' rates (Opus offered with telephone-event/8000 only): answer the
        // lowest rate offered rather than nothing, so that DTMF still works both ways (the
        // fallback libwebrtc takes too; our events' durations count at that rate, libwebrtc's on
        // the audio clock)
        chosen.put(lowestPt, lowest);
      }
    }
    MediaDescription.Builder b = audioLine(localAddress, rtpPort, m.proto());
    chosen.keySet().forEach(b::addFormat);
    chosen.forEach((pt, e) -> addRtpmapAndFmtp(b, pt, e,
        m.fmtp(pt).map(Fmtp::parameters).orElse("0-15")));
    b.addAttribute(Attribute.of(Attribute.PTIME, Integer.toString(ptime)));
    if (rtcpMux && m.hasAttribute(NegotiationSdp.RTCP_MUX)) {
      b.addAttribute(Attribute.property(NegotiationSdp.RTCP_MUX));
    } else if (rtcpPort != 0) {
      b.addAttribute(Rtcp.of(rtcpPort).toAttribute());
    }
    Direction offered = remoteOffer.direction(m);
    return b.direction(NegotiationSdp.answerDirection(direction, offered)).build();
  }

  /** A refused line (RFC 3264 §6): port 0, the offered proto and formats, nothing else. */
  static MediaDescription refuse(MediaDescription offered) {
    return MediaDescription.builder(offered.media(), 0, offered.proto())
        .formats(offered.formats()).build();
  }

  /** The offered audio payload types we support, in the offer's order. */
  private Map<Integer, Codecs.Entry> commonCodecs(MediaDescription m) {
    Map<Integer, Codecs.Entry> out = new LinkedHashMap<>();
    NegotiationSdp.knownFormats(m).forEach((pt, e) -> {
      if (!e.isTelephoneEvent() && codecs.contains(e)) {
        out.put(pt, e);
      }
    });
    return out;
  }

  private static Set<Integer> clockRates(Iterable<Codecs.Entry> entries) {
    Set<Integer> rates = new LinkedHashSet<>();
    for (Codecs.Entry e : entries) {
      if (!e.isTelephoneEvent()) {
        rates.add(e.clockRate());
      }
    }
    return rates;
  }

  private static MediaDescription.Builder audioLine(String address, int port, String proto) {
    return MediaDescription.builder(MediaDescription.AUDIO, port, proto)
        .addConnection(Connection.of(address));
  }

  private static void addRtpmapAndFmtp(MediaDescription.Builder b, int pt, Codecs.Entry e,
      String telephoneEventFmtp) {
    b.addRtpmap(e.toRtpmap(pt));
    if (e == Codecs.OPUS) {
      b.addFmtp(Fmtp.of(pt, OPUS_FMTP));
    } else if (e.isTelephoneEvent()) {
      b.addFmtp(Fmtp.of(pt, telephoneEventFmtp));
    }
  }

  private static void checkArguments(String localAddress, int rtpPort, int rtcpPort,
      Direction direction) {
    Objects.requireNonNull(localAddress, "localAddress");
    Objects.requireNonNull(direction, "direction");
    if (localAddress.isBlank()) {
      throw new IllegalArgumentException("localAddress is blank");
    }
    if (rtpPort < 1 || rtpPort > 65535) {
      throw new IllegalArgumentException("rtpPort out of range 1..65535: " + rtpPort);
    }
    if (rtcpPort < 0 || rtcpPort > 65535) {
      throw new IllegalArgumentException("rtcpPort out of range 0..65535: " + rtcpPort);
    }
  }

  @Override
  public String toString() {
    return "AudioOffers" + codecs + (telephoneEvent ? " +telephone-event" : "") + " ptime "
        + ptime + (rtcpMux ? " rtcp-mux" : "");
  }

  /** Builds an {@link AudioOffers}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private final List<Codecs.Entry> codecs = new ArrayList<>();
    private boolean telephoneEvent = true;
    private int ptime = DEFAULT_PTIME;
    private boolean rtcpMux = true;

    private Builder() {
      for (Codecs.Entry e : Codecs.offered()) {
        if (!e.isTelephoneEvent()) {
          codecs.add(e);
        }
      }
    }

    /**
     * The audio codecs to offer and accept, most preferred first (e.g. {@code PCMA, PCMU} for
     * G.711 only, A-law preferred). Telephone-event entries are skipped: {@link
     * #telephoneEvent(boolean)} decides those.
     *
     * @throws IllegalArgumentException if no audio codec is left, or one is given twice
     */
    public Builder codecs(List<Codecs.Entry> entries) {
      Objects.requireNonNull(entries, "codecs");
      List<Codecs.Entry> audio = new ArrayList<>();
      for (Codecs.Entry e : entries) {
        Objects.requireNonNull(e, "codec");
        if (e.isTelephoneEvent()) {
          continue;
        }
        if (audio.contains(e)) {
          throw new IllegalArgumentException("codecs lists " + e + " twice");
        }
        audio.add(e);
      }
      if (audio.isEmpty()) {
        throw new IllegalArgumentException("codecs has no audio codec: " + entries);
      }
      codecs.clear();
      codecs.addAll(audio);
      return this;
    }

    /** {@link #codecs(List)} from an array. */
    public Builder codecs(Codecs.Entry... entries) {
      return codecs(List.of(entries));
    }

    /** Whether to offer and accept telephone-event (RFC 4733); default true. */
    public Builder telephoneEvent(boolean telephoneEvent) {
      this.telephoneEvent = telephoneEvent;
      return this;
    }

    /**
     * The {@code a=ptime} to write, 10..120 ms; default {@value AudioOffers#DEFAULT_PTIME}.
     *
     * @throws IllegalArgumentException if out of range
     */
    public Builder ptime(int ptime) {
      if (ptime < 10 || ptime > 120) {
        throw new IllegalArgumentException("ptime out of range 10..120: " + ptime);
      }
      this.ptime = ptime;
      return this;
    }

    /** Whether to offer rtcp-mux and accept it when offered (RFC 5761); default true. */
    public Builder rtcpMux(boolean rtcpMux) {
      this.rtcpMux = rtcpMux;
      return this;
    }

    /** The configuration. */
    public AudioOffers build() {
      return new AudioOffers(this);
    }
  }
}
