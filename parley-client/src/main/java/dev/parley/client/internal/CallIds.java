package dev.parley.client.internal;

import java.nio.charset.StandardCharsets;

/**
 * Finds the Call-ID in a raw SIP message without parsing it: a scan of the header lines for
 * {@code Call-ID} or its compact form {@code i} (RFC 3261 §7.3.3, §20.8). Folded lines are not
 * joined (a Call-ID is one word).
 */
final class CallIds {
  private CallIds() {}

  /** The Call-ID value, or null when there is none. */
  static String of(byte[] m) {
    int i = lineEnd(m, 0); // skip the start line
    while (i < m.length) {
      int start = i;
      int end = lineEnd(m, start);
      int contentEnd = end;
      while (contentEnd > start && (m[contentEnd - 1] == '\n' || m[contentEnd - 1] == '\r')) {
        contentEnd--;
      }
      if (contentEnd == start) {
        return null; // the empty line: end of the headers
      }
      int colon = start;
      while (colon < contentEnd && m[colon] != ':') {
        colon++;
      }
      int nameEnd = colon;
      while (nameEnd > start && (m[nameEnd - 1] == ' ' || m[nameEnd - 1] == '\t')) {
        nameEnd--;
      }
      if (colon < contentEnd && isCallId(m, start, nameEnd)) {
        int v = colon + 1;
        while (v < contentEnd && (m[v] == ' ' || m[v] == '\t')) {
          v++;
        }
        int ve = contentEnd;
        while (ve > v && (m[ve - 1] == ' ' || m[ve - 1] == '\t')) {
          ve--;
        }
        return new String(m, v, ve - v, StandardCharsets.UTF_8);
      }
      i = end;
    }
    return null;
  }

  private static boolean isCallId(byte[] m, int start, int end) {
    int len = end - start;
    if (len == 1) {
      return m[start] == 'i' || m[start] == 'I';
    }
    if (len != 7) {
      return false;
    }
    String name = "call-id";
    for (int k = 0; k < 7; k++) {
      int c = m[start + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The index just past the line starting at {@code from} (past its LF), or the array's end. */
  private static int lineEnd(byte[] m, int from) {
    int i = from;
    while (i < m.length && m[i] != '\n') {
      i++;
    }
    return i < m.length ? i + 1 : i;
  }
}
