package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import dev.parley.sdp.internal.ValueReader;
import dev.parley.sdp.internal.ValueSyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A media description (RFC 8866 §5.14): an {@code m=<media> <port>[/<number of ports>] <proto>
 * <fmt> ...} field and the {@code i=}, {@code c=}, {@code b=}, {@code k=} and {@code a=} fields of
 * its section.
 *
 * <p>Media types and protocols are open sets kept as strings; the common ones are constants here
 * ({@link #AUDIO}, {@link #RTP_AVP}, ...). Besides RTP, this covers the instant-messaging forms
 * {@code m=message <port> TCP/MSRP *} (RFC 4975) and {@code m=message <port> sip <uri>}, whose
 * format is a URI (formats are therefore any non-whitespace strings). Typed views: {@link
 * #rtpmap(int)}, {@link #fmtp(int)}, {@link #direction()}, {@link #ptime()}, {@link #rtcp()}.
 *
 * <p>Immutable and thread-safe; {@link Builder#build()} throws {@link IllegalArgumentException}
 * naming the bad field.
 */
public final class MediaDescription {
  /** Media type {@code audio}. */
  public static final String AUDIO = "audio";
  /** Media type {@code video}. */
  public static final String VIDEO = "video";
  /** Media type {@code text}. */
  public static final String TEXT = "text";
  /** Media type {@code application}. */
  public static final String APPLICATION = "application";
  /** Media type {@code message}. */
  public static final String MESSAGE = "message";

  /** RTP/AVP, RTP profile for audio and video (RFC 3551). */
  public static final String RTP_AVP = "RTP/AVP";
  /** RTP/SAVP, secure RTP (RFC 3711). */
  public static final String RTP_SAVP = "RTP/SAVP";
  /** RTP/AVPF, RTP with RTCP feedback (RFC 4585). */
  public static final String RTP_AVPF = "RTP/AVPF";
  /** RTP/SAVPF, secure RTP with feedback (RFC 5124). */
  public static final String RTP_SAVPF = "RTP/SAVPF";
  /** UDP/TLS/RTP/SAVPF, DTLS-SRTP with feedback (RFC 5764). */
  public static final String UDP_TLS_RTP_SAVPF = "UDP/TLS/RTP/SAVPF";
  /** TCP/MSRP, the message session relay protocol (RFC 4975). */
  public static final String TCP_MSRP = "TCP/MSRP";
  /** {@code sip}, messages carried by SIP itself: {@code m=message <port> sip <uri>}. */
  public static final String SIP = "sip";

  private final String media;
  private final int port;
  private final int numberOfPorts; // -1: not written
  private final String proto;
  private final List<String> formats;
  private final String information;
  private final List<Connection> connections;
  private final List<Bandwidth> bandwidths;
  private final String key;
  private final List<Attribute> attributes;

  private MediaDescription(Builder b) {
    this.media = b.media;
    this.port = b.port;
    this.numberOfPorts = b.numberOfPorts;
    this.proto = b.proto;
    this.formats = List.copyOf(b.formats);
    this.information = b.information;
    this.connections = List.copyOf(b.connections);
    this.bandwidths = List.copyOf(b.bandwidths);
    this.key = b.key;
    this.attributes = List.copyOf(b.attributes);
  }

  /** A builder for {@code m=<media> <port> <proto>}; add at least one format. */
  public static Builder builder(String media, int port, String proto) {
    return new Builder().media(media).port(port).proto(proto);
  }

  /** A builder holding this description's fields. */
  public Builder toBuilder() {
    Builder b = new Builder().media(media).port(port).proto(proto).information(information)
        .key(key);
    b.numberOfPorts = numberOfPorts;
    b.formats.addAll(formats);
    b.connections.addAll(connections);
    b.bandwidths.addAll(bandwidths);
    b.attributes.addAll(attributes);
    return b;
  }

  /** The media type, such as {@code audio} or {@code message}. */
  public String media() {
    return media;
  }

  /** The transport port; 0 rejects or disables the stream (RFC 3264 §6). */
  public int port() {
    return port;
  }

  /** Whether the port is 0: a rejected or disabled stream (RFC 3264 §6, §8.2). */
  public boolean isDisabled() {
    return port == 0;
  }

  /** The number of ports after {@code /}, when written. */
  public OptionalInt numberOfPorts() {
    return numberOfPorts < 0 ? OptionalInt.empty()
        : OptionalInt.of(numberOfPorts);
  }

  /** The transport protocol, such as {@code RTP/AVP}. */
  public String proto() {
    return proto;
  }

  /** Whether the protocol is an RTP profile (it contains {@code RTP/}). */
  public boolean isRtp() {
    return proto.contains("RTP/");
  }

  /** The formats in preference order: RTP payload types, {@code *}, a URI... */
  public List<String> formats() {
    return formats;
  }

  /** The formats that are RTP payload types (0..127), in order. */
  public List<Integer> payloadTypes() {
    List<Integer> out = new ArrayList<>(formats.size());
    for (String f : formats) {
      int pt = payloadTypeOf(f);
      if (pt >= 0) {
        out.add(pt);
      }
    }
    return out;
  }

  /** The media title {@code i=}, or {@code null}. */
  public String information() {
    return information;
  }

  /** The media-level {@code c=} fields, possibly several for multicast (RFC 8866 §5.7). */
  public List<Connection> connections() {
    return connections;
  }

  /** The media-level {@code b=} fields. */
  public List<Bandwidth> bandwidths() {
    return bandwidths;
  }

  /** The obsolete {@code k=} value, verbatim, or {@code null}. */
  public String key() {
    return key;
  }

  /** The media-level attributes, in order. */
  public List<Attribute> attributes() {
    return attributes;
  }

  /** The first attribute called {@code name}. */
  public Optional<Attribute> attribute(String name) {
    return firstAttribute(attributes, name);
  }

  /** Every attribute called {@code name}, in order. */
  public List<Attribute> attributes(String name) {
    List<Attribute> out = new ArrayList<>();
    for (Attribute a : attributes) {
      if (a.is(name)) {
        out.add(a);
      }
    }
    return out;
  }

  /** Whether an attribute called {@code name} is present. */
  public boolean hasAttribute(String name) {
    return attribute(name).isPresent();
  }

  /** The media-level direction attribute, if any (see {@link SessionDescription#direction(MediaDescription)}). */
  public Optional<Direction> direction() {
    return directionOf(attributes);
  }

  /** Every well-formed {@code a=rtpmap}, in order. */
  public List<Rtpmap> rtpmaps() {
    List<Rtpmap> out = new ArrayList<>();
    for (Attribute a : attributes) {
      if (a.is(Attribute.RTPMAP) && a.hasValue()) {
        Rtpmap r = tryRtpmap(a.value());
        if (r != null) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** The {@code a=rtpmap} of payload type {@code pt}, if any (static types are not filled in). */
  public Optional<Rtpmap> rtpmap(int pt) {
    for (Rtpmap r : rtpmaps()) {
      if (r.payloadType() == pt) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * The payload types of the {@code m=} line, in order, each with its {@code a=rtpmap} or, failing
   * that, its RFC 3551 static mapping; payload types with neither are left out.
   */
  public List<Rtpmap> formatsWithRtpmap() {
    List<Rtpmap> maps = rtpmaps();
    List<Rtpmap> out = new ArrayList<>();
    for (int pt : payloadTypes()) {
      Rtpmap found = null;
      for (Rtpmap r : maps) {
        if (r.payloadType() == pt) {
          found = r;
          break;
        }
      }
      if (found == null) {
        found = Rtpmap.ofStaticPayloadType(pt).orElse(null);
      }
      if (found != null) {
        out.add(found);
      }
    }
    return out;
  }

  /** Every well-formed {@code a=fmtp}, in order. */
  public List<Fmtp> fmtps() {
    List<Fmtp> out = new ArrayList<>();
    for (Attribute a : attributes) {
      if (a.is(Attribute.FMTP) && a.hasValue()) {
        try {
          out.add(AttributeGrammar.fmtp(new ValueReader(a.value(), true)));
        } catch (ValueSyntaxException | IllegalArgumentException e) {
          // malformed (tolerated as SdpViolation.MALFORMED_ATTRIBUTE): no typed view
        }
      }
    }
    return out;
  }

  /** The {@code a=fmtp} of {@code format}, if any. */
  public Optional<Fmtp> fmtp(String format) {
    for (Fmtp f : fmtps()) {
      if (f.format().equals(format)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The {@code a=fmtp} of payload type {@code pt}, if any. */
  public Optional<Fmtp> fmtp(int pt) {
    return fmtp(Integer.toString(pt));
  }

  /** The {@code a=ptime} in milliseconds, if present and well-formed (RFC 8866 §6.4). */
  public OptionalDouble ptime() {
    return packetTime(Attribute.PTIME);
  }

  /** The {@code a=maxptime} in milliseconds, if present and well-formed (RFC 8866 §6.5). */
  public OptionalDouble maxptime() {
    return packetTime(Attribute.MAXPTIME);
  }

  private OptionalDouble packetTime(String name) {
    for (Attribute a : attributes) {
      if (a.is(name) && a.hasValue()) {
        try {
          return OptionalDouble.of(AttributeGrammar.packetTime(new ValueReader(a.value(), true), name));
        } catch (ValueSyntaxException e) {
          // malformed: try the next one
        }
      }
    }
    return OptionalDouble.empty();
  }

  /** The {@code a=rtcp} (RFC 3605), if present and well-formed. */
  public Optional<Rtcp> rtcp() {
    for (Attribute a : attributes) {
      if (a.is(Attribute.RTCP) && a.hasValue()) {
        try {
          return Optional.of(AttributeGrammar.rtcp(new ValueReader(a.value(), true)));
        } catch (ValueSyntaxException | IllegalArgumentException e) {
          // malformed: try the next one
        }
      }
    }
    return Optional.empty();
  }

  static Rtpmap tryRtpmap(String value) {
    try {
      return AttributeGrammar.rtpmap(new ValueReader(value, true));
    } catch (ValueSyntaxException | IllegalArgumentException e) {
      return null;
    }
  }

  static Optional<Attribute> firstAttribute(List<Attribute> attributes, String name) {
    for (Attribute a : attributes) {
      if (a.is(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  static Optional<Direction> directionOf(List<Attribute> attributes) {
    for (Attribute a : attributes) {
      if (!a.hasValue()) {
        Direction d = Direction.fromAttributeName(a.name());
        if (d != null) {
          return Optional.of(d);
        }
      }
    }
    return Optional.empty();
  }

  /** {@code format} as a payload type 0..127 (no sign, no leading zeros), or -1. */
  static int payloadTypeOf(String format) {
    int n = format.length();
    if (n == 0 || n > 3 || (n > 1 && format.charAt(0) == '0')) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < n; i++) {
      char c = format.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 127 ? v : -1;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MediaDescription)) {
      return false;
    }
    MediaDescription that = (MediaDescription) o;
    return port == that.port && numberOfPorts == that.numberOfPorts && media.equals(that.media)
        && proto.equals(that.proto) && formats.equals(that.formats)
        && Objects.equals(information, that.information) && connections.equals(that.connections)
        && bandwidths.equals(that.bandwidths) && Objects.equals(key, that.key)
        && attributes.equals(that.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(media, port, numberOfPorts, proto, formats, information, connections,
        bandwidths, key, attributes);
  }

  /** The media section as written, CRLF line ends, starting with {@code m=}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    SdpWriter.writeMedia(this, b);
    return b.toString();
  }

  /** Builds a {@link MediaDescription}. Not thread-safe. */
  public static final class Builder {
    private String media;
    private int port;
    private int numberOfPorts = -1;
    private String proto;
    private final List<String> formats = new ArrayList<>();
    private String information;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Bandwidth> bandwidths = new ArrayList<>();
    private String key;
    private final List<Attribute> attributes = new ArrayList<>();

    private Builder() {}

    /** Sets the media type. */
    public Builder media(String media) {
      this.media = media;
      return this;
    }

    /** Sets the port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Sets the number of ports written after {@code /}. */
    public Builder numberOfPorts(int numberOfPorts) {
      if (numberOfPorts < 1) {
        throw new IllegalArgumentException("media numberOfPorts out of range: " + numberOfPorts);
      }
      this.numberOfPorts = numberOfPorts;
      return this;
    }

    /** Sets the transport protocol. */
    public Builder proto(String proto) {
      this.proto = proto;
      return this;
    }

    /** Appends a format. */
    public Builder addFormat(String format) {
      formats.add(format);
      return this;
    }

    /** Appends an RTP payload type as a format. */
    public Builder addFormat(int payloadType) {
      return addFormat(Integer.toString(payloadType));
    }

    /** Replaces the formats. */
    public Builder formats(Collection<String> formats) {
      this.formats.clear();
      this.formats.addAll(formats);
      return this;
    }

    /** Sets the {@code i=} title, or {@code null}. */
    public Builder information(String information) {
      this.information = information;
      return this;
    }

    /** Appends a {@code c=}. */
    public Builder addConnection(Connection connection) {
      connections.add(Objects.requireNonNull(connection, "connection"));
      return this;
    }

    /** Replaces the {@code c=} fields. */
    public Builder connections(Collection<Connection> connections) {
      this.connections.clear();
      this.connections.addAll(connections);
      return this;
    }

    /** Appends a {@code b=}. */
    public Builder addBandwidth(Bandwidth bandwidth) {
      bandwidths.add(Objects.requireNonNull(bandwidth, "bandwidth"));
      return this;
    }

    /** Replaces the {@code b=} fields. */
    public Builder bandwidths(Collection<Bandwidth> bandwidths) {
      this.bandwidths.clear();
      this.bandwidths.addAll(bandwidths);
      return this;
    }

    /** Sets the {@code k=} value, or {@code null}. */
    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /** Appends an attribute. */
    public Builder addAttribute(Attribute attribute) {
      attributes.add(Objects.requireNonNull(attribute, "attribute"));
      return this;
    }

    /** Replaces the attributes. */
    public Builder attributes(Collection<Attribute> attributes) {
      this.attributes.clear();
      this.attributes.addAll(attributes);
      return this;
    }

    /** Removes every attribute called {@code name}. */
    public Builder removeAttributes(String name) {
      attributes.removeIf(a -> a.is(name));
      return this;
    }

    /** Appends {@code a=rtpmap}. */
    public Builder addRtpmap(Rtpmap rtpmap) {
      return addAttribute(rtpmap.toAttribute());
    }

    /** Appends {@code a=fmtp}. */
    public Builder addFmtp(Fmtp fmtp) {
      return addAttribute(fmtp.toAttribute());
    }

    /**
     * Replaces any direction attribute with {@code direction} (at the position of the first one,
     * or at the end), or removes them all when {@code direction} is null.
     */
    public Builder direction(Direction direction) {
      int at = -1;
      for (int i = attributes.size() - 1; i >= 0; i--) {
        Attribute a = attributes.get(i);
        if (!a.hasValue() && Direction.fromAttributeName(a.name()) != null) {
          attributes.remove(i);
          at = i;
        }
      }
      if (direction != null) {
        attributes.add(at < 0 ? attributes.size() : at, direction.toAttribute());
      }
      return this;
    }

    /**
     * Builds the media description.
     *
     * @throws IllegalArgumentException if a field is missing or malformed, or no format is given
     */
    public MediaDescription build() {
      SdpSyntax.requireToken("media type", media);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("media port out of range: " + port);
      }
      if (!SdpSyntax.isProto(proto)) {
        throw new IllegalArgumentException(
            "media proto is not token *(\"/\" token): " + SdpSyntax.quote(proto));
      }
      if (formats.isEmpty()) {
        throw new IllegalArgumentException("media formats is empty: m= needs at least one");
      }
      for (String f : formats) {
        SdpSyntax.requireNonWs("media format", f);
      }
      if (information != null) {
        SdpSyntax.requireText("media information", information);
      }
      if (key != null) {
        SdpSyntax.requireText("media key", key);
      }
      for (Object o : connections) {
        Objects.requireNonNull(o, "connection");
      }
      for (Object o : bandwidths) {
        Objects.requireNonNull(o, "bandwidth");
      }
      for (Object o : attributes) {
        Objects.requireNonNull(o, "attribute");
      }
      return new MediaDescription(this);
    }
  }
}
