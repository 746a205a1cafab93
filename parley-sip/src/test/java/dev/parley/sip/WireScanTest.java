package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path's word-at-a-time quoted-string scan ({@link WireTokens#plainQdtextWords}) against
 * the per-octet test it stands for; fast-path values read from inside a longer message (octets
 * after the value are read by the scans and must not count); the shared {@code ;lr} parameters.
 */
class WireScanTest {
  /** Octets that end or continue the runs: token and qdtext ones, separators, controls, high. */
  private static final byte[] OCTETS = "aZ09-.!%*_+`'~ \t\";,=<>:@/\\\r\n\u007f".getBytes(
      StandardCharsets.ISO_8859_1);

  private static byte[] randomOctets(Random r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = r.nextInt(8) == 0 ? (byte) r.nextInt(256) : OCTETS[r.nextInt(OCTETS.length)];
    }
    return b;
  }

  @Test
  void qdtextWordsAreSkippedOnlyWhenEveryOctetIsPlainQdtext() {
    Random r = new Random(16);
    for (int t = 0; t < 200_000; t++) {
      byte[] b = randomOctets(r, 1 + r.nextInt(40));
      for (int i = 0; i < b.length; i++) {
        if (r.nextInt(3) != 0) {
          b[i] = (byte) (0x20 + r.nextInt(0x5F)); // 0x20..0x7E
        }
      }
      int from = r.nextInt(b.length + 1);
      int to = from + r.nextInt(b.length - from + 1);
      int end = WireTokens.plainQdtextWords(b, from, to);
      assertThat((end - from) % 8).isZero();
      assertThat(end).isBetween(from, to);
      for (int i = from; i < end; i++) {
        int c = b[i] & 0xFF;
        assertThat(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\').as("octet %d", c).isTrue();
      }
      if (end + 8 <= to) { // it stopped at a word that holds another octet
        boolean other = false;
        for (int i = end; i < end + 8; i++) {
          int c = b[i] & 0xFF;
          other |= c < 0x20 || c > 0x7E || c == '"' || c == '\\';
        }
        assertThat(other).as("%s from %d", Arrays.toString(b), end).isTrue();
      }
    }
  }

  @Test
  void valuesReadInsideALongerMessageAreReadAsAlone() {
    List<String> values = List.of(
        "<sip:bob@198.51.100.23;transport=udp>;+sip.instance=\"<urn:uuid:0c2a8f2e-3f8c-00f1-9a53-"
            + "2b8f12e7d1c4>\";+org.linphone.specs=\"lime\";expires=3600",
        "SIP/2.0/UDP 198.51.100.23:5060;branch=z9hG4bK.Vx3nFq8sT;rport",
        "SIP/2.0/UDP [2001:db8::1]:5060;received=2001:db8::9;branch=z9hG4bK74b43",
        "\"Alice Martin\" <sip:alice@example.org>;tag=0f3e5d7c9b1a2e4f",
        "<sip:192.0.2.1;lr>", "<sip:192.0.2.1;lr>, <sip:core.example.org;lr>",
        "<sip:192.0.2.1;lrx>", "<sip:192.0.2.1;lr=1>", "<sip:192.0.2.1;lr;ftag=a>",
        "sip:bob@example.org;lr", "<sip:192.0.2.1;lr%41>", "<sip:a.example.org;lr^>",
        "<sip:bob@example.org>;tag=Ke~5dVpqL", "<sip:bob@example.org>;a=\"x\\\"y\"",
        "<sip:bob@example.org>;a=\"tab\there, and more than eight octets\"");
    List<String> tails = List.of("", "\r\n", "x", "abcdefghijklmnop", ";tag=z\r\nTo: <sip:x>",
        "\"\"\"\"\"\"\"\"\"", ":::::::::::", "       ");
    for (String v : values) {
      for (Header<?> h : List.of(Header.CONTACT, Header.VIA, Header.FROM, Header.ROUTE)) {
        byte[] alone = v.getBytes(StandardCharsets.ISO_8859_1);
        List<?> expected = h.parseWire(alone, 0, alone.length);
        for (String tail : tails) {
          byte[] longer = ("Via: " + v + tail).getBytes(StandardCharsets.ISO_8859_1);
          assertThat(h.parseWire(longer, 5, 5 + alone.length))
              .as("%s: %s followed by %s", h.name(), v, tail).isEqualTo(expected);
        }
      }
    }
    byte[] lr = "<sip:192.0.2.1;lr>".getBytes(StandardCharsets.ISO_8859_1);
    Address route = (Address) Header.ROUTE.parseWireValue(lr, 0, lr.length);
    assertThat(route.uri().toString()).isEqualTo("sip:192.0.2.1;lr");
    assertThat(((SipUri) route.uri()).parameters()).isEqualTo(
        dev.parley.sip.internal.UriParser.parseSipUri("sip:192.0.2.1;lr", 0, 16,
            dev.parley.sip.internal.Leniency.strict()).parameters());
  }
}
