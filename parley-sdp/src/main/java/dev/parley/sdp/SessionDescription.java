package dev.parley.sdp;

import dev.parley.sdp.internal.SdpSyntax;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A session description (RFC 8866, formerly RFC 4566): the session-level fields and the media
 * descriptions, as carried in a SIP body of type {@code application/sdp}.
 *
 * <p>Read one with {@link #parse(String)} (the lenient {@link SdpParser#DEFAULT}) or a configured
 * {@link SdpParser}; write one with {@link #toString()} or {@link #encode()}, which produce CRLF
 * lines in RFC 8866 §5 order, so that {@code parse(d.toString()).equals(d)}. Build or change one
 * with {@link #builder()} and {@link #toBuilder()}.
 *
 * <p>Immutable and thread-safe. {@link Builder#build()} throws {@link IllegalArgumentException}
 * naming the bad field; parsing throws only {@link SdpParseException}.
 */
public final class SessionDescription {
  private final Origin origin;
  private final String sessionName;
  private final String information;
  private final String uri;
  private final List<String> emails;
  private final List<String> phones;
  private final Connection connection;
  private final List<Bandwidth> bandwidths;
  private final List<Timing> timings;
  private final String zoneAdjustments;
  private final String key;
  private final List<Attribute> attributes;
  private final List<MediaDescription> media;
  private final Set<SdpViolation> violations;

  private SessionDescription(Builder b) {
    this.origin = b.origin;
    this.sessionName = b.sessionName;
    this.information = b.information;
    this.uri = b.uri;
    this.emails = List.copyOf(b.emails);
    this.phones = List.copyOf(b.phones);
    this.connection = b.connection;
    this.bandwidths = List.copyOf(b.bandwidths);
    this.timings = b.timings.isEmpty() ? List.of(Timing.UNBOUNDED) : List.copyOf(b.timings);
    this.zoneAdjustments = b.zoneAdjustments;
    this.key = b.key;
    this.attributes = List.copyOf(b.attributes);
    this.media = List.copyOf(b.media);
    this.violations = b.violations.isEmpty()
        ? Collections.emptySet()
        : Collections.unmodifiableSet(EnumSet.copyOf(b.violations));
  }

  /**
   * Parses {@code text} with {@link SdpParser#DEFAULT} (lenient, default limits).
   *
   * @throws SdpParseException if the text is not an acceptable session description
   */
  public static SessionDescription parse(String text) {
    return SdpParser.DEFAULT.parse(text);
  }

  /**
   * Parses UTF-8 {@code bytes} with {@link SdpParser#DEFAULT} (lenient, default limits).
   *
   * @throws SdpParseException if the bytes are not an acceptable session description
   */
  public static SessionDescription parse(byte[] bytes) {
    return SdpParser.DEFAULT.parse(bytes);
  }

  /** A builder; set at least the origin. The session name defaults to {@code "-"}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this description's fields (but not its {@link #violations()}). */
  public Builder toBuilder() {
    Builder b = new Builder().origin(origin).sessionName(sessionName).information(information)
        .uri(uri).connection(connection).zoneAdjustments(zoneAdjustments).key(key);
    b.emails.addAll(emails);
    b.phones.addAll(phones);
    b.bandwidths.addAll(bandwidths);
    b.timings.addAll(timings);
    b.attributes.addAll(attributes);
    b.media.addAll(media);
    return b;
  }

  /** The protocol version {@code v=}, always 0. */
  public int version() {
    return 0;
  }

  /** The origin {@code o=}. */
  public Origin origin() {
    return origin;
  }

  /** The session name {@code s=}, never empty. */
  public String sessionName() {
    return sessionName;
  }

  /** The session information {@code i=}, or {@code null}. */
  public String information() {
    return information;
  }

  /** The URI {@code u=}, or {@code null}. */
  public String uri() {
    return uri;
  }

  /** The {@code e=} values, verbatim. */
  public List<String> emails() {
    return emails;
  }

  /** The {@code p=} values, verbatim. */
  public List<String> phones() {
    return phones;
  }

  /** The session-level {@code c=}, or {@code null}. */
  public Connection connection() {
    return connection;
  }

  /** The session-level {@code b=} fields. */
  public List<Bandwidth> bandwidths() {
    return bandwidths;
  }

  /** The time descriptions ({@code t=} and their {@code r=}), at least one. */
  public List<Timing> timings() {
    return timings;
  }

  /** The {@code z=} value, verbatim, or {@code null}. */
  public String zoneAdjustments() {
    return zoneAdjustments;
  }

  /** The obsolete session-level {@code k=} value, verbatim, or {@code null}. */
  public String key() {
    return key;
  }

  /** The session-level attributes, in order. */
  public List<Attribute> attributes() {
    return attributes;
  }

  /** The first session-level attribute called {@code name}. */
  public Optional<Attribute> attribute(String name) {
    return MediaDescription.firstAttribute(attributes, name);
  }

  /** The media descriptions, in order. */
  public List<MediaDescription> media() {
    return media;
  }

  /** The session-level direction attribute, if any. */
  public Optional<Direction> direction() {
    return MediaDescription.directionOf(attributes);
  }

  /**
   * The direction in effect for {@code m}: its own direction attribute, else the session-level
   * one, else {@link Direction#SENDRECV} (RFC 8866 §6.7, RFC 3264 §5.1).
   */
  public Direction direction(MediaDescription m) {
    Objects.requireNonNull(m, "media");
    return m.direction().or(this::direction).orElse(Direction.SENDRECV);
  }

  /** The connections in effect for {@code m}: its own {@code c=} fields, else the session's. */
  public List<Connection> connections(MediaDescription m) {
    Objects.requireNonNull(m, "media");
    if (!m.connections().isEmpty()) {
      return m.connections();
    }
    return connection == null ? List.of() : List.of(connection);
  }

  /**
   * The violations the parser repaired to produce this description (empty for a built one).
   * Not part of {@link #equals}: two descriptions that write the same text are equal.
   */
  public Set<SdpViolation> violations() {
    return violations;
  }

  /** The description as UTF-8 bytes, as {@link #toString()} writes it. */
  public byte[] encode() {
    return toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SessionDescription)) {
      return false;
    }
    SessionDescription that = (SessionDescription) o;
    return origin.equals(that.origin) && sessionName.equals(that.sessionName)
        && Objects.equals(information, that.information) && Objects.equals(uri, that.uri)
        && emails.equals(that.emails) && phones.equals(that.phones)
        && Objects.equals(connection, that.connection) && bandwidths.equals(that.bandwidths)
        && timings.equals(that.timings) && Objects.equals(zoneAdjustments, that.zoneAdjustments)
        && Objects.equals(key, that.key) && attributes.equals(that.attributes)
        && media.equals(that.media);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, sessionName, information, uri, emails, phones, connection,
        bandwidths, timings, zoneAdjustments, key, attributes, media);
  }

  /** The description as written: CRLF lines in RFC 8866 §5 order. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(256);
    SdpWriter.write(this, b);
    return b.toString();
  }

  /** Builds a {@link SessionDescription}. Not thread-safe. */
  public static final class Builder {
    private Origin origin;
    private String sessionName = "-";
    private String information;
    private String uri;
    private final List<String> emails = new ArrayList<>();
    private final List<String> phones = new ArrayList<>();
    private Connection connection;
    private final List<Bandwidth> bandwidths = new ArrayList<>();
    private final List<Timing> timings = new ArrayList<>();
    private String zoneAdjustments;
    private String key;
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<MediaDescription> media = new ArrayList<>();
    private final EnumSet<SdpViolation> violations = EnumSet.noneOf(SdpViolation.class);

    private Builder() {}

    /** Sets the origin. */
    public Builder origin(Origin origin) {
      this.origin = origin;
      return this;
    }

    /** Sets the session name (non-empty; {@code "-"} when there is no meaningful name). */
    public Builder sessionName(String sessionName) {
      this.sessionName = sessionName;
      return this;
    }

    /** Sets {@code i=}, or {@code null}. */
    public Builder information(String information) {
      this.information = information;
      return this;
    }

    /** Sets {@code u=}, or {@code null}. */
    public Builder uri(String uri) {
      this.uri = uri;
      return this;
    }

    /** Appends an {@code e=}. */
    public Builder addEmail(String email) {
      emails.add(email);
      return this;
    }

    /** Appends a {@code p=}. */
    public Builder addPhone(String phone) {
      phones.add(phone);
      return this;
    }

    /** Sets the session-level {@code c=}, or {@code null}. */
    public Builder connection(Connection connection) {
      this.connection = connection;
      return this;
    }

    /** Appends a session-level {@code b=}. */
    public Builder addBandwidth(Bandwidth bandwidth) {
      bandwidths.add(Objects.requireNonNull(bandwidth, "bandwidth"));
      return this;
    }

    /** Replaces the session-level {@code b=} fields. */
    public Builder bandwidths(Collection<Bandwidth> bandwidths) {
      this.bandwidths.clear();
      this.bandwidths.addAll(bandwidths);
      return this;
    }

    /** Appends a time description; with none, {@code build()} uses {@link Timing#UNBOUNDED}. */
    public Builder addTiming(Timing timing) {
      timings.add(Objects.requireNonNull(timing, "timing"));
      return this;
    }

    /** Replaces the time descriptions. */
    public Builder timings(Collection<Timing> timings) {
      this.timings.clear();
      this.timings.addAll(timings);
      return this;
    }

    /** Sets the {@code z=} value, or {@code null}. */
    public Builder zoneAdjustments(String zoneAdjustments) {
      this.zoneAdjustments = zoneAdjustments;
      return this;
    }

    /** Sets the session-level {@code k=} value, or {@code null}. */
    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /** Appends a session-level attribute. */
    public Builder addAttribute(Attribute attribute) {
      attributes.add(Objects.requireNonNull(attribute, "attribute"));
      return this;
    }

    /** Replaces the session-level attributes. */
    public Builder attributes(Collection<Attribute> attributes) {
      this.attributes.clear();
      this.attributes.addAll(attributes);
      return this;
    }

    /** Removes every session-level attribute called {@code name}. */
    public Builder removeAttributes(String name) {
      attributes.removeIf(a -> a.is(name));
      return this;
    }

    /** Appends a media description. */
    public Builder addMedia(MediaDescription media) {
      this.media.add(Objects.requireNonNull(media, "media"));
      return this;
    }

    /** Replaces the media descriptions. */
    public Builder media(Collection<MediaDescription> media) {
      this.media.clear();
      this.media.addAll(media);
      return this;
    }

    /** Replaces the media description at {@code index}. */
    public Builder setMedia(int index, MediaDescription media) {
      this.media.set(index, Objects.requireNonNull(media, "media"));
      return this;
    }

    Builder violation(SdpViolation violation) {
      violations.add(violation);
      return this;
    }

    /**
     * Builds the description.
     *
     * @throws IllegalArgumentException if the origin is missing or a field is malformed
     */
    public SessionDescription build() {
      if (origin == null) {
        throw new IllegalArgumentException("origin is missing: o= is required");
      }
      SdpSyntax.requireText("sessionName", sessionName);
      optionalText("information", information);
      optionalText("uri", uri);
      optionalText("zoneAdjustments", zoneAdjustments);
      optionalText("key", key);
      for (String e : emails) {
        SdpSyntax.requireText("email", e);
      }
      for (String p : phones) {
        SdpSyntax.requireText("phone", p);
      }
      noNulls("bandwidth", bandwidths);
      noNulls("timing", timings);
      noNulls("attribute", attributes);
      noNulls("media", media);
      return new SessionDescription(this);
    }

    private static void optionalText(String field, String value) {
      if (value != null) {
        SdpSyntax.requireText(field, value);
      }
    }

    private static void noNulls(String field, List<?> list) {
      for (Object o : list) {
        Objects.requireNonNull(o, field);
      }
    }
  }
}
