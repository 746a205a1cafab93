package dev.parley.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1|127.0.0.1", "127.000.000.001|127.0.0.1", "127.1|127.0.0.1",
      "0x7f.0.0.1|127.0.0.1", "0x7F000001|127.0.0.1", "2130706433|127.0.0.1",
      "0177.0.0.1|127.0.0.1", "[::ffff:127.0.0.1]|127.0.0.1", "::ffff:7f00:1|127.0.0.1",
      "[::1]|0:0:0:0:0:0:0:1", "[0:0::1]|0:0:0:0:0:0:0:1", "Example.COM.|example.com",
      "localhost|localhost", "1.2.3|1.2.0.3"})
  void everySpellingHasOneCanonicalForm(String host, String canonical) {
    assertThat(Hosts.canonical(host)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"010.0.0.1|8.0.0.1|10.0.0.1", "127.0.0.08|127.0.0.8|"})
  void ambiguousLeadingZerosGiveEveryReading(String host, String first, String second) {
    if (second == null) {
      assertThat(Hosts.readings(host)).containsExactly(first);
    } else {
      assertThat(Hosts.readings(host)).containsExactly(first, second);
    }
  }

  @ParameterizedTest
  @CsvSource({"example.com", "1e100.net", "256.1.1.1.1", "0x", "1..2", "4294967296", "a.b"})
  void namesAndNonAddressesAreNotIpLiterals(String host) {
    assertThat(Hosts.isIpLiteral(host)).isFalse();
  }
}
