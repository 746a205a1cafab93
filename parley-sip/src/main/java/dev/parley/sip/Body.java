package dev.parley.sip;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A message body as a range of bytes the message owns (a parsed message's body stays inside the
 * bytes it was parsed from, uncopied). Never handed out: {@link SipMessage#body()} copies.
 */
record Body(byte[] source, int offset, int length) {
  static final Body EMPTY = new Body(new byte[0], 0, 0);

  static Body of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Body(bytes, 0, bytes.length);
  }

  byte[] copy() {
    return Arrays.copyOfRange(source, offset, offset + length);
  }

  String utf8() {
    return new String(source, offset, length, StandardCharsets.UTF_8);
  }

  void copyTo(byte[] out, int at) {
    System.arraycopy(source, offset, out, at, length);
  }

  boolean sameBytes(Body o) {
    return Arrays.equals(source, offset, offset + length, o.source, o.offset, o.offset + o.length);
  }

  int bytesHash() {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + source[i];
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Body b && sameBytes(b);
  }

  @Override
  public int hashCode() {
    return bytesHash();
  }

  @Override
  public String toString() {
    return length + " bytes";
  }
}
