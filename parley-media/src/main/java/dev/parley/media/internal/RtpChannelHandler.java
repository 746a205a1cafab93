package dev.parley.media.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * The one handler of an RTP or RTCP channel: hands each datagram to its socket and releases it
 * afterwards; channel errors are counted by the socket. Runs on the channel's event loop.
 */
final class RtpChannelHandler extends ChannelInboundHandlerAdapter {
  private final DatagramRtpSocket socket;
  private final boolean rtcpPort;

  RtpChannelHandler(DatagramRtpSocket socket, boolean rtcpPort) {
    this.socket = socket;
    this.rtcpPort = rtcpPort;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof DatagramPacket p) {
        SpacedSelectStrategy.received(1);
        socket.received(rtcpPort, p.content(), p.sender());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    socket.channelError(cause);
  }
}
