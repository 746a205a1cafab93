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
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1|true", "0.0.0.0|true", "255.255.255.255|true", "10.20.30.40|true",
      "example.com|true", "sip-1.example.com|true", "localhost|true", "a..b|true",
      "127.000.000.001|false", "010.0.0.1|false", "256.0.0.1|false", "1.2.3|false",
      "1.2.3.4.5|false", "1.2.3.4.|false", ".1.2.3|false", "1234.0.0.1|false", "127.1|false",
      "2130706433|false", "0x7f.0.0.1|false", "ab.0x1|false", "Example.com|false",
      "example.com.|false", "[::1]|false", "::1|false", "host_name|false", "''|false"})
  void theUsualSpellingsAreToldCanonicalWithoutParsingAndParsingAgrees(String host,
      boolean canonical) {
    assertThat(Hosts.isCanonical(host)).as(host).isEqualTo(canonical);
    if (canonical) {
      assertThat(Hosts.parsedReadings(host)).as(host).containsExactly(host);
    }
    assertThat(Hosts.readings(host)).as(host).isEqualTo(Hosts.parsedReadings(host));
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
