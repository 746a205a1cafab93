package dev.parley.sip;

/**
 * The wire form of header fields ({@code name: value CRLF} each), written straight into a byte
 * array when every character is ASCII: values of a parsed message not decoded yet are copied from
 * its bytes. Used by {@link SipMessage#encode()}; stateless.
 */
final class HeaderWire {
  private HeaderWire() {}

  /**
   * The length of {@code h}'s fields in wire form when every character is ASCII;
   * {@link #writeAscii(Headers, byte[], int)} tells whether they are.
   */
  static int asciiLength(Headers h) {
    String[] values = h.values;
    int[] meta = h.meta;
    int n = 0;
    for (int i = 0; i < h.size; i++) {
      String v = values == null ? null : values[i];
      n += h.spelling(i).length() + 4 + (v != null ? v.length() : meta[i * 2 + 1] - meta[i * 2]);
    }
    return n;
  }

  /**
   * Writes {@code h}'s fields in wire form into {@code out} from {@code p}, copying values not
   * decoded yet straight from the parsed bytes; returns the position after them, or -1 at the
   * first character that is not ASCII (the caller then encodes the text as UTF-8).
   */
  static int writeAscii(Headers h, byte[] out, int p) {
    String[] values = h.values;
    int[] meta = h.meta;
    byte[] source = h.source;
    for (int i = 0; i < h.size && p >= 0; i++) {
      p = writeAscii(h.spelling(i), out, p);
      if (p < 0) {
        return -1;
      }
      out[p++] = ':';
      out[p++] = ' ';
      String v = values == null ? null : values[i];
      if (v != null) {
        p = writeAscii(v, out, p);
      } else {
        int from = meta[i * 2];
        int to = meta[i * 2 + 1];
        for (int j = from; j < to; j++) {
          byte b = source[j];
          if (b < 0) {
            return -1;
          }
          out[p++] = b;
        }
      }
      if (p >= 0) {
        out[p++] = '\r';
        out[p++] = '\n';
      }
    }
    return p;
  }

  /** Writes {@code s} as ASCII into {@code out} from {@code p}; -1 if a character is not ASCII. */
  static int writeAscii(String s, byte[] out, int p) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return -1;
      }
      out[p + i] = (byte) c;
    }
    return p + n;
  }
}
