package dev.parley.server.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipUri;
import dev.parley.transport.Hop;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NextHopsTest {
  private final NextHops hops = new NextHops(null, new OpenFlows());
  private final Hop source = new Hop(Transport.UDP, new InetSocketAddress("127.0.0.1", 5070));

  private ProxyTarget udpBinding(String contact) {
    SipUri uri = SipUri.parse(contact);
    return new ProxyTarget(uri, List.of(), null, uri, true, source);
  }

  @Test
  void aContactThatIsItsBindingsSourceGoesToTheSourcesOwnHop() {
    // the branch's transaction keeps this hop for Timer D: the binding's, not a copy per call
    assertThat(hops.now(udpBinding("sip:alice@127.0.0.1:5070"))).isSameAs(source);
  }

  @Test
  void aContactElsewhereGoesWhereItIsWritten() {
    assertThat(hops.now(udpBinding("sip:alice@127.0.0.2:5070")))
        .isEqualTo(new Hop(Transport.UDP, new InetSocketAddress("127.0.0.2", 5070)));
  }
}
