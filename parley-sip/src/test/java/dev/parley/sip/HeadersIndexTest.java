package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Field lookups through the masks of the names present agree with a plain scan. */
class HeadersIndexTest {
  private static final List<String> SPELLINGS = List.of("Via", "v", "VIA", "Route", "route",
      "Contact", "m", "Content-Length", "l", "Max-Forwards", "X-Custom", "x-custom", "Subject",
      "s", "Allow", "P-Asserted-Identity", "Warning", "X-Other");
  private static final List<HeaderName> LOOKED_UP = List.of(HeaderName.VIA, HeaderName.ROUTE,
      HeaderName.CONTACT, HeaderName.CONTENT_LENGTH, HeaderName.MAX_FORWARDS, HeaderName.SUBJECT,
      HeaderName.ALLOW, HeaderName.P_ASSERTED_IDENTITY, HeaderName.WARNING, HeaderName.TO,
      HeaderName.of("X-Custom"), HeaderName.of("x-other"), HeaderName.of("X-Absent"));

  @Property(tries = 500)
  void lookupsInParsedAndBuiltFieldsAgreeWithAScan(@ForAll("names") List<String> names) {
    StringBuilder text = new StringBuilder("OPTIONS sip:b@h SIP/2.0\r\n");
    Headers.Builder built = Headers.builder();
    for (String name : names) {
      String value = name.equalsIgnoreCase("l") || name.equalsIgnoreCase("Content-Length")
          ? "0" : "1";
      text.append(name).append(": ").append(value).append("\r\n");
      built.add(name, value);
    }
    byte[] bytes = text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    Headers parsed = SipParser.create().parse(bytes).headers();
    for (Headers h : List.of(parsed, built.build())) {
      checkAgainstScan(h);
      if (h.size() > 0) {
        checkAgainstScan(HeaderEdits.removed(h, 0));
        checkAgainstScan(HeaderEdits.replaced(h, h.size() - 1, "2"));
      }
    }
  }

  @Test
  void aNameSeenOnceHasNoNextField() {
    Headers h = SipParser.create().parse(("OPTIONS sip:b@h SIP/2.0\r\nVia: 1\r\nRoute: <sip:a>\r\n"
        + "v: 2\r\nX-A: 1\r\nx-a: 2\r\n\r\n").getBytes(StandardCharsets.UTF_8)).headers();
    assertThat(h.nextIndexOf(HeaderName.ROUTE, 1)).isEqualTo(-1);
    assertThat(h.nextIndexOf(HeaderName.VIA, 0)).isEqualTo(2);
    assertThat(h.nextIndexOf(HeaderName.of("X-A"), 3)).isEqualTo(4);
    assertThat(h.indexOf(HeaderName.CONTACT, 0)).isEqualTo(-1);
  }

  private static void checkAgainstScan(Headers h) {
    for (HeaderName name : LOOKED_UP) {
      for (int from = 0; from <= h.size(); from++) {
        assertThat(h.indexOf(name, from)).as("%s from %d in %s", name, from, h)
            .isEqualTo(scan(h, name, from));
        if (from < h.size() && h.headerName(from).equals(name)) {
          assertThat(h.nextIndexOf(name, from)).as("%s after %d in %s", name, from, h)
              .isEqualTo(scan(h, name, from + 1));
        }
      }
      assertThat(h.contains(name)).isEqualTo(scan(h, name, 0) >= 0);
    }
  }

  private static int scan(Headers h, HeaderName name, int from) {
    for (int i = from; i < h.size(); i++) {
      if (h.headerName(i).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Provide
  Arbitrary<List<String>> names() {
    return Arbitraries.of(SPELLINGS).list().ofMaxSize(12);
  }
}
