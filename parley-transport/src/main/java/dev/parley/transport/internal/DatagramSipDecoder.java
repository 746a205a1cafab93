package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * The stateless UDP decoder: one datagram is one message (RFC 3261 §18.3). Emits a
 * {@link SipFrame}, failed when the datagram does not parse; a datagram of only CR and LF (a
 * keep-alive) emits nothing. The datagram is released by the superclass.
 *
 * <p>Before a datagram that starts like a request other than ACK is copied or parsed, its sender
 * is checked against the admission test ({@code TransportListener.mayParseDatagram}): a refused
 * datagram emits nothing, so that a flood from one source is dropped for the cost of reading it.
 * Responses and ACKs, which per-source limits let through, are not checked.
 *
 * <p>Sharable: it holds no state.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class DatagramSipDecoder extends MessageToMessageDecoder<DatagramPacket> {
  private final SipParser parser;
  private final Predicate<InetSocketAddress> admission;

  /** A decoder that parses every datagram. */
  public DatagramSipDecoder(SipParser parser) {
    this(parser, source -> true);
  }

  /**
   * A decoder that parses a request's datagram only when {@code admission} accepts its sender;
   * {@code admission} runs on the event loop and must not block.
   */
  public DatagramSipDecoder(SipParser parser, Predicate<InetSocketAddress> admission) {
    super(DatagramPacket.class);
    this.parser = java.util.Objects.requireNonNull(parser, "parser");
    this.admission = java.util.Objects.requireNonNull(admission, "admission");
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    ByteBuf content = packet.content();
    if (isKeepAlive(content)) {
      return;
    }
    if (isRequestOtherThanAck(content) && !admission.test(packet.sender())) {
      return; // refused by its source's limits: dropped before the copy and the parse
    }
    byte[] wire = ByteBufUtil.getBytes(content);
    try {
      SipMessage message = parser.parse(wire);
      out.add(SipFrame.of(wire, message, packet.sender()));
    } catch (SipParseException e) {
      out.add(SipFrame.malformed(wire, e, packet.sender()));
    }
  }

  /**
   * Whether the datagram starts, after CR and LF, like anything but a response ({@code SIP/} in
   * any case, as the parser reads a Status-Line) or an ACK ({@code ACK } and a space; methods are
   * case-sensitive, RFC 3261 §7.1): a request, or bytes that will not parse.
   */
  static boolean isRequestOtherThanAck(ByteBuf content) {
    int i = content.readerIndex();
    int end = content.writerIndex();
    while (i < end && (content.getByte(i) == '\r' || content.getByte(i) == '\n')) {
      i++;
    }
    if (end - i < 4) {
      return true;
    }
    byte b0 = content.getByte(i);
    byte b1 = content.getByte(i + 1);
    byte b2 = content.getByte(i + 2);
    byte b3 = content.getByte(i + 3);
    boolean response = (b0 | 0x20) == 's' && (b1 | 0x20) == 'i' && (b2 | 0x20) == 'p'
        && b3 == '/';
    boolean ack = b0 == 'A' && b1 == 'C' && b2 == 'K' && b3 == ' ';
    return !response && !ack;
  }

  private static boolean isKeepAlive(ByteBuf content) {
    for (int i = content.readerIndex(); i < content.writerIndex(); i++) {
      byte b = content.getByte(i);
      if (b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }
}
