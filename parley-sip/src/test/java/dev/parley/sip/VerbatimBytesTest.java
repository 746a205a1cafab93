package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A message parsed from bytes and not changed since hands out exactly those bytes; a message built
 * or made by changing another hands out none, so no holder ever keeps stale bytes for it.
 */
class VerbatimBytesTest {
  private static final String REQUEST = "MESSAGE sip:bob@example.com SIP/2.0\r\n"
      + "v: SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1\r\n"
      + "f: <sip:alice@example.com>;tag=9\r\n"
      + "t: <sip:bob@example.com>\r\n"
      + "i: abc\r\n"
      + "CSeq: 1 MESSAGE\r\n"
      + "Max-Forwards:   70\r\n"
      + "Content-Type: text/plain\r\n"
      + "l: 5\r\n\r\nhello";
  private static final String RESPONSE = "SIP/2.0 200 Fine\r\n"
      + "Via: SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1\r\n"
      + "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK0\r\n"
      + "From: <sip:alice@example.com>;tag=9\r\nTo: <sip:bob@example.com>;tag=2\r\n"
      + "Call-ID: abc\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";

  private static byte[] bytes(ByteBuffer view) {
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }

  private static String text(ByteBuffer view) {
    return new String(bytes(view), StandardCharsets.UTF_8);
  }

  @Test
  void aParsedRequestHandsOutTheBytesItWasParsedFromNotItsCanonicalEncoding() {
    SipMessage m = SipParser.create().parse(REQUEST);
    assertThat(text(m.verbatimBytes())).isEqualTo(REQUEST);
    assertThat(new String(m.encode(), StandardCharsets.UTF_8)).isNotEqualTo(REQUEST);
  }

  @Test
  void aParsedResponseHandsOutItsBytesAndTheyParseBackToAnEqualMessage() {
    SipMessage m = SipParser.create().parse(RESPONSE.getBytes(StandardCharsets.UTF_8));
    byte[] again = bytes(m.verbatimBytes());
    assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo(RESPONSE);
    assertThat(SipParser.create().parse(again)).isEqualTo(m);
  }

  @Test
  void leadingLineBreaksAndBytesBeyondContentLengthAreNotPartOfTheMessage() {
    byte[] datagram = ("\r\n\r\n" + REQUEST + "trailing junk").getBytes(StandardCharsets.UTF_8);
    SipMessage m = SipParser.create().parse(datagram);
    assertThat(text(m.verbatimBytes())).isEqualTo(REQUEST);
  }

  @Test
  void aLenientlyReadStartLineKeepsItsBytesAndParsesBackWithTheSamePolicy() {
    String lenient = REQUEST.replace("MESSAGE sip:bob@example.com SIP/2.0",
        "MESSAGE  sip:bob@example.com   SIP/2.0");
    SipParser parser = SipParser.builder().policy(CompliancePolicy.LENIENT).build();
    SipMessage m = parser.parse(lenient);
    byte[] again = bytes(m.verbatimBytes());
    assertThat(new String(again, StandardCharsets.UTF_8)).isEqualTo(lenient);
    SipMessage reparsed = parser.parse(again);
    assertThat(reparsed).isEqualTo(m);
    assertThat(reparsed.violations()).isEqualTo(m.violations());
  }

  @Test
  void theViewIsReadOnlyAndEachCallGetsItsOwn() {
    SipMessage m = SipParser.create().parse(REQUEST);
    ByteBuffer first = m.verbatimBytes();
    assertThat(first.isReadOnly()).isTrue();
    assertThat(first.hasArray()).isFalse();
    assertThatThrownBy(() -> first.put(0, (byte) 'X')).isInstanceOf(ReadOnlyBufferException.class);
    first.position(first.limit());
    assertThat(text(m.verbatimBytes())).isEqualTo(REQUEST);
  }

  @Test
  void builtMessagesHaveNone() {
    SipMessage request = SipParser.create().parse(REQUEST);
    assertThat(((SipRequest) request).toBuilder().build().verbatimBytes()).isNull();
    assertThat(SipResponse.builder(200).build().verbatimBytes()).isNull();
  }

