package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * The stateless UDP decoder: one datagram is one message (RFC 3261 §18.3). Emits a
 * {@link SipFrame}, failed when the datagram does not parse; a datagram of only CR and LF (a
 * keep-alive) emits nothing. The datagram is released by the superclass.
 *
 * <p>Sharable: it holds no state.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class DatagramSipDecoder extends MessageToMessageDecoder<DatagramPacket> {
  private final SipParser parser;

  public DatagramSipDecoder(SipParser parser) {
    super(DatagramPacket.class);
    this.parser = parser;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
    ByteBuf content = packet.content();
    if (isKeepAlive(content)) {
      return;
    }
    byte[] wire = ByteBufUtil.getBytes(content);
    try {
      SipMessage message = parser.parse(wire);
      out.add(SipFrame.of(wire, message, packet.sender()));
    } catch (SipParseException e) {
      out.add(SipFrame.malformed(wire, e, packet.sender()));
    }
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
