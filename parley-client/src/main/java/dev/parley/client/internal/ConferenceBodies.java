package dev.parley.client.internal;

import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.Uri;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bodies a conference focus sends (the wire contract of issue 13): relayed messages as
 * {@code message/cpim} (RFC 3862), dial-out progress as {@code message/sipfrag} (RFC 3420), and
 * the delivery results of our MESSAGE as {@code application/vnd.parley.im-results+json}. Only what
 * the client reads; malformed input gives null or an empty result, never an exception.
 */
final class ConferenceBodies {
  /** {@code message/cpim}. */
  static final MediaType CPIM = MediaType.parse("message/cpim");
  /** {@code message/sipfrag}. */
  static final MediaType SIPFRAG = MediaType.parse("message/sipfrag");
  /** The focus's per-recipient results of a MESSAGE. */
  static final MediaType IM_RESULTS = MediaType.parse("application/vnd.parley.im-results+json");
  /** Most results read from one answer (a conference has at most a few hundred participants). */
  static final int MAX_RESULTS = 1000;

  private static final Pattern RESULT = Pattern.compile(
      "\\{\\s*\"uri\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,\\s*\"status\"\\s*:\\s*(\\d{1,3})\\s*\\}"
      + "|\\{\\s*\"status\"\\s*:\\s*(\\d{1,3})\\s*,\\s*\"uri\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\}");
  private static final Pattern STATUS_LINE = Pattern.compile("SIP/2\\.0 (\\d{3}) ?(.*)");

  private ConferenceBodies() {}

  /**
   * A relayed message: who wrote it (the CPIM {@code From}), and the content it wraps.
   *
   * @param sender the original sender's URI
   * @param contentType the inner content's type ({@code text/plain} when it names none)
   * @param content the inner content
   */
  record Cpim(Uri sender, MediaType contentType, byte[] content) {}

  /** The CPIM message in {@code body}, or null when it is not one we can read. */
  static Cpim cpim(byte[] body) {
    int headersEnd = blankLine(body, 0);
    if (headersEnd < 0) {
      return null;
    }
    Uri sender = null;
    for (String line : lines(body, 0, headersEnd)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("From")) {
        try {
          sender = Address.parse(line.substring(colon + 1).strip()).uri();
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    if (sender == null) {
      return null;
    }
    int innerStart = skipBlank(body, headersEnd);
    int innerEnd = blankLine(body, innerStart);
    if (innerEnd < 0) {
      return null;
    }
    MediaType type = MediaType.TEXT_PLAIN;
    for (String line : lines(body, innerStart, innerEnd)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Type")) {
        try {
          type = MediaType.parse(line.substring(colon + 1).strip());
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    byte[] content = Arrays.copyOfRange(body, skipBlank(body, innerEnd), body.length);
    return new Cpim(sender, type, content);
  }

  /** The status code of the status line a sipfrag carries, or -1 when it carries none. */
  static int sipfragStatus(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    int end = text.indexOf('\n');
    String first = (end < 0 ? text : text.substring(0, end)).strip();
    Matcher m = STATUS_LINE.matcher(first);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** One recipient's result as the focus reports it. */
  record Result(String uri, int status) {}

  /** The results of an im-results body, in order (at most {@link #MAX_RESULTS}); empty if none. */
  static List<Result> results(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    List<Result> out = new ArrayList<>();
    Matcher m = RESULT.matcher(text);
    while (m.find() && out.size() < MAX_RESULTS) {
      String uri = m.group(1) != null ? m.group(1) : m.group(4);
      String status = m.group(2) != null ? m.group(2) : m.group(3);
      out.add(new Result(uri.replace("\\/", "/").replace("\\\"", "\"").replace("\\\\", "\\"),
          Integer.parseInt(status)));
    }
    return out;
  }

  /** The offset of the CRLF CRLF (or LF LF) ending the header block that starts at {@code from}. */
  private static int blankLine(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n' && (i + 1 < b.length && b[i + 1] == '\n'
          || i + 2 < b.length && b[i + 1] == '\r' && b[i + 2] == '\n')) {
        return i + 1;
      }
    }
    return -1;
  }

  private static int skipBlank(byte[] b, int at) {
    int i = at;
    if (i < b.length && b[i] == '\r') {
      i++;
    }
    if (i < b.length && b[i] == '\n') {
      i++;
    }
    return i;
  }

  private static List<String> lines(byte[] b, int from, int to) {
    String text = new String(b, from, Math.max(0, to - from), StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (!line.isBlank()) {
        out.add(line);
      }
    }
    return out;
  }
}
