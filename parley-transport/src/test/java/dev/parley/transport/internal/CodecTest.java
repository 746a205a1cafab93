package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import dev.parley.sip.SipResponse;
import dev.parley.transport.TraceEvent;
import dev.parley.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5070);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5060);

  @Test
  void datagramDecoderTurnsOneDatagramIntoOneFrameAndReleasesIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new DatagramSipDecoder(SipParser.create()));
    ByteBuf content = Unpooled.copiedBuffer(StreamSipDecoderTest.OK_COMPACT, StandardCharsets.US_ASCII);
    ch.writeInbound(new DatagramPacket(content, LOCAL, PEER));
    SipFrame frame = ch.readInbound();
    assertThat(frame.message().isResponse()).isTrue();
    assertThat(frame.sender()).isEqualTo(PEER);
    assertThat(content.refCnt()).isZero();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void datagramDecoderFailsGarbageAndDropsCrlfKeepAlives() {
    EmbeddedChannel ch = new EmbeddedChannel(new DatagramSipDecoder(SipParser.create()));
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0, 1, 2, 3, (byte) 0xff});
    ByteBuf keepAlive = Unpooled.copiedBuffer("\r\n\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(new DatagramPacket(garbage, LOCAL, PEER));
    ch.writeInbound(new DatagramPacket(keepAlive, LOCAL, PEER));
    SipFrame frame = ch.readInbound();
    assertThat(frame.decoderResult().isFailure()).isTrue();
    assertThat((Object) ch.readInbound()).isNull();
    assertThat(garbage.refCnt()).isZero();
    assertThat(keepAlive.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void datagramDecoderAsksBeforeParsingARequestAndDropsWhatIsRefusedUnparsed() {
    List<InetSocketAddress> asked = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(new DatagramSipDecoder(SipParser.create(),
        source -> {
          asked.add(source);
          return false;
        }));
    ByteBuf request = Unpooled.copiedBuffer(StreamSipDecoderTest.INVITE, StandardCharsets.US_ASCII);
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0, 1, 2, 3, (byte) 0xff});
    ByteBuf response = Unpooled.copiedBuffer(StreamSipDecoderTest.OK_COMPACT,
        StandardCharsets.US_ASCII);
    ByteBuf ack = Unpooled.copiedBuffer("ACK sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n"
        + "From: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\n"
        + "Call-ID: a1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n", StandardCharsets.US_ASCII);
    ch.writeInbound(new DatagramPacket(request, LOCAL, PEER));
    ch.writeInbound(new DatagramPacket(garbage, LOCAL, PEER));
    assertThat((Object) ch.readInbound()).as("a refused request and refused garbage: nothing")
        .isNull();
    assertThat(asked).containsExactly(PEER, PEER);
    ch.writeInbound(new DatagramPacket(response, LOCAL, PEER));
    ch.writeInbound(new DatagramPacket(ack, LOCAL, PEER));
    SipFrame first = ch.readInbound();
    SipFrame second = ch.readInbound();
    assertThat(first.message().isResponse()).as("a response is not asked about").isTrue();
    assertThat(second.message().isRequest()).as("nor an ACK").isTrue();
    assertThat(asked).hasSize(2);
    assertThat(request.refCnt()).isZero();
    assertThat(garbage.refCnt()).isZero();
    assertThat(response.refCnt()).isZero();
    assertThat(ack.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void onlyResponsesAndAcksStartLikeSomethingOtherThanARequest() {
    for (String s : List.of("SIP/2.0 200 OK\r\n", "sip/2.0 200 OK", "\r\n\r\nSIP/2.0 100",
        "ACK sip:a@b SIP/2.0")) {
      assertThat(DatagramSipDecoder.isRequestOtherThanAck(Unpooled.copiedBuffer(s,
          StandardCharsets.US_ASCII))).as(s).isFalse();
    }
    for (String s : List.of("OPTIONS sip:a@b SIP/2.0", "ack sip:a@b SIP/2.0", "ACKS sip:a@b",
        "SIP", " SIP/2.0 200 OK", "\u0000\u0001")) {
      assertThat(DatagramSipDecoder.isRequestOtherThanAck(Unpooled.copiedBuffer(s,
          StandardCharsets.US_ASCII))).as(s).isTrue();
    }
  }

  @Test
  void encodersWriteTheWireBytesAndTraceThem() {
    Tracer tracer = new Tracer();
    List<TraceEvent> events = new ArrayList<>();
    tracer.add(events::add);
    SipResponse ok = (SipResponse) SipParser.create().parse(StreamSipDecoderTest.OK_COMPACT);
    EmbeddedChannel stream = new EmbeddedChannel(new StreamSipEncoder(Transport.TCP, tracer));
    stream.writeOutbound(Outgoing.of(ok));
    ByteBuf out = stream.readOutbound();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(new String(ok.encode(), StandardCharsets.UTF_8));
    out.release();
    EmbeddedChannel ws = new EmbeddedChannel(new WebSocketSipEncoder(Transport.WS, tracer));
    ws.writeOutbound(Outgoing.of(ok));
    TextWebSocketFrame frame = ws.readOutbound();
    assertThat(frame.text()).startsWith("SIP/2.0 200 OK");
    frame.release();
    assertThat(events).hasSize(2).allMatch(e -> e.direction() == TraceEvent.Direction.SENT);
    assertThat(events.get(0).bytes()).isEqualTo(ok.encode());
  }

  @Test
  void webSocketDecoderTurnsOneTextFrameIntoOneMessage() {
    EmbeddedChannel ch = new EmbeddedChannel(new WebSocketSipDecoder(SipParser.create()));
    TextWebSocketFrame in = new TextWebSocketFrame(StreamSipDecoderTest.INVITE);
    ch.writeInbound(in);
    SipFrame frame = ch.readInbound();
    assertThat(frame.message().isRequest()).isTrue();
    assertThat(in.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }
}
