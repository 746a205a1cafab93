package dev.parley.sip.body;

import dev.parley.sip.SipStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@value #CONTENT_TYPE} body (RFC 3420): a SIP message fragment, as the NOTIFYs of a REFER
 * carry it (RFC 3515 §2.4.5): a start line (a status line such as {@code SIP/2.0 200 OK}, or a
 * request line), optional header fields, and after a blank line an optional body.
 *
 * <p>Made with {@link #statusLine(int, String)} (and {@link #withHeader}), read with
 * {@link #parse(byte[])}. Headers are kept as written, not interpreted. Immutable and
 * thread-safe.
 */
public final class SipFrag {
  /** The media type, {@value}. */
  public static final String CONTENT_TYPE = "message/sipfrag";
  /** Largest fragment {@link #parse} reads: {@value} bytes. */
  public static final int MAX_BYTES = 64 * 1024;
  /** Most header fields {@link #parse} reads: {@value}. */
  public static final int MAX_HEADERS = 64;

  private static final String VERSION = "SIP/2.0";

  private final String startLine;
  private final int statusCode;
  private final String reasonPhrase;
  private final List<BodyHeader> headers;
  private final byte[] body;

  private SipFrag(String startLine, int statusCode, String reasonPhrase, List<BodyHeader> headers,
      byte[] body) {
    this.startLine = startLine;
    this.statusCode = statusCode;
    this.reasonPhrase = reasonPhrase;
    this.headers = List.copyOf(headers);
    this.body = body;
  }

  /**
   * The fragment {@code SIP/2.0 <code> <reason>}: what a REFER's NOTIFY reports.
   *
   * @param reasonPhrase the reason phrase, or null for the standard one of {@code code}
   * @throws IllegalArgumentException if the code is not 100..699 or the phrase has a line break
   */
  public static SipFrag statusLine(int code, String reasonPhrase) {
    if (code < 100 || code > 699) {
      throw new IllegalArgumentException("status code out of range: " + code);
    }
    String reason = reasonPhrase != null ? reasonPhrase : SipStatus.reasonPhraseOf(code);
    if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("reason phrase has a line break: " + reason);
    }
    return new SipFrag(VERSION + " " + code + " " + reason, code, reason, List.of(), new byte[0]);
  }

  /**
   * Reads a fragment with a start line (status line or request line), header fields and an
   * optional body after a blank line. Lines end with CRLF; a bare LF is tolerated.
   *
   * @throws BodyFormatException naming the fault, if it is none or larger than {@link #MAX_BYTES}
   */
  public static SipFrag parse(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > MAX_BYTES) {
      throw new BodyFormatException(CONTENT_TYPE + ": " + bytes.length + " bytes, more than "
          + MAX_BYTES);
    }
    BodyText text = new BodyText(bytes, CONTENT_TYPE);
    String start = text.line();
    if (start == null || start.isBlank()) {
      throw new BodyFormatException(CONTENT_TYPE + ": no start line");
    }
    int code = -1;
    String reason = null;
    if (start.startsWith(VERSION + " ")) {
      // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
      String rest = start.substring(VERSION.length() + 1);
      if (rest.length() < 3 || !isDigits(rest.substring(0, 3))
          || (rest.length() > 3 && rest.charAt(3) != ' ')) {
        throw new BodyFormatException(CONTENT_TYPE + ": bad status line: "
            + BodyText.abbreviate(start));
      }
      code = Integer.parseInt(rest.substring(0, 3));
      if (code < 100) {
        throw new BodyFormatException(CONTENT_TYPE + ": status code out of range: " + code);
      }
      reason = rest.length() > 4 ? rest.substring(4) : "";
    } else {
      // Request-Line = Method SP Request-URI SP SIP-Version
      String[] parts = start.split(" ", -1);
      if (parts.length != 3 || !BodyText.isToken(parts[0]) || parts[1].isEmpty()
          || !parts[2].equals(VERSION)) {
        throw new BodyFormatException(CONTENT_TYPE + ": not a start line: "
            + BodyText.abbreviate(start));
      }
    }
    List<BodyHeader> headers = text.headers(CONTENT_TYPE, MAX_HEADERS, false);
    return new SipFrag(start, code, reason, headers, text.rest());
  }

  private static boolean isDigits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** A copy with one more header field. */
  public SipFrag withHeader(String name, String value) {
    List<BodyHeader> h = new ArrayList<>(headers);
    h.add(new BodyHeader(name, value));
    return new SipFrag(startLine, statusCode, reasonPhrase, h, body);
  }

  /** Whether the start line is a status line. */
  public boolean isStatusLine() {
    return statusCode > 0;
  }

  /** The start line as written. */
  public String startLine() {
    return startLine;
  }

  /** The status code, or -1 when the start line is a request line. */
  public int statusCode() {
    return statusCode;
  }

  /** The reason phrase (maybe empty), or null when the start line is a request line. */
  public String reasonPhrase() {
    return reasonPhrase;
  }

  /** Whether this reports a final response (a status line with code 200..699). */
  public boolean isFinal() {
    return statusCode >= 200;
  }

  /** The header fields, in order. */
  public List<BodyHeader> headers() {
    return headers;
  }

  /** The value of the first field named {@code name} (case-insensitive), or null. */
  public String header(String name) {
    return headers.stream().filter(h -> h.is(name)).map(BodyHeader::value).findFirst().orElse(null);
  }

  /** The body after the blank line (a copy; empty when none). */
  public byte[] body() {
    return body.clone();
  }

  /** The wire form: start line and header fields each ended by CRLF, then CRLF and the body if any. */
  public byte[] toBytes() {
    StringBuilder sb = new StringBuilder(startLine.length() + 2 + headers.size() * 32);
    sb.append(startLine).append("\r\n");
    for (BodyHeader h : headers) {
      sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
    }
    if (body.length > 0) {
      sb.append("\r\n");
    }
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SipFrag f && startLine.equals(f.startLine) && headers.equals(f.headers)
        && Arrays.equals(body, f.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(startLine, headers, Arrays.hashCode(body));
  }

  /** The start line (headers and body left out). */
  @Override
  public String toString() {
    return startLine;
  }
}
