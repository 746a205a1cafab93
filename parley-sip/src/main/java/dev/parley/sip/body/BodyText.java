package dev.parley.sip.body;

import dev.parley.sip.internal.Chars;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Line reading for the text body formats: lines end with CRLF (a bare LF is tolerated), header
 * fields are {@code name ":" value} with folded continuation lines (RFC 3261 §7.3.1). One reader
 * per body; not thread-safe.
 */
final class BodyText {
  private final byte[] bytes;
  private final String what;
  private int pos;

  /** A reader of {@code bytes}; {@code what} (the media type) starts every error message. */
  BodyText(byte[] bytes, String what) {
    this.bytes = bytes;
    this.what = what;
  }

  static boolean isToken(String s) {
    return Chars.all(s, Chars.TOKEN);
  }

  /**
   * The next line without its end (UTF-8), or null at the end of the bytes.
   *
   * @throws BodyFormatException if a CR stands inside the line
   */
  String line() {
    if (pos >= bytes.length) {
      return null;
    }
    int start = pos;
    while (pos < bytes.length && bytes[pos] != '\n') {
      pos++;
    }
    int end = pos;
    if (pos < bytes.length) {
      pos++; // the LF
    }
    if (end > start && bytes[end - 1] == '\r') {
      end--;
    }
    for (int i = start; i < end; i++) {
      if (bytes[i] == '\r') {
        throw new BodyFormatException(what + ": a CR that does not end a line");
      }
    }
    return new String(bytes, start, end - start, StandardCharsets.UTF_8);
  }

  /** Whatever follows, as bytes. */
  byte[] rest() {
    byte[] out = new byte[bytes.length - pos];
    System.arraycopy(bytes, pos, out, 0, out.length);
    pos = bytes.length;
    return out;
  }

  /**
   * Reads header fields up to and including the blank line that ends them.
   *
   * @param what the section's name for messages ({@code "sipfrag"})
   * @param maxFields most fields
   * @param blankLineRequired whether the section must end with a blank line (else the end of the
   *     bytes may end it)
   * @throws BodyFormatException naming the fault
   */
  List<BodyHeader> headers(String what, int maxFields, boolean blankLineRequired) {
    List<String[]> raw = new ArrayList<>();
    while (true) {
      String line = line();
      if (line == null) {
        if (blankLineRequired) {
          throw new BodyFormatException(what + ": headers not ended by a blank line");
        }
        break;
      }
      if (line.isEmpty()) {
        break;
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        if (raw.isEmpty()) {
          throw new BodyFormatException(what + ": continuation line without a header");
        }
        String[] last = raw.get(raw.size() - 1);
        last[1] = last[1].isEmpty() ? line.strip() : last[1] + " " + line.strip();
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new BodyFormatException(what + ": not a header line: " + abbreviate(line));
      }
      String name = line.substring(0, colon).strip();
      if (!isToken(name)) {
        throw new BodyFormatException(what + ": bad header name: " + abbreviate(name));
      }
      if (raw.size() == maxFields) {
        throw new BodyFormatException(what + ": more than " + maxFields + " headers");
      }
      raw.add(new String[] {name, line.substring(colon + 1).strip()});
    }
    List<BodyHeader> out = new ArrayList<>(raw.size());
    for (String[] f : raw) {
      out.add(new BodyHeader(f[0], f[1]));
    }
    return out;
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
