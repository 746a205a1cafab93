package dev.parley.transport.internal;

import dev.parley.sip.ParserConfig;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The stateful TCP/TLS decoder: frames a byte stream into messages by Content-Length (RFC 3261
 * §18.3) whatever the pieces it arrives in, and emits one {@link SipFrame} per message.
 *
 * <ul>
 *   <li>CR and LF between messages are keep-alives and are skipped; a double CRLF "ping" is
 *       answered with a single CRLF "pong" (RFC 5626 §3.5.1).</li>
 *   <li>A message that is framed but does not parse becomes a failed frame; the stream goes on.</li>
 *   <li>A message that cannot be framed (no or bad Content-Length, header section or message over
 *       the {@link ParserConfig} limits) becomes a failed frame marked as a framing error; the
 *       decoder then discards everything, and the handler answers and closes.</li>
 * </ul>
 *
 * <p>One per channel (not sharable). Cumulated bytes are released by the superclass.
 */
public final class StreamSipDecoder extends ByteToMessageDecoder {
  private static final byte[] PONG = {'\r', '\n'};

  private final SipParser parser;
  private final int maxHeaderSection;
  private final int maxMessage;

  /** Whether a message has started (its first non-CRLF byte is in the buffer). */
  private boolean inMessage;
  /** Where the search for the end of the header section resumes, relative to readerIndex. */
  private int scanFrom;
  /** The whole message's length once its header section is read, else -1. */
  private int frameLength = -1;
  /** Line feeds seen between messages: two make a ping. */
  private int lineFeeds;
  /** Set after a framing error: the rest of the stream is discarded. */
  private boolean failed;
  /** The connection's guard, told when keep-alives leave the stream at rest; may be null. */
  private ConnectionGuard guard;

