package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 3261 §19.1.4 (and RFC 3966 §4, RFC 3986 §6.2.2) URI comparison, table-driven. */
class UriComparisonTest {

  /** The pairs that RFC 3261 §19.1.4 lists as equivalent, then other equivalent pairs. */
  static Stream<Arguments> equivalent() {
    return Stream.of(
        // RFC 3261 §19.1.4, "The URIs within each of the following sets are equivalent"
        Arguments.of("sip:%61lice@atlanta.com;transport=TCP",
            "sip:alice@AtLanTa.CoM;Transport=tcp"),
        Arguments.of("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"),
        Arguments.of("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
        Arguments.of("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"),
        Arguments.of("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
            "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"),
        Arguments.of("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
            "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
        // §19.1.4 on transitivity: each is equivalent to the plain URI
        Arguments.of("sip:carol@chicago.com", "sip:carol@chicago.com;security=off"),
        // escapes of unreserved characters, in any component, with either hex case
        Arguments.of("sip:%75se%72@example.com", "sip:user@example.com"), // esc01
        Arguments.of("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
            "sip:caller@host5.example.net;lr;name=value%2541"), // esc01
        Arguments.of("sip:a%3ab@h", "sip:a%3Ab@h"),
        Arguments.of("sip:alice:secret%77ord@h", "sip:alice:secretword@h"),
        Arguments.of("sip:h?Subject=%61b", "sip:h?subject=ab"),
        // scheme and host case, parameter name and value case
        Arguments.of("SIPS:bob@BILOXI.com", "sips:bob@biloxi.com"),
        Arguments.of("sip:h;MADDR=Example.COM", "sip:h;maddr=example.com"),
        // IPv6 references compare by address (RFC 4291 §2.2 text forms)
        Arguments.of("sip:[2001:DB8::1]", "sip:[2001:db8:0:0::1]"),
        Arguments.of("sip:[2001:db8::1]:5070", "sip:[2001:0db8:0000:0000:0000:0000:0000:0001]:5070"),
        Arguments.of("sip:user@[2001:db8:::192.0.2.1]", "sip:user@[2001:db8::c000:201]"),
        Arguments.of("sip:ted@[::ffff:192.0.2.2]", "sip:ted@[::FFFF:C000:0202]"),
        // lr and other flags on one side only are ignored
        Arguments.of("sip:proxy.example.com;lr", "sip:proxy.example.com"),
        // tel: RFC 3966 §4
        Arguments.of("tel:+1-201-555-0123", "tel:+1(201)555.0123"),
        Arguments.of("tel:7042;phone-context=example.com", "tel:7042;phone-context=EXAMPLE.com"),
        Arguments.of("tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555"),
        Arguments.of("tel:+1234;ext=5;isub=x", "TEL:+1234;isub=X;EXT=5"),
        Arguments.of("tel:12ab;phone-context=example.com", "tel:12AB;phone-context=example.com"),
        // other schemes: RFC 3986 §6.2.2
        Arguments.of("HTTP://www.example.com/%7euser", "http://www.example.com/~user"),
        Arguments.of("urn:a:%2f", "urn:a:%2F"));
  }

  /** The pairs that RFC 3261 §19.1.4 lists as not equivalent, then others. */
  static Stream<Arguments> notEquivalent() {
    return Stream.of(
        // RFC 3261 §19.1.4, "The URIs within each of the following sets are not equivalent"
        Arguments.of("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),
        Arguments.of("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
        Arguments.of("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
        Arguments.of("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
        Arguments.of("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),
        Arguments.of("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
        // §19.1.4 on transitivity
        Arguments.of("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"),
        // "A SIP and SIPS URI are never equivalent."
        Arguments.of("sip:alice@atlanta.com", "sips:alice@atlanta.com"),
        // absent user, password, port, and user/ttl/method/maddr on one side only
        Arguments.of("sip:atlanta.com", "sip:alice@atlanta.com"),
        Arguments.of("sip:alice@atlanta.com", "sip:alice:@atlanta.com"),
        Arguments.of("sip:alice:x@atlanta.com", "sip:alice:X@atlanta.com"),
        Arguments.of("sip:+1234@gw.example.com", "sip:+1234@gw.example.com;user=phone"),
        Arguments.of("sip:h", "sip:h;ttl=1"),
        Arguments.of("sip:h", "sip:h;method=INVITE"),
        Arguments.of("sip:h", "sip:h;maddr=239.255.255.1"),
        Arguments.of("sip:h;transport=tcp", "sip:h;transport=udp"),
        Arguments.of("sip:h;lr=on", "sip:h;lr"),
        // a reserved character is not equivalent to its escape
        Arguments.of("sip:a;b@h", "sip:a%3Bb@h"),
        Arguments.of("sip:a%2525@h", "sip:a%25@h"),
        Arguments.of("sip:h?subject=a%2Fb", "sip:h?subject=a/b"),
        Arguments.of("sip:h;p=a%3Ab", "sip:h;p=a:b"),
        // esc01: value%41 must not be unescaped twice and equated with valueA
        Arguments.of("sip:c@h;name=value%2541", "sip:c@h;name=valueA"),
        Arguments.of("sip:c@h;name=v%61lue%25%34%31", "sip:c@h;name=value%41"),
        // escnull: two different bindings
        Arguments.of("sip:%00@host5.example.com", "sip:%00%00@host5.example.com"),
        Arguments.of("sip:null-%00-null@example.com", "sip:null-@example.com"),
        // headers: values compare case-sensitively, none may be missing
        Arguments.of("sip:h?subject=A", "sip:h?subject=a"),
        Arguments.of("sip:h?a=1&a=1", "sip:h?a=1"),
        // IPv6 addresses that differ
        Arguments.of("sip:[2001:db8::10:5070]", "sip:[2001:db8::10]:5070"),
        // different schemes
        Arguments.of("sip:+12015550123@example.com;user=phone", "tel:+12015550123"),
        Arguments.of("tel:+1234", "tel:1234;phone-context=+1"),
        Arguments.of("tel:+1234", "tel:+1234;ext=1"),
        Arguments.of("tel:+1234;phone-context=example.com", "tel:+1234;phone-context=example.net"),
        Arguments.of("http://example.com/a", "http://example.com/A"),
        Arguments.of("http://example.com/a", "https://example.com/a"));
  }

  @ParameterizedTest
  @MethodSource("equivalent")
  void rfcEquivalentUrisAreEquivalentBothWays(String a, String b) {
    Uri x = Uri.parse(a);
    Uri y = Uri.parse(b);

    assertThat(x.equivalentTo(y)).as("%s ~ %s", a, b).isTrue();
    assertThat(y.equivalentTo(x)).as("%s ~ %s", b, a).isTrue();
  }

  @ParameterizedTest
  @MethodSource("notEquivalent")
  void rfcDifferentUrisAreNotEquivalentEitherWay(String a, String b) {
    Uri x = Uri.parse(a);
    Uri y = Uri.parse(b);

    assertThat(x.equivalentTo(y)).as("%s ~ %s", a, b).isFalse();
    assertThat(y.equivalentTo(x)).as("%s ~ %s", b, a).isFalse();
    assertThat(x).isNotEqualTo(y);
  }

  @Test
  void equivalenceIsNotTransitiveSoEqualsStaysStructural() {
    Uri plain = Uri.parse("sip:carol@chicago.com");
    Uri on = Uri.parse("sip:carol@chicago.com;security=on");
    Uri off = Uri.parse("sip:carol@chicago.com;security=off");

    assertThat(plain.equivalentTo(on)).isTrue();
    assertThat(plain.equivalentTo(off)).isTrue();
    assertThat(on.equivalentTo(off)).isFalse();
    assertThat(plain).isNotEqualTo(on);
  }

  @Test
  void equalsComparesTheWrittenFormAndAgreesWithHashCode() {
    Uri a = Uri.parse("sip:%61lice@atlanta.com;transport=TCP");
    Uri b = Uri.parse("sip:%61lice@atlanta.com;transport=TCP");
    Uri c = Uri.parse("sip:alice@atlanta.com;transport=TCP");

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a.equivalentTo(c)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("equivalent")
  void everyUriIsEquivalentToItself(String a, String b) {
    assertThat(Uri.parse(a).equivalentTo(Uri.parse(a))).isTrue();
    assertThat(Uri.parse(b).equivalentTo(Uri.parse(b))).isTrue();
  }
}
