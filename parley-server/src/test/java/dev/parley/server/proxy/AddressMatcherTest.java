package dev.parley.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Trusted-address lists: literals and CIDR prefixes, IPv4 and IPv6, errors naming the entry. */
class AddressMatcherTest {
  static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal); // literals only: no lookup
  }

  @Test
  void matchesAddressesAndPrefixesOfBothFamilies() throws Exception {
    AddressMatcher m = AddressMatcher.parse("127.0.0.1, 10.0.0.0/8, ::1, 2001:db8::/32, "
        + "[fe80::1], 192.168.1.0/24");
    assertThat(m.matches(ip("127.0.0.1"))).isTrue();
    assertThat(m.matches(ip("127.0.0.2"))).isFalse();
    assertThat(m.matches(ip("10.255.1.2"))).isTrue();
    assertThat(m.matches(ip("11.0.0.1"))).isFalse();
    assertThat(m.matches(ip("192.168.1.200"))).isTrue();
    assertThat(m.matches(ip("192.168.2.1"))).isFalse();
    assertThat(m.matches(ip("::1"))).isTrue();
    assertThat(m.matches(ip("::2"))).isFalse();
    assertThat(m.matches(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(m.matches(ip("2001:db9::1"))).isFalse();
    assertThat(m.matches(ip("fe80::1"))).isTrue();
    assertThat(m.matches(ip("::ffff:10.1.2.3"))).isTrue(); // the JDK makes it IPv4
    assertThat(m.matches(null)).isFalse();
    assertThat(m.entries()).containsExactly("127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32",
        "fe80::1", "192.168.1.0/24");
    assertThat(AddressMatcher.parse(m.toString())).isEqualTo(m);
  }

  @Test
  void prefixLengthsAtTheEdges() throws Exception {
    AddressMatcher all = AddressMatcher.parse("0.0.0.0/0, ::/0");
    assertThat(all.matches(ip("203.0.113.9"))).isTrue();
    assertThat(all.matches(ip("2001:db8::9"))).isTrue();
    AddressMatcher v6 = AddressMatcher.parse("2001:db8:0:0:8000::/65, 2001:db8::7/128");
    assertThat(v6.matches(ip("2001:db8::8000:0:0:1"))).isTrue();
    assertThat(v6.matches(ip("2001:db8::1"))).isFalse();
    assertThat(v6.matches(ip("2001:db8::7"))).isTrue();
    assertThat(v6.entries()).containsExactly("2001:db8:0:0:8000::/65", "2001:db8::7/128");
    assertThat(AddressMatcher.parse("1.2.3.4/32").matches(ip("1.2.3.4"))).isTrue();
  }

  @Test
  void anEmptyListMatchesNothing() throws Exception {
    assertThat(AddressMatcher.parse("")).isSameAs(AddressMatcher.NONE);
    assertThat(AddressMatcher.parse("  ").isEmpty()).isTrue();
    assertThat(AddressMatcher.NONE.matches(ip("127.0.0.1"))).isFalse();
    assertThat(AddressMatcher.of(List.of()).isEmpty()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1/8|bad address entry '10.0.0.1/8': host bits set (did you mean 10.0.0.0/8?)",
      "2001:db8::1/32|bad address entry '2001:db8::1/32': host bits set (did you mean 2001:db8::/32?)",
      "10.0.0.0/33|bad address entry '10.0.0.0/33': prefix length out of range 0..32: 33",
      "::/129|bad address entry '::/129': prefix length out of range 0..128: 129",
      "10.0.0.0/|bad address entry '10.0.0.0/': prefix length is not a number: ''",
      "10.0.0.0/x|bad address entry '10.0.0.0/x': prefix length is not a number: 'x'",
      "example.com|bad address entry 'example.com': not an IP address: 'example.com'",
      "localhost|bad address entry 'localhost': not an IP address: 'localhost'",
      "256.1.1.1|bad address entry '256.1.1.1': not an IP address: '256.1.1.1'",
      "1.2.3|bad address entry '1.2.3': not an IP address: '1.2.3'",
      "1.2.3.4.5|bad address entry '1.2.3.4.5': not an IP address: '1.2.3.4.5'",
      "010.0.0.1|bad address entry '010.0.0.1': leading zero in IPv4 address: '010.0.0.1'",
      "1.2.3.4:5060|bad address entry '1.2.3.4:5060': not an IP address: '1.2.3.4:5060'",
      "fe80::1%eth0|bad address entry 'fe80::1%eth0': not an IP address: 'fe80::1%eth0'",
      ":::1|bad address entry ':::1': not an IP address: ':::1'",
  })
  void aBadEntryIsNamedWithTheReason(String entry, String message) {
    assertThatThrownBy(() -> AddressMatcher.parse("127.0.0.1, " + entry))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void anEmptyEntryBetweenCommasIsAnError() {
    assertThatThrownBy(() -> AddressMatcher.parse("127.0.0.1,,10.0.0.0/8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty address entry in '127.0.0.1,,10.0.0.0/8'");
  }
}
