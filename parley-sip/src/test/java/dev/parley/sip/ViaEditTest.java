package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A message returns a copy with its top Via replaced, stamped or removed, spliced in its text. */
class ViaEditTest {
  private static final String REQUEST = "OPTIONS sip:bob@example.com SIP/2.0\r\n"
      + "v: SIP/2.0/UDP %s;branch=z9hG4bK1, SIP/2.0/UDP proxy.example.com;branch=z9hG4bK0\r\n"
      + "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n"
      + "f: <sip:alice@example.com>;tag=9\r\n"
      + "t: <sip:bob@example.com>\r\n"
      + "i: abc\r\n"
      + "CSeq: 1 OPTIONS\r\n"
      + "l: 0\r\n\r\n";
  private static final SipParser PARSER = SipParser.create();

  private static SipRequest request(String sentBy) {
    return (SipRequest) PARSER.parse(REQUEST.formatted(sentBy));
  }

  private static SipResponse response(String vias) {
    return (SipResponse) PARSER.parse("SIP/2.0 200 OK\r\n" + vias
        + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
        + "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
  }

  private static List<String> branches(SipMessage m) {
    return m.vias().stream().map(Via::branch).toList();
  }

  @Test
  void receivedIsAddedWhenSentByIsADomainNameAndEveryOtherHeaderStaysAsWritten() {
    SipRequest in = request("pc33.example.com:5060");
    SipRequest out = in.withReceived(new InetSocketAddress("192.0.2.4", 5070));
    assertThat(out.toString()).isEqualTo(in.toString().replace(
        "pc33.example.com:5060;branch=z9hG4bK1", "pc33.example.com:5060;branch=z9hG4bK1;received=192.0.2.4"));
    assertThat(out.headers().name(0)).isEqualTo("v");
    assertThat(out.headers().line(2)).isEqualTo(in.headers().line(2));
  }

  @Test
  void requestIsLeftAloneWhenSentByIsTheSourceAddress() {
    SipRequest in = request("192.0.2.4:5070");
    assertThat(in.withReceived(new InetSocketAddress("192.0.2.4", 5070))).isSameAs(in);
  }

  @Test
  void aReceivedWrittenByTheSenderIsReplacedByTheSourceAddress() {
    // a client must not choose where responses fall back to (RFC 3261 §18.2.2)
    SipRequest in = request("192.0.2.4:5070;received=198.51.100.9");
    SipRequest out = in.withReceived(new InetSocketAddress("192.0.2.4", 5070));
    assertThat(out.topVia().received()).isEqualTo("192.0.2.4");
  }

  @Test
  void emptyRportIsFilledWithTheSourcePortAndReceivedIsAdded() {
    SipRequest in = request("192.0.2.4:5060;rport");
    SipRequest out = in.withReceived(new InetSocketAddress("192.0.2.4", 40000));
    assertThat(out.topVia().rport()).isEqualTo(40000);
    assertThat(out.topVia().received()).isEqualTo("192.0.2.4");
    assertThat(out.vias()).hasSize(3);
  }

  @Test
  void ipv6ReceivedIsWrittenWithoutBracketsInItsShortestForm() {
    SipRequest in = request("[2001:db8::1]:5060;rport");
    assertThat(in.withReceived(new InetSocketAddress("::1", 40000)).topVia().received()).isEqualTo("::1");
    assertThat(in.withReceived(new InetSocketAddress("2001:DB8:0:0:1:0:0:0", 40000)).topVia().received())
        .isEqualTo("2001:db8:0:0:1::"); // the longest run of zeros
    assertThat(in.withReceived(new InetSocketAddress("2001:db8:0:0:1:0:0:1", 40000)).topVia().received())
        .isEqualTo("2001:db8::1:0:0:1"); // the first of equal runs
    assertThat(in.withReceived(new InetSocketAddress("2001:db8:0:1:1:1:1:1", 40000)).topVia().received())
        .isEqualTo("2001:db8:0:1:1:1:1:1");
  }

  @Test
  void ipv6SentByIsComparedWithTheSourceAddressByValue() {
    SipRequest in = request("[0:0:0:0:0:0:0:1]:5060");
    assertThat(in.withReceived(new InetSocketAddress("::1", 5060))).isSameAs(in);
  }

  @Test
  void ipv4SentByThatIsAnotherAddressGetsReceived() {
    SipRequest in = request("192.0.2.40");
    assertThat(in.withReceived(new InetSocketAddress("192.0.2.4", 5060)).topVia().received())
        .isEqualTo("192.0.2.4");
  }

  @Test
  void aLenientlyParsedRequestKeepsItsPolicySoItsHeadersStillRead() {
    SipParser lenient = SipParser.builder().policy(CompliancePolicy.LENIENT).build();
    SipRequest in = (SipRequest) lenient.parse(REQUEST.formatted("pc33.example.com")
        .replace("f: <sip:alice@example.com>;tag=9", "f: < sip:alice@example.com >;tag=9"));
    SipRequest out = in.withReceived(new InetSocketAddress("192.0.2.4", 5060));
    assertThat(out.policy()).isEqualTo(CompliancePolicy.LENIENT);
    assertThat(out.from().tag()).isEqualTo("9");
  }

  /** A stamped copy reads the values its text gives when parsed again (it parses less itself). */
  private static void assertReadsAsItsTextParsedAgain(SipRequest out) {
    SipRequest again = (SipRequest) PARSER.parse(out.encode());
    assertThat(out.topVia()).isEqualTo(again.topVia());
    assertThat(out.topVia().toString()).isEqualTo(again.topVia().toString());
    assertThat(out.topVia().received()).isEqualTo(again.topVia().received());
    assertThat(out.topVia().rport()).isEqualTo(again.topVia().rport());
    assertThat(out.topVia().branch()).isEqualTo(again.topVia().branch());
    assertThat(out.topVia().host()).isEqualTo(again.topVia().host());
    assertThat(out.topVia().port()).isEqualTo(again.topVia().port());
    assertThat(out.vias()).isEqualTo(again.vias());
    assertThat(out.from()).isEqualTo(again.from());
    assertThat(out.to()).isEqualTo(again.to());
    assertThat(out.callId()).isEqualTo(again.callId());
    assertThat(out.cseq()).isEqualTo(again.cseq());
    assertThat(out.violations()).isEqualTo(again.violations());
    assertThat(out.validate()).isSameAs(out);
  }

  @Test
  void aStampedRequestReadsTheValuesItsTextGivesWhetherItsTopViaFieldHadOneValueOrSeveral() {
    String single = "INVITE sip:bob@example.com SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP %s\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n"
        + "From: \"1.5\" <sip:alice@example.com>;tag=9\r\n"
        + "To: <sip:bob@example.com>\r\n"
        + "Call-ID: abc\r\n"
        + "CSeq: 1 INVITE\r\n"
        + "Content-Length: 0\r\n\r\n";
    for (String sentBy : List.of("127.0.0.1:5060;branch=z9hG4bK1;rport",
        "127.0.0.1:5060;rport;branch=z9hG4bK1;x=\"q\"", "pc33.example.com;branch=z9hG4bK1",
        "[2001:db8::1]:5060;branch=z9hG4bK1;rport", "192.0.2.4:5070;received=198.51.100.9;branch=z9hG4bK1")) {
      for (String template : List.of(single, REQUEST)) {
        SipRequest in = (SipRequest) PARSER.parse(template.formatted(sentBy));
        in.from(); // values read before the stamp are carried over too
        for (InetSocketAddress source : List.of(new InetSocketAddress("127.0.0.1", 40000),
            new InetSocketAddress("::1", 40000), new InetSocketAddress("192.0.2.4", 5070))) {
          SipRequest out = in.withReceived(source);
          if (out != in) {
            assertReadsAsItsTextParsedAgain(out);
          }
        }
      }
    }
  }

  @Test
  void aStampedRequestOfALenientParseWithViolationsParsesWhatItReads() {
    SipParser lenient = SipParser.builder().policy(CompliancePolicy.LENIENT).build();
    SipRequest in = (SipRequest) lenient.parse(REQUEST.formatted("127.0.0.1;rport")
        .replace("f: <sip:alice@example.com>;tag=9", "f: < sip:alice@example.com >;tag=9"));
    in.from();
    assertThat(in.violations()).isNotEmpty();
    SipRequest out = in.withReceived(new InetSocketAddress("127.0.0.1", 40000));
    assertThat(out.topVia().rport()).isEqualTo(40000);
    assertThat(out.from()).isEqualTo(in.from());
    assertThat(out.violations()).isEqualTo(in.violations());
  }

  @Test
  void topViaIsReplacedKeepingTheValuesAfterItInItsField() {
    SipRequest in = request("192.0.2.4:5060");
    Via tcp = in.topVia().toBuilder().transport("TCP").build();
    SipRequest out = in.withTopVia(tcp);
    assertThat(out.vias()).extracting(Via::transport).containsExactly("TCP", "UDP", "UDP");
    assertThat(branches(out)).containsExactly("z9hG4bK1", "z9hG4bK0", "z9hG4bKx");
    assertThat(in.topVia().transport()).isEqualTo("UDP");
  }

  @Test
  void replacingTheTopViaOfAMessageWithoutViaIsRefused() {
    SipRequest noVia = SipRequest.builder(SipMethod.OPTIONS, SipUri.parse("sip:bob@example.com")).build();
    assertThatThrownBy(() -> noVia.withTopVia(Via.builder("UDP", "192.0.2.4").build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no Via");
  }

  @Test
  void topViaIsRemovedFromItsOwnField() {
    SipResponse r = response(
        "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb, SIP/2.0/TCP 10.0.0.3;branch=z9hG4bKc\r\n")
        .withoutTopVia();
    assertThat(branches(r)).containsExactly("z9hG4bKb", "z9hG4bKc");
  }

  @Test
  void topViaIsRemovedFromAFieldOfSeveralValues() {
    SipResponse r = response(
        "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus;x=\"a,b\" ,SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb\r\n"
        + "v: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKc\r\n")
        .withoutTopVia();
    assertThat(branches(r)).containsExactly("z9hG4bKb", "z9hG4bKc");
    assertThat(r.headers().name(1)).isEqualTo("v");
  }

  @Test
  void theOnlyViaLeavesNone() {
    SipResponse r = response("Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus\r\n").withoutTopVia();
    assertThat(r.vias()).isEmpty();
    assertThat(r.encode()).asString().startsWith("SIP/2.0 200 OK\r\nFrom: <sip:a@example.com>;tag=1\r\n");
  }

  @Test
  void aTopViaFieldOfOneValueGoesWithoutItsBytesBeingDecoded() {
    SipResponse in = response("Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKus;x=\"\u00e9t\u00e9\"\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb, SIP/2.0/TCP 10.0.0.3;branch=z9hG4bKc\r\n");
    SipResponse r = in.withoutTopVia();
    assertThat(in.headers().values).as("nothing of the received response decoded").isNull();
    assertThat(r.headers().values).as("nor of the relayed one").isNull();
    assertThat(branches(r)).containsExactly("z9hG4bKb", "z9hG4bKc");
    assertThat(r.encode()).asString().startsWith("SIP/2.0 200 OK\r\n"
        + "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb, SIP/2.0/TCP 10.0.0.3;branch=z9hG4bKc\r\n"
        + "From: <sip:a@example.com>;tag=1\r\n");
  }

  @Test
  void aResponseWithoutViaIsReturnedAsItIs() {
    SipResponse r = response("");
    assertThat(r.withoutTopVia()).isSameAs(r);
  }

  @Test
  void droppingParsedValuesAfterAnEditKeepsTheEditedText() {
    SipRequest out = request("pc33.example.com").withReceived(new InetSocketAddress("192.0.2.4", 5060));
    String before = out.toString();
    out.dropParsedValues();
    assertThat(out.toString()).isEqualTo(before);
    assertThat(out.topVia().received()).isEqualTo("192.0.2.4");
  }

  /** What {@code withReceived} wrote up to session 18: the top Via rebuilt and rendered. */
  private static SipRequest stampedByTheBuilder(SipRequest in, InetSocketAddress source) {
    Via top = in.topVia();
    boolean fillRport = top.hasRport() && top.rport() < 0;
    if (!fillRport && IpLiterals.isLiteralOf(top.host(), source.getAddress()) && top.received() == null) {
      return in;
    }
    Via.Builder b = top.toBuilder().parameter("received", IpLiterals.text(source.getAddress()));
    if (fillRport) {
      b.parameter("rport", Integer.toString(source.getPort()));
    }
    return in.withTopVia(b.build());
  }

  @Test
  void theStampWritesTheBytesTheRebuiltViaWroteForEveryShapeOfTopVia() {
    List<String> vias = List.of("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport",
        "SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bK1", "SIP/2.0/UDP 127.0.0.1;RPORT;branch=z9hG4bK1",
        "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport=5060",
        "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;Received=10.1.1.1;rport",
        "SIP/2.0/UDP 127.0.0.1:5060;received=10.1.1.1;RECEIVED=10.2.2.2;branch=z9hG4bK1",
        "SIP/2.0/UDP 127.0.0.1:5060;RECEIVED=10.1.1.1;received=10.2.2.2;rport;branch=z9hG4bK1",
        "SIP/2.0/TCP pc33.example.com;branch=z9hG4bK1",
        "SIP/2.0/UDP PC33.Example.COM:5061;branch=z9hG4bK1;rport;x=\"a,b\"",
        "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;rport", "SIP/2.0/UDP [2001:DB8::1];branch=z9hG4bK1",
        "SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1", "SIP/2.0/UDP 192.0.2.4:5070;received=198.51.100.9;branch=z9hG4bK1",
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport;rport",
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;maddr=224.0.0.1;ttl=16;rport",
        "SIP/2.0/UDP 10.0.0.1:05060;branch=z9hG4bK1;rport", "SIP/2.0/UDP 10.0.0.1 ; branch=z9hG4bK1 ; rport",
        "SIP/2.0/UDP 10.0.0.1;branch = z9hG4bK1;rport", "SIP / 2.0 / UDP 10.0.0.1;branch=z9hG4bK1;rport",
        "sip/2.0/tls 10.0.0.1:5061;branch=z9hG4bK1;rport", "SIP/2.0/SCTP 10.0.0.1;branch=z9hG4bK1;rport",
        "SIP/2.0/UDP 10.0.0.1;rport;branch=z9hG4bK1;received", "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;rport=");
    List<String> templates = List.of("INVITE sip:bob@example.com SIP/2.0\r\nVia: %s\r\n",
        "INVITE sip:bob@example.com SIP/2.0\r\nv: %s , SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n",
        "INVITE sip:bob@example.com SIP/2.0\r\nMax-Forwards: 70\r\nVia: %s\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n");
    List<InetSocketAddress> sources = List.of(new InetSocketAddress("127.0.0.1", 40000),
        new InetSocketAddress("10.0.0.1", 5060), new InetSocketAddress("::1", 40000),
        new InetSocketAddress("2001:db8::1", 5060), new InetSocketAddress("192.0.2.4", 5070));
    SipParser lenient = SipParser.builder().policy(CompliancePolicy.LENIENT).build();
    int stamped = 0;
    for (String via : vias) {
      for (String template : templates) {
        String text = template.formatted(via) + "From: <sip:alice@example.com>;tag=9\r\n"
            + "To: <sip:bob@example.com>\r\nCall-ID: abc\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        for (SipParser parser : List.of(PARSER, lenient)) {
          for (InetSocketAddress source : sources) {
            SipRequest in = (SipRequest) parser.parse(text);
            SipRequest expected;
            try {
              expected = stampedByTheBuilder((SipRequest) parser.parse(text), source);
            } catch (SipParseException e) {
              assertThatThrownBy(() -> in.withReceived(source)).isInstanceOf(SipParseException.class);
              continue;
            }
            SipRequest out = in.withReceived(source);
            assertThat(out.encode()).as("%s from %s", via, source).isEqualTo(expected.encode());
            assertThat(out.topVia()).isEqualTo(expected.topVia());
            assertThat(out.topVia().toString()).isEqualTo(expected.topVia().toString());
            if (out != in) {
              stamped++;
              assertReadsAsItsTextParsedAgain(out);
            }
          }
        }
      }
    }
    assertThat(stamped).isGreaterThan(400); // the shapes are stamped, not all left alone or refused
  }

  @Test
  void requestsFromManySourcesAreEachStampedWithTheirOwnAddressAndPort() {
    SipRequest in = request("192.0.2.99:5060;rport");
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 64; i++) {
        InetSocketAddress source = new InetSocketAddress("10.0." + (i % 5) + "." + i, 5000 + i * 7);
        Via top = in.withReceived(source).topVia();
        assertThat(top.received()).isEqualTo("10.0." + (i % 5) + "." + i);
        assertThat(top.rport()).isEqualTo(5000 + i * 7);
      }
    }
  }

  @Test
  void settingAParameterReplacesTheFirstOfThatNameInAnyCaseOrAppendsItAsTheBuilderDoes() {
    Parameters p = Via.builder("UDP", "h").parameter("a", "1").parameter("B", null).build().parameters()
        .toBuilder().add("b", "2").build();
    for (String[] set : new String[][] {{"b", "3"}, {"A", null}, {"c", "4"}, {"B", "5"}}) {
      Parameters expected = p.toBuilder().set(set[0], set[1]).build();
      assertThat(p.with(set[0], set[1])).isEqualTo(expected);
      assertThat(p.with(set[0], set[1]).toString()).isEqualTo(expected.toString());
    }
    assertThat(p.with("b", "3").toString()).isEqualTo(";a=1;B=3;b=2");
    assertThatThrownBy(() -> p.with("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.with(null, "x")).isInstanceOf(NullPointerException.class);
    assertThat(p.toString()).isEqualTo(";a=1;B;b=2"); // not changed by its copies
  }
}
