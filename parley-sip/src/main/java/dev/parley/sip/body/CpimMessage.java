package dev.parley.sip.body;

import dev.parley.sip.MediaType;
import dev.parley.sip.SipParseException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@value #CONTENT_TYPE} body (RFC 3862 §3): message headers ({@code From}, {@code To},
 * {@code DateTime}, {@code Subject}, {@code NS}, {@code Require} and any other), a blank line,
 * the encapsulated MIME object's headers (at least {@code Content-Type}), a blank line, and its
 * content. A conference focus relays each participant's MESSAGE to the others in one, naming the
 * sender in {@code From} and the conference in {@code To}.
 *
 * <p>Made with {@link #builder()}, read with {@link #parse(byte[])}: strict about the two blank
 * lines and the Content-Type, tolerant of headers it does not know (kept in order, as written).
 * Lines end with CRLF; a bare LF is tolerated on reading. Immutable and thread-safe.
 */
public final class CpimMessage {
  /** The media type, {@value}. */
  public static final String CONTENT_TYPE = "message/cpim";
  /** Largest message {@link #parse} reads: {@value} bytes. */
  public static final int MAX_BYTES = 256 * 1024;
  /** Most header fields per section {@link #parse} reads: {@value}. */
  public static final int MAX_HEADERS = 64;

  private final List<BodyHeader> headers;
  private final List<BodyHeader> contentHeaders;
  private final MediaType contentType;
  private final byte[] content;

  private CpimMessage(List<BodyHeader> headers, List<BodyHeader> contentHeaders,
      MediaType contentType, byte[] content) {
    this.headers = List.copyOf(headers);
    this.contentHeaders = List.copyOf(contentHeaders);
    this.contentType = contentType;
    this.content = content;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a message.
   *
   * @throws BodyFormatException naming the fault: a section not ended by a blank line, a bad
   *     header line, no or a bad Content-Type, a bad DateTime, or more than {@link #MAX_BYTES}
   */
  public static CpimMessage parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > MAX_BYTES) {
      throw new BodyFormatException(CONTENT_TYPE + ": " + bytes.length + " bytes, more than "
          + MAX_BYTES);
    }
    BodyText text = new BodyText(bytes, CONTENT_TYPE);
    List<BodyHeader> headers = text.headers(CONTENT_TYPE, MAX_HEADERS, true);
    List<BodyHeader> contentHeaders = text.headers(CONTENT_TYPE + " content", MAX_HEADERS, true);
    for (BodyHeader h : headers) {
      if (h.is("DateTime")) {
        dateTime(h.value());
      }
    }
    return new CpimMessage(headers, contentHeaders, contentType(contentHeaders), text.rest());
  }

  private static MediaType contentType(List<BodyHeader> contentHeaders) {
    String value = first(contentHeaders, "Content-Type");
    if (value == null) {
      throw new BodyFormatException(CONTENT_TYPE + ": content without Content-Type");
    }
    try {
      return MediaType.parse(value);
    } catch (SipParseException e) {
      throw new BodyFormatException(CONTENT_TYPE + ": bad Content-Type: " + value);
    }
  }

  private static OffsetDateTime dateTime(String value) {
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeException e) {
      throw new BodyFormatException(CONTENT_TYPE + ": bad DateTime: " + value);
    }
  }

  private static String first(List<BodyHeader> headers, String name) {
    return headers.stream().filter(h -> h.is(name)).map(BodyHeader::value).findFirst().orElse(null);
  }

  /** The message headers, in order, as written. */
  public List<BodyHeader> headers() {
    return headers;
  }

  /** The value of the first message header named {@code name} (case-insensitive), or null. */
  public String header(String name) {
    return first(headers, name);
  }

  /** The values of every message header named {@code name} (case-insensitive), in order. */
  public List<String> headers(String name) {
    return headers.stream().filter(h -> h.is(name)).map(BodyHeader::value).toList();
  }

  /** The From value as written ({@code Alice <sip:alice@h>}), or null. */
  public String from() {
    return header("From");
  }

  /** The URI of From (the text between its angle brackets), or null. */
  public String fromUri() {
    return uriOf(from());
  }

  /** The URIs of every To, in order. */
  public List<String> toUris() {
    return headers("To").stream().map(CpimMessage::uriOf).filter(Objects::nonNull).toList();
  }

  /** DateTime, or null when absent. */
  public OffsetDateTime dateTime() {
    String v = header("DateTime");
    return v == null ? null : dateTime(v);
  }

  /** The first Subject, or null. */
  public String subject() {
    return header("Subject");
  }

  /** The encapsulated object's headers (Content-Type first when built here), as written. */
  public List<BodyHeader> contentHeaders() {
    return contentHeaders;
  }

  /** The encapsulated object's Content-Type. */
  public MediaType contentType() {
    return contentType;
  }

  /** The encapsulated content (a copy). */
  public byte[] content() {
    return content.clone();
  }

  /** The encapsulated content as UTF-8 text. */
  public String contentText() {
    return new String(content, StandardCharsets.UTF_8);
  }

  /** The wire form: headers, CRLF, content headers, CRLF, content. */
  public byte[] toBytes() {
    StringBuilder sb = new StringBuilder(256);
    for (BodyHeader h : headers) {
      sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    sb.append("\r\n");
    for (BodyHeader h : contentHeaders) {
      sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length + content.length);
    System.arraycopy(content, 0, out, head.length, content.length);
    return out;
  }

  private static String uriOf(String value) {
    if (value == null) {
      return null;
    }
    int open = value.lastIndexOf('<');
    int close = value.lastIndexOf('>');
    return open >= 0 && close > open ? value.substring(open + 1, close) : null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CpimMessage m && headers.equals(m.headers)
        && contentHeaders.equals(m.contentHeaders) && Arrays.equals(content, m.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(headers, contentHeaders, Arrays.hashCode(content));
  }

  @Override
  public String toString() {
    return "CpimMessage{from=" + from() + ", " + contentType + ", " + content.length + " bytes}";
  }

  /** Builds a {@link CpimMessage}; not thread-safe. */
  public static final class Builder {
    private final List<BodyHeader> headers = new ArrayList<>();
    private final List<BodyHeader> contentHeaders = new ArrayList<>();
    private MediaType contentType;
    private byte[] content = new byte[0];

    private Builder() {}

    /** Appends {@code From: <uri>}. */
    public Builder from(String uri) {
      return header("From", nameAddr(null, uri));
    }

    /** Appends {@code From: "displayName" <uri>} (no display name when null). */
    public Builder from(String displayName, String uri) {
      return header("From", nameAddr(displayName, uri));
    }

    /** Appends {@code To: <uri>}. */
    public Builder to(String uri) {
      return header("To", nameAddr(null, uri));
    }

    /** Appends {@code DateTime:} in RFC 3339 form. */
    public Builder dateTime(OffsetDateTime dateTime) {
      return header("DateTime", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
          Objects.requireNonNull(dateTime, "dateTime")));
    }

    /** Appends {@code Subject:}. */
    public Builder subject(String subject) {
      return header("Subject", subject);
    }

    /**
     * Appends any message header ({@code NS}, {@code Require}, {@code cc}, an extension).
     *
     * @throws IllegalArgumentException if the name is not a token or the value has a line break
     */
    public Builder header(String name, String value) {
      headers.add(new BodyHeader(name, value));
      return this;
    }

    /** Sets the content's type (written as the first content header). */
    public Builder contentType(MediaType contentType) {
      this.contentType = Objects.requireNonNull(contentType, "contentType");
      return this;
    }

    /**
     * Appends a content header other than Content-Type ({@code Content-ID}, ...).
     *
     * @throws IllegalArgumentException if it is Content-Type, the name is not a token or the
     *     value has a line break
     */
    public Builder contentHeader(String name, String value) {
      if (name.equalsIgnoreCase("Content-Type")) {
        throw new IllegalArgumentException("set Content-Type with contentType(...)");
      }
      contentHeaders.add(new BodyHeader(name, value));
      return this;
    }

    /** Sets the content (copied). */
    public Builder content(byte[] content) {
      this.content = Objects.requireNonNull(content, "content").clone();
      return this;
    }

    /** Sets the content to {@code text} in UTF-8. */
    public Builder content(String text) {
      this.content = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * The message.
     *
     * @throws IllegalStateException if no content type is set
     */
    public CpimMessage build() {
      if (contentType == null) {
        throw new IllegalStateException("contentType is not set");
      }
      List<BodyHeader> all = new ArrayList<>(contentHeaders.size() + 1);
      all.add(new BodyHeader("Content-Type", contentType.toString()));
      all.addAll(contentHeaders);
      return new CpimMessage(headers, all, contentType, content);
    }

    private static String nameAddr(String displayName, String uri) {
      Objects.requireNonNull(uri, "uri");
      if (uri.isEmpty() || uri.indexOf('<') >= 0 || uri.indexOf('>') >= 0
          || uri.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException("not a URI: " + uri);
      }
      if (displayName == null) {
        return "<" + uri + ">";
      }
      String quoted = displayName.replace("\\", "\\\\").replace("\"", "\\\"");
      return "\"" + quoted + "\" <" + uri + ">";
    }
  }
}
