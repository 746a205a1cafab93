package dev.parley.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a SIP byte stream (TCP) into messages, RFC 3261 §18.3: the header block up to the empty
 * line, then Content-Length bytes of body. CRLFs between messages (RFC 5626 keep-alives) are
 * skipped. Blocking; for {@link MockSipPeer}'s reader threads only, not thread-safe.
 */
final class StreamFramer {
  private final InputStream in;
  private final int maxMessage;

  StreamFramer(InputStream in, int maxMessage) {
    this.in = in;
    this.maxMessage = maxMessage;
  }

  /** The next whole message, or null at the end of the stream. */
  byte[] next() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
    int c;
    do {
      c = in.read();
    } while (c == '\r' || c == '\n');
    if (c < 0) {
      return null;
    }
    head.write(c);
    int tail = c; // the last four bytes, to find CRLF CRLF
    while ((tail & 0xffffffff) != 0x0d0a0d0a) {
      c = in.read();
      if (c < 0) {
        throw new IOException("the stream ended inside a header block of " + head.size()
            + " bytes");
      }
      head.write(c);
      tail = (tail << 8) | c;
      if (head.size() > maxMessage) {
        throw new IOException("header block longer than " + maxMessage + " bytes");
      }
    }
    int length = contentLength(head.toString(StandardCharsets.ISO_8859_1));
    if (head.size() + length > maxMessage) {
      throw new IOException("Content-Length too large: " + length);
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("the stream ended inside a body of " + length + " bytes");
    }
    head.write(body);
    return head.toByteArray();
  }

  /** The value of Content-Length (or its compact form {@code l}), 0 if absent (§20.14). */
  static int contentLength(String head) throws IOException {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).strip();
      if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("l")) {
        try {
          return Integer.parseInt(line.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length: " + line, e);
        }
      }
    }
    return 0;
  }
}
