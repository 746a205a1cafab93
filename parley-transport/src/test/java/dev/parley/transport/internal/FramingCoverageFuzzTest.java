package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.ParserConfig;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzz targets (Jazzer) for the stream framer (TCP/TLS) and the WebSocket decoder.
 * The normal build runs each over
 * {@code src/test/resources/dev/parley/transport/internal/FramingCoverageFuzzTestInputs/<target>/}
 * (pipelined conformance messages and keep-alives, plus every finding); {@code JAZZER_FUZZ=1}
 * fuzzes one (see {@code docs/reliability.md}, "Fuzzing").
 *
 * <p>The contract of the stream decoder: whatever the bytes and however they are cut into reads,
 * it emits the same frames (and the same pongs) as when they come in one read; nothing is thrown
 * up the pipeline; every input buffer is released; no frame exceeds the limits (small ones here,
 * so that the fuzzer reaches them); nothing follows a framing error; a good frame is what the
 * parser makes of its bytes. Of the WebSocket decoder: one frame per message that is not blank,
 * failed exactly when the parser refuses the bytes, the WebSocket frame released.
 */
class FramingCoverageFuzzTest {
  private static final ParserConfig SMALL = ParserConfig.builder().maxMessageSize(4096)
      .maxHeaderSectionSize(2048).maxHeaderCount(32).maxLineLength(1024).build();
  private static final SipParser PARSER =
      SipParser.builder().config(SMALL).policy(CompliancePolicy.LENIENT).build();

  /** What a decoder emitted, compared across ways of feeding it. */
  private record Emitted(List<String> frames, int pongs) {}

  @FuzzTest
  void streamFramingDoesNotDependOnHowTheBytesArrive(FuzzedDataProvider data) {
    int cuts = data.consumeInt(0, 16);
    int[] at = new int[cuts];
    for (int i = 0; i < cuts; i++) {
      at[i] = data.consumeInt(0, 1 << 20);
    }
    byte[] stream = data.consumeRemainingAsBytes();
    Emitted whole = feed(stream, new int[0]);
    int[] points = new int[cuts];
    for (int i = 0; i < cuts; i++) {
      points[i] = stream.length == 0 ? 0 : Math.floorMod(at[i], stream.length + 1);
    }
    Arrays.sort(points);
    assertThat(feed(stream, points)).isEqualTo(whole);
    if (stream.length > 1024) {
      return; // one read per byte costs too much per run beyond this
    }
    int[] everyByte = new int[stream.length];
    Arrays.setAll(everyByte, i -> i);
    assertThat(feed(stream, everyByte)).isEqualTo(whole);
  }

  @FuzzTest
  void webSocketFramesDecodeOrFailOnePerMessage(byte[] input) {
    boolean blank = true;
    for (byte b : input) {
      blank &= b == '\r' || b == '\n';
    }
    SipParseException refused = null;
    try {
      PARSER.parse(input.clone());
    } catch (SipParseException e) {
      refused = e;
    }
    for (boolean text : new boolean[] {true, false}) {
      EmbeddedChannel ch = new EmbeddedChannel(new WebSocketSipDecoder(PARSER));
      ByteBuf content = copy(input, 0, input.length);
      WebSocketFrame frame =
          text ? new TextWebSocketFrame(content) : new BinaryWebSocketFrame(content);
      ch.writeInbound(frame);
      assertThat(frame.refCnt()).as("WebSocket frame released").isZero();
      SipFrame out = ch.readInbound();
      if (blank) {
        assertThat(out).isNull();
      } else {
        assertThat(out).isNotNull();
        assertThat(out.wire()).isEqualTo(input);
        assertThat(out.decoderResult().isSuccess()).isEqualTo(refused == null);
        if (refused != null) {
          assertThat(out.cause().statusCode()).isEqualTo(refused.statusCode());
        }
      }
      assertThat((Object) ch.readInbound()).isNull();
      ch.finishAndReleaseAll();
    }
  }

  /** Feeds {@code stream} cut at {@code points} (sorted) and describes what came out. */
  private static Emitted feed(byte[] stream, int[] points) {
    EmbeddedChannel ch = new EmbeddedChannel(new StreamSipDecoder(PARSER));
    List<ByteBuf> pieces = new ArrayList<>();
    int from = 0;
    for (int p : points) {
      pieces.add(copy(stream, from, p));
      from = p;
    }
    pieces.add(copy(stream, from, stream.length));
    List<String> frames = new ArrayList<>();
    for (ByteBuf piece : pieces) {
      ch.writeInbound(piece); // rethrows whatever went up the pipeline
      drain(ch, frames);
    }
    int pongs = 0;
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ((ByteBuf) o).release();
      pongs++;
    }
    ch.finish(); // the decoder lets go of a message left incomplete
    drain(ch, frames);
    for (ByteBuf piece : pieces) {
      assertThat(piece.refCnt()).as("input buffer released").isZero();
    }
    return new Emitted(frames, pongs);
  }

  /** A new buffer (never the shared empty one, whose count never drops) with a copy of a range. */
  private static ByteBuf copy(byte[] bytes, int from, int to) {
    return Unpooled.buffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from);
  }

  private static void drain(EmbeddedChannel ch, List<String> frames) {
    for (Object o; (o = ch.readInbound()) != null; ) {
      SipFrame f = (SipFrame) o;
      assertThat(frames).as("a frame after a framing error")
          .noneMatch(s -> s.startsWith("framing error"));
      assertThat(f.wire().length).isLessThanOrEqualTo(SMALL.maxMessageSize());
      if (f.decoderResult().isSuccess()) {
        SipMessage m = f.message();
        assertThat(m).isEqualTo(PARSER.parse(f.wire().clone()));
        frames.add("message " + Arrays.toString(f.wire()));
      } else if (f.isFramingError()) {
        assertThat(f.cause().statusCode()).isBetween(400, 599);
        frames.add("framing error " + f.cause().statusCode() + " " + Arrays.toString(f.wire()));
      } else {
        frames.add("malformed " + f.cause().statusCode() + " " + Arrays.toString(f.wire()));
      }
    }
  }
}
