package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionTableTest {

  @Test
  void ipv6AddressesOfOneSlash64CountAsOneSourceAndIpv4AddressesEachAsTheirOwn() throws Exception {
    // one IPv6 subscriber gets a whole /64: 10,000 connections from 10,000 of its addresses
    // must share one per-source limit, as the rate limiter and the nonces already key it
    InetAddress a = InetAddress.getByName("2001:db8:1:2::1");
    InetAddress b = InetAddress.getByName("2001:db8:1:2:ffff:eeee:dddd:cccc");
    InetAddress other = InetAddress.getByName("2001:db8:1:3::1");
    assertThat(ConnectionTable.sourceOf(a)).isEqualTo(ConnectionTable.sourceOf(b))
        .isEqualTo(InetAddress.getByName("2001:db8:1:2::"));
    assertThat(ConnectionTable.sourceOf(other)).isNotEqualTo(ConnectionTable.sourceOf(a));
    InetAddress v4 = InetAddress.getByName("192.0.2.7");
    assertThat(ConnectionTable.sourceOf(v4)).isEqualTo(v4);
    assertThat(ConnectionTable.sourceOf(InetAddress.getByName("192.0.2.8"))).isNotEqualTo(v4);
  }
}