  @Test
  void aMessageMadeByChangingAParsedOneHasNone() {
    SipRequest request = (SipRequest) SipParser.create().parse(REQUEST);
    SipResponse response = (SipResponse) SipParser.create().parse(RESPONSE);
    assertThat(request.withTopVia(Via.builder("UDP", "192.0.2.7").branch("z9hG4bK2").build())
        .verbatimBytes()).isNull();
    assertThat(request.withReceived(new InetSocketAddress("198.51.100.1", 5070)).verbatimBytes())
        .isNull();
    assertThat(response.withoutTopVia().verbatimBytes()).isNull();
  }

  @Test
  void aRequestLeftAloneByTheTransportKeepsItsBytes() {
    SipRequest request = (SipRequest) SipParser.create().parse(REQUEST);
    SipRequest same = request.withReceived(new InetSocketAddress("192.0.2.4", 5070));
    assertThat(same).isSameAs(request);
    assertThat(text(same.verbatimBytes())).isEqualTo(REQUEST);
  }

  @Test
  void droppingParsedValuesKeepsTheBytes() {
    SipMessage m = SipParser.create().parse(REQUEST);
    m.from();
    m.dropParsedValues();
    assertThat(text(m.verbatimBytes())).isEqualTo(REQUEST);
  }

  /** {@code view}'s whole message with its [position, limit) replaced by {@code value}'s bytes. */
  private static byte[] spliced(ByteBuffer view, String value) {
    byte[] whole = bytes(view.duplicate().clear());
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[whole.length - view.remaining() + v.length];
    System.arraycopy(whole, 0, out, 0, view.position());
    System.arraycopy(v, 0, out, view.position(), v.length);
    System.arraycopy(whole, view.limit(), out, view.position() + v.length, whole.length - view.limit());
    return out;
  }

  @Test
  void aStampedRequestHandsOutTheBytesItWasReceivedAsWithItsTopViaValueMarked() {
    byte[] datagram = ("\r\n" + REQUEST + "trailing junk").getBytes(StandardCharsets.UTF_8);
    SipRequest parsed = (SipRequest) SipParser.create().parse(datagram);
    SipRequest stamped = parsed.withReceived(new InetSocketAddress("198.51.100.1", 5071));
    ByteBuffer view = stamped.receivedBytes();
    assertThat(view.isReadOnly()).isTrue();
    assertThat(text(view.duplicate())).isEqualTo("SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1");
    assertThat(text(view.duplicate().clear())).isEqualTo(REQUEST);
    String via = stamped.headers().value(0);
    assertThat(via).isEqualTo("SIP/2.0/UDP 192.0.2.4:5070;branch=z9hG4bK1;received=198.51.100.1");
    byte[] wire = spliced(view, via);
    assertThat(new String(wire, StandardCharsets.UTF_8))
        .isEqualTo(REQUEST.replace("z9hG4bK1\r\n", "z9hG4bK1;received=198.51.100.1\r\n"));
    assertThat(SipParser.create().parse(wire)).isEqualTo(stamped);

    SipRequest again = stamped.withReceived(new InetSocketAddress("203.0.113.9", 5072));
    ByteBuffer second = again.receivedBytes();
    assertThat(second.position()).isEqualTo(view.position());
    assertThat(second.limit()).isEqualTo(view.limit());
    assertThat(SipParser.create().parse(spliced(second, again.headers().value(0))))
        .isEqualTo(again).isNotEqualTo(stamped);
  }

  @Test
  void noReceivedBytesUnlessStampedFromATopViaFieldOfOneLine() {
    SipRequest parsed = (SipRequest) SipParser.create().parse(REQUEST);
    InetSocketAddress source = new InetSocketAddress("198.51.100.1", 5071);
    SipRequest stamped = parsed.withReceived(source);
    assertThat(parsed.receivedBytes()).as("parsed, not stamped").isNull();
    assertThat(stamped.withFirstHeader(HeaderName.MAX_FORWARDS, "69").receivedBytes())
        .as("changed otherwise").isNull();
    assertThat(stamped.toBuilder().build().receivedBytes()).as("built").isNull();
    SipRequest folded = ((SipRequest) SipParser.create().parse(
        REQUEST.replace("v: SIP/2.0/UDP 192.0.2.4:5070;", "v: SIP/2.0/UDP\r\n 192.0.2.4:5070;")))
        .withReceived(source);
    assertThat(folded.isStampedParse()).isTrue();
    assertThat(folded.receivedBytes()).as("a folded top Via").isNull();
  }
}
