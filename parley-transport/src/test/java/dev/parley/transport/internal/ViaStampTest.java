package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ViaStampTest {
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

  @Test
  void addsReceivedWhenSentByIsADomainNameAndKeepsEveryOtherHeaderAsWritten() {
    SipRequest in = request("pc33.example.com:5060");
    SipRequest out = ViaStamp.received(in, new InetSocketAddress("192.0.2.4", 5070), PARSER);
    assertThat(out.toString()).isEqualTo(in.toString().replace(
        "pc33.example.com:5060;branch=z9hG4bK1", "pc33.example.com:5060;branch=z9hG4bK1;received=192.0.2.4"));
    assertThat(out.headers().name(0)).isEqualTo("v");
  }

  @Test
  void leavesTheRequestAloneWhenSentByIsTheSourceAddress() {
    SipRequest in = request("192.0.2.4:5070");
    assertThat(ViaStamp.received(in, new InetSocketAddress("192.0.2.4", 5070), PARSER)).isSameAs(in);
  }

  @Test
  void fillsAnEmptyRportWithTheSourcePortAndAddsReceived() {
    SipRequest in = request("192.0.2.4:5060;rport");
    SipRequest out = ViaStamp.received(in, new InetSocketAddress("192.0.2.4", 40000), PARSER);
    assertThat(out.topVia().rport()).isEqualTo(40000);
    assertThat(out.topVia().received()).isEqualTo("192.0.2.4");
    assertThat(out.vias()).hasSize(3);
  }

  @Test
  void writesAnIpv6ReceivedWithoutBrackets() {
    SipRequest in = request("[2001:db8::1]:5060;rport");
    SipRequest out = ViaStamp.received(in, new InetSocketAddress("::1", 40000), PARSER);
    assertThat(out.topVia().received()).isEqualTo("::1");
    assertThat(out.topVia().rport()).isEqualTo(40000);
  }

  @Test
  void comparesIpv6SentByWithTheSourceAddressByValue() {
    SipRequest in = request("[0:0:0:0:0:0:0:1]:5060");
    assertThat(ViaStamp.received(in, new InetSocketAddress("::1", 5060), PARSER)).isSameAs(in);
  }
}
