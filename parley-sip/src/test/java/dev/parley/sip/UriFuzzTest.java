package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriParser;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the text, the URI parsers either return a URI that survives its own wire form or throw
 * {@link SipParseException}: no other exception, under any policy.
 */
class UriFuzzTest {

  private static final List<String> CORPUS = List.of(
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
      "sip:sips%3Auser%40example.com@example.net",
      "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
      "sip:null-%00-null@example.com",
      "sip:user;par=u%40example.net@example.com",
      "sip:user@example.com?Route=%3Csip:example.com%3E",
      "sip:services.example.com;lr;unknownwith=value;unknown-no-value",
      "sip:[2001:db8::10]:5070",
      "sip:[2001:db8::10:5070]",
      "sip:user@[2001:db8:::192.0.2.1]",
      "sip:ted@[::ffff:192.0.2.2]",
      "sips:alice:pw@atlanta.com:5061;transport=tcp;maddr=[::1];ttl=3?subject=project%20x&a=",
      "sip:+1-212-555-1212:1234@gateway.com;user=phone",
      "tel:+1-201-555-0123;ext=12;isub=%3Ax",
      "tel:7042;phone-context=example.com",
      "nobodyKnowsThisScheme:totallyopaquecontent",
      "soap.beep://192.0.2.103:3002",
      "http://[2001:db8::1]:8080/a?b#c");

  private static final CompliancePolicy[] POLICIES = {
      CompliancePolicy.STRICT,
      CompliancePolicy.LENIENT,
      CompliancePolicy.STRICT.without(Violation.IPV6_EXTRA_COLON)};

  @Provide
  Arbitrary<String> uriLikeText() {
    Arbitrary<Character> chars = Arbitraries.of(
        's', 'i', 'p', 't', 'e', 'l', 'a', 'F', '0', '1', '9', '+', '-', '.', ':', ';', '=', '@',
        '?', '&', '%', '[', ']', '/', '#', ' ', '<', '>', '"', '\0', '\u00e9', '\u20ac', '*',
        '!', '~', '(', ')', '\'', '$', ',', '_', '\\', '{', '\ud83d');
    Arbitrary<String> random = chars.list().ofMaxSize(40).map(UriFuzzTest::join);
    Arbitrary<String> prefixed = Combinators.combine(
        Arbitraries.of("sip:", "sips:", "tel:", "SIP:", "x:", "sip:user@", "sip:[", "tel:+"),
        random).as(String::concat);
    return Arbitraries.oneOf(random, prefixed, Arbitraries.strings().ofMaxLength(60));
  }

  @Provide
  Arbitrary<String> mutatedCorpusUri() {
    Arbitrary<String> base = Arbitraries.of(CORPUS);
    Arbitrary<Character> replacement = Arbitraries.chars().range((char) 0, (char) 0x17F)
        .injectDuplicates(0.1);
    return Combinators.combine(base, Arbitraries.integers().between(0, 10_000),
            Arbitraries.integers().between(0, 3), replacement, Arbitraries.integers().between(1, 4))
        .as((uri, where, op, c, times) -> mutate(uri, where, op, c, times));
  }

  private static String mutate(String uri, int where, int op, char c, int times) {
    StringBuilder sb = new StringBuilder(uri);
    for (int t = 0; t < times && sb.length() > 0; t++) {
      int i = (where * (t + 7)) % sb.length();
      switch (op) {
        case 0 -> sb.setCharAt(i, c);
        case 1 -> sb.insert(i, c);
        case 2 -> sb.deleteCharAt(i);
        default -> sb.insert(i, sb.charAt((i * 31) % sb.length()));
      }
    }
    return sb.toString();
  }

  private static String join(List<Character> chars) {
    StringBuilder sb = new StringBuilder(chars.size());
    chars.forEach(sb::append);
    return sb.toString();
  }

  @Property(tries = 3000)
  void randomTextEitherParsesAndRoundTripsOrThrowsSipParseException(
      @ForAll("uriLikeText") String text) {
    checkAllPolicies(text);
    Statistics.label("outcome").coverage(c -> c.check("parsed").count(n -> n > 0));
  }

  @Property(tries = 5000)
  void mutatedCorpusUriEitherParsesAndRoundTripsOrThrowsSipParseException(
      @ForAll("mutatedCorpusUri") String text) {
    checkAllPolicies(text);
    Statistics.label("outcome").coverage(c -> c.check("parsed").count(n -> n > 500));
  }

  @Property(tries = 1000)
  void anySliceOfAnyTextOnlyThrowsSipParseException(
      @ForAll("mutatedCorpusUri") String text, @ForAll int a, @ForAll int b) {
    int start = Math.floorMod(a, text.length() + 1);
    int end = start + Math.floorMod(b, text.length() - start + 1);
    try {
      Uri uri = UriParser.parse(text, start, end, new Leniency(CompliancePolicy.LENIENT));
      assertThat(uri.toString()).isNotNull();
    } catch (SipParseException e) {
      assertThat(e.column()).isBetween(start + 1, end + 1);
    }
  }

  private static void checkAllPolicies(String text) {
    String outcome = "refused";
    for (CompliancePolicy policy : POLICIES) {
      Uri uri;
      try {
        uri = UriParser.parse(text, 0, text.length(), new Leniency(policy));
      } catch (SipParseException e) {
        assertThat(e.column()).isBetween(1, text.length() + 1);
        continue;
      }
      outcome = "parsed";
      String wire = uri.toString();
      Uri again = UriParser.parse(wire, 0, wire.length(), new Leniency(policy));
      assertThat(again).as(text).isEqualTo(uri);
      assertThat(again.hashCode()).isEqualTo(uri.hashCode());
      assertThat(uri.equivalentTo(again)).as(text).isTrue();
      assertThat(uri.equivalentTo(uri)).isTrue();
      if (uri instanceof SipUri sip) {
        sip.userDecoded();
        sip.ttl();
        sip.transport();
        sip.isLooseRouting();
        for (int i = 0; i < sip.headers().size(); i++) {
          sip.headers().decodedValue(i);
        }
        assertThat(sip.toBuilder().build()).isEqualTo(sip);
      }
    }
    Statistics.label("outcome").collect(outcome);
  }
}