  public StreamSipDecoder(SipParser parser) {
    this.parser = parser;
    this.maxHeaderSection = parser.config().maxHeaderSectionSize();
    this.maxMessage = parser.config().maxMessageSize();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    guard = ConnectionGuard.of(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.isReadable()) {
      if (!inMessage && !skipKeepAlives(ctx, in)) {
        return;
      }
      if (frameLength < 0 && !readHeaderSection(in, out)) {
        return;
      }
      if (failed || in.readableBytes() < frameLength) {
        break;
      }
      byte[] wire = new byte[frameLength];
      in.readBytes(wire);
      inMessage = false;
      scanFrom = 0;
      frameLength = -1;
      try {
        SipMessage message = parser.parse(wire);
        out.add(SipFrame.of(wire, message, null));
      } catch (SipParseException e) {
        out.add(SipFrame.malformed(wire, e, null));
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  /** Skips CRLF keep-alives; answers a ping. Returns whether a message starts in the buffer. */
  private boolean skipKeepAlives(ChannelHandlerContext ctx, ByteBuf in) {
    while (in.isReadable()) {
      byte b = in.getByte(in.readerIndex());
      if (b == '\n') {
        if (++lineFeeds == 2) {
          lineFeeds = 0;
          ctx.writeAndFlush(Unpooled.wrappedBuffer(PONG));
        }
      } else if (b != '\r') {
        lineFeeds = 0;
        inMessage = true;
        return true;
      }
      in.skipBytes(1);
    }
    if (guard != null) {
      guard.rested(); // only keep-alives so far: a sender of CRLFs is not slow, it is idle
    }
    return false;
  }

  /**
   * Finds the end of the header section and the Content-Length. Returns whether the frame length
   * is known; on a framing error adds the failed frame and sets {@link #failed}.
   */
  private boolean readHeaderSection(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int limit = in.writerIndex();
    int bodyStart = -1;
    for (int i = start + scanFrom; i < limit; i++) {
      i = in.indexOf(i, limit, (byte) '\n');
      if (i < 0) {
        break;
      }
      if (i + 1 < limit && in.getByte(i + 1) == '\n') {
        bodyStart = i + 2;
        break;
      }
      if (i + 2 < limit && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
        bodyStart = i + 3;
        break;
      }
      if (i + 2 >= limit) {
        break; // the terminator may be completed by the next read
      }
    }
    int available = limit - start;
    if (bodyStart < 0) {
      if (available > maxHeaderSection + 3) {
        fail(in, out, maxHeaderSection, new SipParseException(
            "header section exceeds the limit of " + maxHeaderSection + " bytes", 1, 1, 513));
        return false;
      }
      scanFrom = Math.max(0, available - 3);
      return false;
    }
    int headLength = bodyStart - start;
    if (headLength > maxHeaderSection + 3) {
      fail(in, out, maxHeaderSection, new SipParseException(
          "header section exceeds the limit of " + maxHeaderSection + " bytes", 1, 1, 513));
      return false;
    }
    long contentLength;
    try {
      contentLength = contentLength(in, start, bodyStart);
    } catch (SipParseException e) {
      fail(in, out, headLength, e);
      return false;
    }
    if (headLength + contentLength > maxMessage) {
      fail(in, out, headLength, new SipParseException("message of " + (headLength + contentLength)
          + " bytes exceeds the limit of " + maxMessage, 1, 1, 513));
      return false;
    }
    frameLength = (int) (headLength + contentLength);
    return true;
  }

  private void fail(ByteBuf in, List<Object> out, int keep, SipParseException e) {
    byte[] head = ByteBufUtil.getBytes(in, in.readerIndex(), Math.min(keep, in.readableBytes()));
    out.add(SipFrame.framingError(head, e));
    failed = true;
    in.skipBytes(in.readableBytes());
  }

  /**
   * The value of the Content-Length (or compact {@code l}) field in the header section from
   * {@code start} to {@code end}.
   *
   * @throws SipParseException 400 when it is absent, not a number, or given twice differently
   */
  private static long contentLength(ByteBuf in, int start, int end) {
    long found = -1;
    int line = 1;
    int lineStart = in.indexOf(start, end, (byte) '\n') + 1; // skip the start line
    while (lineStart > 0 && lineStart < end) {
      line++;
      int lf = in.indexOf(lineStart, end, (byte) '\n');
      int lineEnd = lf < 0 ? end : lf;
      int colon = nameEnd(in, lineStart, lineEnd);
      if (colon > 0) {
        long value = digits(in, colon + 1, lineEnd, line);
        if (found >= 0 && value != found) {
          throw new SipParseException("conflicting Content-Length headers: " + found + " and "
              + value, line, 1, 400);
        }
        found = value;
      }
      lineStart = lf < 0 ? -1 : lf + 1;
    }
    if (found < 0) {
      throw new SipParseException(
          "Content-Length is missing (mandatory on stream transports, RFC 3261 §18.3)", 1, 1, 400);
    }
    return found;
  }

  /** The colon's index when the line names Content-Length or {@code l}, else -1. */
  private static int nameEnd(ByteBuf in, int from, int to) {
    int i = from;
    while (i < to && isTokenChar(in.getByte(i))) {
      i++;
    }
    int nameLength = i - from;
    boolean matches = nameLength == 1 ? (in.getByte(from) | 0x20) == 'l'
        : nameLength == 14 && equalsIgnoreCase(in, from, "content-length");
    if (!matches) {
      return -1;
    }
    while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
      i++;
    }
    return i < to && in.getByte(i) == ':' ? i : -1;
  }

  private static long digits(ByteBuf in, int from, int to, int line) {
    int i = from;
    while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
      i++;
    }
    long value = 0;
    int digits = 0;
    while (i < to && in.getByte(i) >= '0' && in.getByte(i) <= '9' && digits < 11) {
      value = value * 10 + (in.getByte(i) - '0');
      digits++;
      i++;
    }
    while (i < to && (in.getByte(i) == ' ' || in.getByte(i) == '\t' || in.getByte(i) == '\r')) {
      i++;
    }
    if (digits == 0 || i != to || value > Integer.MAX_VALUE) {
      throw new SipParseException("Content-Length is not a number of bytes", line, 1, 400);
    }
    return value;
  }

  private static boolean equalsIgnoreCase(ByteBuf in, int from, String lower) {
    for (int k = 0; k < lower.length(); k++) {
      if ((in.getByte(from + k) | 0x20) != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTokenChar(byte b) {
    return b > ' ' && b < 127 && b != ':';
  }
}
