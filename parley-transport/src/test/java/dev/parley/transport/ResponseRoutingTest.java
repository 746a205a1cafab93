package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.Header;
import dev.parley.sip.Via;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ResponseRoutingTest {
  private static Hop hop(String via) {
    return ResponseRouting.hopFor(Header.VIA.parse(via));
  }

  @Test
  void udpGoesToReceivedAndRport() {
    assertThat(hop("SIP/2.0/UDP pc.example.com:5060;received=192.0.2.1;rport=40000;branch=z9hG4bK1"))
        .isEqualTo(new Hop(Transport.UDP, new InetSocketAddress("192.0.2.1", 40000)));
  }

  @Test
  void udpGoesToReceivedAndSentByPortWithoutRport() {
    assertThat(hop("SIP/2.0/UDP pc.example.com:5070;received=192.0.2.1;branch=z9hG4bK1"))
        .isEqualTo(new Hop(Transport.UDP, new InetSocketAddress("192.0.2.1", 5070)));
  }

  @Test
  void udpGoesToMaddrFirst() {
    assertThat(hop("SIP/2.0/UDP 192.0.2.1;maddr=239.1.1.1;received=192.0.2.9;branch=z9hG4bK1"))
        .isEqualTo(new Hop(Transport.UDP, new InetSocketAddress("239.1.1.1", 5060)));
  }

  @Test
  void tlsGoesToReceivedWithSentByPortOrTheDefault() {
    assertThat(hop("SIP/2.0/TLS [2001:db8::1];branch=z9hG4bK1"))
        .isEqualTo(new Hop(Transport.TLS, new InetSocketAddress("2001:db8::1", 5061)));
    assertThat(hop("SIP/2.0/TCP a.example.com:5080;received=192.0.2.3;rport=1234;branch=z9hG4bK1"))
        .isEqualTo(new Hop(Transport.TCP, new InetSocketAddress("192.0.2.3", 5080)));
  }

  @Test
  void refusesADomainNameThatNeedsRfc3263() {
    Via via = Header.VIA.parse("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1");
    assertThatThrownBy(() -> ResponseRouting.hopFor(via))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RFC 3263");
  }
}
