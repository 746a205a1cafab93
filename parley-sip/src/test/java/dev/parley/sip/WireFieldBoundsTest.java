package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fast-path values read from inside a longer message equal the same values read alone (the
 * octets after a field's end, which a rule may look at, never count), and the {@code ;lr}
 * parameters the fast path shares equal the String grammar's.
 */
class WireFieldBoundsTest {
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
