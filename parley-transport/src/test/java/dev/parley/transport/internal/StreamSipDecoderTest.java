package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.ParserConfig;
import dev.parley.sip.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamSipDecoderTest {
  static final String INVITE = "INVITE sip:bob@example.com SIP/2.0\r\n"
      + "Via: SIP/2.0/TCP host.example.com:5060;branch=z9hG4bK776asdhds\r\n"
      + "Max-Forwards: 70\r\n"
      + "To: Bob <sip:bob@example.com>\r\n"
      + "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
      + "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
      + "CSeq: 314159 INVITE\r\n"
      + "Contact: <sip:alice@pc33.example.com;transport=tcp>\r\n"
      + "Content-Type: application/sdp\r\n"
      + "Content-Length: 31\r\n"
      + "\r\n"
      + "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n\r\n";
  static final String OK_COMPACT = "SIP/2.0 200 OK\r\n"
      + "v: SIP/2.0/TCP host.example.com:5060;branch=z9hG4bK776asdhds\r\n"
      + "t: Bob <sip:bob@example.com>;tag=a6c85cf\r\n"
      + "f: Alice <sip:alice@example.com>;tag=1928301774\r\n"
      + "i: a84b4c76e66710@pc33.example.com\r\n"
      + "CSeq: 314159 INVITE\r\n"
      + "l : 0\r\n"
      + "\r\n";
  static final String MESSAGE_BARE_LF = "MESSAGE sip:bob@example.com SIP/2.0\n"
      + "Via: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\n"
      + "To: <sip:bob@example.com>\n"
      + "From: <sip:alice@example.com>;tag=1\n"
      + "Call-ID: 1@h\n"
      + "CSeq: 1 MESSAGE\n"
      + "Content-Length: 5\n"
      + "\n"
      + "hello";

  private static ResourceLeakDetector.Level previous;

  @BeforeAll
  static void paranoid() {
    previous = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  @AfterAll
  static void restore() {
    ResourceLeakDetector.setLevel(previous);
  }

  private static SipParser lenient() {
    return SipParser.builder().policy(dev.parley.sip.CompliancePolicy.LENIENT).build();
  }

  private static ByteBuf buf(byte[] bytes, int from, int to) {
    ByteBuf b = Unpooled.buffer(to - from);
    b.writeBytes(bytes, from, to - from);
    return b;
  }

  /** Feeds the pieces (the last completing a message), checks every input buffer was released, and returns what came out. */
  private static List<SipFrame> feed(EmbeddedChannel ch, List<ByteBuf> pieces) {
    for (ByteBuf piece : pieces) {
      ch.writeInbound(piece);
    }
    for (ByteBuf piece : pieces) {
      assertThat(piece.refCnt()).as("input buffer released once consumed").isZero();
    }
    List<SipFrame> out = new ArrayList<>();
    for (Object o; (o = ch.readInbound()) != null; ) {
      out.add((SipFrame) o);
    }
    return out;
  }

  @Test
  void framesEachMessageWhateverSplitPointItArrivesWith() {
    for (String text : List.of(INVITE, OK_COMPACT, MESSAGE_BARE_LF)) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      for (int split = 0; split <= bytes.length; split++) {
        EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(lenient()));
        List<SipFrame> frames = feed(ch, List.of(buf(bytes, 0, split), buf(bytes, split, bytes.length)));
        assertThat(frames).as("split at %d of %s", split, text.substring(0, 7)).hasSize(1);
        assertThat(frames.get(0).decoderResult().isSuccess()).isTrue();
        assertThat(frames.get(0).wire()).isEqualTo(bytes);
        assertThat(ch.finishAndReleaseAll()).isFalse();
      }
    }
  }

  @Test
  void framesAMessageFedOneByteAtATime() {
    byte[] bytes = INVITE.getBytes(StandardCharsets.UTF_8);
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    List<ByteBuf> pieces = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      pieces.add(buf(bytes, i, i + 1));
    }
    List<SipFrame> frames = feed(ch, pieces);
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).message().bodyAsString()).isEqualTo("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n\r\n");
    ch.finishAndReleaseAll();
  }

  @Test
  void framesPipelinedMessagesInOneBufferAtEverySplitPoint() {
    byte[] bytes = ("\r\n" + INVITE + OK_COMPACT + "\r\n" + INVITE).getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
      List<SipFrame> frames = feed(ch, List.of(buf(bytes, 0, split), buf(bytes, split, bytes.length)));
      assertThat(frames).as("split at %d", split).hasSize(3);
      assertThat(frames).allMatch(f -> f.decoderResult().isSuccess());
      assertThat(frames.get(1).message().isResponse()).isTrue();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void answersADoubleCrlfPingWithASingleCrlfPong() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    assertThat(feed(ch, List.of(Unpooled.copiedBuffer("\r\n\r\n", StandardCharsets.US_ASCII)))).isEmpty();
    ByteBuf pong = ch.readOutbound();
    assertThat(pong.toString(StandardCharsets.US_ASCII)).isEqualTo("\r\n");
    pong.release();
    assertThat((Object) ch.readOutbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void ignoresASingleCrlfKeepAliveBetweenMessages() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    List<SipFrame> frames = feed(ch, List.of(
        Unpooled.copiedBuffer(OK_COMPACT + "\r\n", StandardCharsets.US_ASCII),
        Unpooled.copiedBuffer(OK_COMPACT, StandardCharsets.US_ASCII)));
    assertThat(frames).hasSize(2);
    assertThat((Object) ch.readOutbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void aMessageWithoutContentLengthIsAFramingErrorAndTheRestIsDiscarded() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    String noLength = INVITE.replace("Content-Length: 31\r\n", "");
    List<SipFrame> frames = feed(ch, List.of(
        Unpooled.copiedBuffer(noLength + OK_COMPACT, StandardCharsets.US_ASCII)));
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).isFramingError()).isTrue();
    assertThat(frames.get(0).cause().statusCode()).isEqualTo(400);
    assertThat(frames.get(0).cause().reason()).contains("Content-Length is missing");
    assertThat(feed(ch, List.of(Unpooled.copiedBuffer(OK_COMPACT, StandardCharsets.US_ASCII)))).isEmpty();
    ch.finishAndReleaseAll();
  }

  @Test
  void aNegativeContentLengthIsAFramingError() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    List<SipFrame> frames = feed(ch, List.of(Unpooled.copiedBuffer(
        INVITE.replace("Content-Length: 31", "Content-Length: -31"), StandardCharsets.US_ASCII)));
    assertThat(frames).singleElement().satisfies(f -> {
      assertThat(f.isFramingError()).isTrue();
      assertThat(f.cause().statusCode()).isEqualTo(400);
    });
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeaderSectionOverTheLimitIsRefusedWithoutWaitingForItsEnd() {
    SipParser small = SipParser.builder().config(ParserConfig.builder()
        .maxHeaderSectionSize(256).maxMessageSize(1024).build()).build();
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(small));
    String endless = "INVITE sip:a@b SIP/2.0\r\nSubject: " + "x".repeat(400);
    List<SipFrame> frames = feed(ch, List.of(Unpooled.copiedBuffer(endless, StandardCharsets.US_ASCII)));
    assertThat(frames).singleElement().satisfies(f -> {
      assertThat(f.isFramingError()).isTrue();
      assertThat(f.cause().statusCode()).isEqualTo(513);
    });
    ch.finishAndReleaseAll();
  }

  @Test
  void aContentLengthOverTheMessageLimitIsRefused() {
    SipParser small = SipParser.builder().config(ParserConfig.builder()
        .maxHeaderSectionSize(1024).maxMessageSize(1024).build()).build();
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(small));
    List<SipFrame> frames = feed(ch, List.of(Unpooled.copiedBuffer(
        INVITE.replace("Content-Length: 31", "Content-Length: 100000"), StandardCharsets.US_ASCII)));
    assertThat(frames).singleElement().satisfies(f -> {
      assertThat(f.isFramingError()).isTrue();
      assertThat(f.cause().statusCode()).isEqualTo(513);
    });
    ch.finishAndReleaseAll();
  }

  @Test
  void aFramedMessageThatDoesNotParseFailsAloneAndTheStreamGoesOn() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    String bad = "INVITE sip:bob@example.com SIP/3.0\r\nContent-Length: 0\r\n\r\n";
    List<SipFrame> frames = feed(ch, List.of(Unpooled.copiedBuffer(bad + OK_COMPACT, StandardCharsets.US_ASCII)));
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0).isFramingError()).isFalse();
    assertThat(frames.get(0).cause().statusCode()).isEqualTo(505);
    assertThat(frames.get(1).decoderResult().isSuccess()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void conflictingContentLengthsAreAFramingError() {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(SipParser.create()));
    List<SipFrame> frames = feed(ch, List.of(Unpooled.copiedBuffer(
        OK_COMPACT.replace("l : 0\r\n", "l : 0\r\nContent-Length: 4\r\n"), StandardCharsets.US_ASCII)));
    assertThat(frames).singleElement().satisfies(f -> assertThat(f.isFramingError()).isTrue());
    ch.finishAndReleaseAll();
  }
}
