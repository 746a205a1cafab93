package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The ACK an INVITE makes for a non-2xx final response ({@link SipRequest#ackFor}, RFC 3261
 * §17.1.1.3) is, byte for byte, the ACK the builder makes from the same fields, over every
 * request of the third-party corpus that parses, as received and as a proxy forwards it (its Via
 * first, as text); the values it copies that were still bytes of the parse stay bytes.
 */
class AckForTest {
  private static final String OUR_VIA = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-ours.1;rport";

  /** The ACK as the transaction layer built it before: through the builder. */
  private static SipRequest builtAck(SipRequest invite, SipResponse response, String via) {
    SipRequest.Builder b = SipRequest.builder(SipMethod.ACK, invite.requestUri())
        .header(HeaderName.VIA, via)
        .header(HeaderName.MAX_FORWARDS, "70");
    copy(invite, b, HeaderName.FROM);
    b.header(HeaderName.TO, response.headers().get(HeaderName.TO));
    copy(invite, b, HeaderName.CALL_ID);
    b.header(HeaderName.CSEQ, invite.cseq().sequence() + " " + SipMethod.ACK);
    for (String route : invite.headers().values(HeaderName.ROUTE)) {
      b.header(HeaderName.ROUTE, route);
    }
    return b.build();
  }

  private static void copy(SipRequest from, SipRequest.Builder to, HeaderName name) {
    String v = from.headers().get(name);
    if (v != null) {
      to.header(name, v);
    }
  }

  private static List<Path> corpus() {
    try (Stream<Path> files = Files.walk(Corpus.dir())) {
      return files.filter(p -> p.toString().endsWith(".dat")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The request parsed from {@code bytes}, and the ways a proxy's client transaction holds it when
   * it sends the ACK; each parsed afresh, so that no value of it was read yet.
   */
  private static List<SipRequest> asSent(SipParser parser, byte[] bytes) {
    List<SipRequest> out = new ArrayList<>();
    out.add((SipRequest) parser.parse(bytes));
    out.add(((SipRequest) parser.parse(bytes)).withFirstHeader(HeaderName.VIA, OUR_VIA));
    out.add(((SipRequest) parser.parse(bytes)).withFirstHeader(HeaderName.VIA, OUR_VIA)
        .withHeaderSet(HeaderName.MAX_FORWARDS, "69").rebuilt());
    return out;
  }

  @Test
  void theAckOfEveryCorpusRequestIsTheBytesTheBuilderMakes() throws IOException {
    SoftAssertions softly = new SoftAssertions();
    int compared = 0;
    for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
      SipParser parser = SipParser.builder().policy(policy).build();
      for (Path file : corpus()) {
        byte[] bytes = Files.readAllBytes(file);
        SipResponse busy;
        try {
          if (!(parser.parse(bytes) instanceof SipRequest parsed)) {
            continue;
          }
          parsed.cseq().sequence();
          busy = (SipResponse) parser.parse(parsed.response(486, "uas-tag").build().encode());
          if (busy.headers().get(HeaderName.TO) == null) {
            continue;
          }
        } catch (RuntimeException e) {
          continue; // refused, no CSeq to number the ACK, or a 486 that does not parse back
        }
        for (SipRequest invite : asSent(parser, bytes)) {
          String via = invite.headers().headerName(0).equals(HeaderName.VIA)
              ? invite.headers().value(0) : OUR_VIA;
          String name = policy + " " + Corpus.dir().relativize(file);
          SipRequest ack = invite.ackFor(busy, via);
          byte[] encoded = ack.encode(); // before the builder's path reads (decodes) any value
          SipRequest built = builtAck(invite, busy, via);
          softly.assertThat(new String(encoded, StandardCharsets.ISO_8859_1)).as(name)
              .isEqualTo(new String(built.encode(), StandardCharsets.ISO_8859_1));
          softly.assertThat(ack).as(name).isEqualTo(built);
          softly.assertThat(ack.policy()).as(name).isSameAs(CompliancePolicy.STRICT);
          softly.assertThat(ack.violations()).as(name).isEmpty();
          compared++;
        }
      }
    }
    softly.assertAll();
    assertThat(compared).as("INVITEs compared").isGreaterThan(500);
  }

  @Test
  void theAckKeepsTheInvitesUnreadValuesAsBytes() {
    SipRequest invite = (SipRequest) SipParser.create().parse((
        "INVITE sip:bob@192.0.2.20 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-bytes\r\n"
        + "Route: <sip:192.0.2.40;lr>, <sip:192.0.2.41;lr>\r\nMax-Forwards: 70\r\n"
        + "From: \"Alice\" <sip:alice@192.0.2.10>;tag=a1\r\nTo: <sip:bob@192.0.2.20>\r\n"
        + "Call-ID: bytes@192.0.2.10\r\nCSeq: 7 INVITE\r\nRoute: <sip:192.0.2.42;lr>\r\n"
        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    SipResponse busy = invite.response(486, "b").build();
    SipRequest ack = invite.withFirstHeader(HeaderName.VIA, OUR_VIA).ackFor(busy, OUR_VIA);

    assertThat(new String(ack.encode(), StandardCharsets.US_ASCII)).isEqualTo(
        "ACK sip:bob@192.0.2.20 SIP/2.0\r\nVia: " + OUR_VIA + "\r\nMax-Forwards: 70\r\n"
            + "From: \"Alice\" <sip:alice@192.0.2.10>;tag=a1\r\nTo: <sip:bob@192.0.2.20>;tag=b\r\n"
            + "Call-ID: bytes@192.0.2.10\r\nCSeq: 7 ACK\r\n"
            + "Route: <sip:192.0.2.40;lr>, <sip:192.0.2.41;lr>\r\nRoute: <sip:192.0.2.42;lr>\r\n"
            + "Content-Length: 0\r\n\r\n");
    Headers h = ack.headers();
    for (int i : new int[] {2, 4, 6, 7}) { // From, Call-ID and the two Routes: places in the INVITE
      assertThat(h.sourceStart(i)).as(h.name(i)).isGreaterThanOrEqualTo(0);
      assertThat(h.values == null || h.values[i] == null).as(h.name(i) + " not decoded").isTrue();
    }
  }
}
