package dev.parley.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.Address;
import dev.parley.sip.SipUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopsTest {
  private static Hop hop(Transport t, String ip, int port) throws Exception {
    return new Hop(t, new InetSocketAddress(InetAddress.getByName(ip), port));
  }

  private static Hop of(String uri) {
    return Hops.of(SipUri.parse(uri));
  }

  @Test
  void aNumericSipUriGoesOverUdpToItsPortOrTheDefault() throws Exception {
    assertThat(of("sip:bob@192.0.2.7:5070")).isEqualTo(hop(Transport.UDP, "192.0.2.7", 5070));
    assertThat(of("sip:bob@192.0.2.7")).isEqualTo(hop(Transport.UDP, "192.0.2.7", 5060));
  }

  @Test
  void theTransportParameterAndSipsChooseTheTransport() throws Exception {
    assertThat(of("sip:192.0.2.7;transport=tcp")).isEqualTo(hop(Transport.TCP, "192.0.2.7", 5060));
    assertThat(of("sips:192.0.2.7")).isEqualTo(hop(Transport.TLS, "192.0.2.7", 5061));
    assertThat(of("sips:192.0.2.7;transport=tcp")).isEqualTo(hop(Transport.TLS, "192.0.2.7", 5061));
  }

  @Test
  void maddrIpv6AndLocalhostAreNumericHosts() throws Exception {
    assertThat(of("sip:example.com;maddr=192.0.2.9"))
        .isEqualTo(hop(Transport.UDP, "192.0.2.9", 5060));
    assertThat(of("sip:[2001:db8::1]:5080")).isEqualTo(hop(Transport.UDP, "2001:db8::1", 5080));
    assertThat(of("sip:localhost:5090").address())
        .isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5090));
  }

  @Test
  void aHostNameIsLeftToTheServerLocator() {
    assertThatThrownBy(() -> Hops.of(SipUri.parse("sip:bob@example.com")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("example.com");
  }

  @Test
  void aRequestGoesFirstToTheTopmostRouteElseToItsRequestUri() throws Exception {
    SipUri target = SipUri.parse("sip:bob@192.0.2.7:5070");
    List<Address> routes = List.of(Address.of(SipUri.parse("sip:192.0.2.1;transport=tcp;lr")),
        Address.of(SipUri.parse("sip:192.0.2.2;lr")));

    assertThat(Hops.next(routes, target)).isEqualTo(hop(Transport.TCP, "192.0.2.1", 5060));
    assertThat(Hops.next(List.of(), target)).isEqualTo(hop(Transport.UDP, "192.0.2.7", 5070));
  }
}
