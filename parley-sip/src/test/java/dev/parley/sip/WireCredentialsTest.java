package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.sip.internal.CharSource;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.Rfc3261Rules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * The credentials' fast path ({@link WireCredentials}) keeps the String grammar's contract:
 * whatever it reads from bytes, the String grammar reads from the same value under every policy,
 * without a violation, as an equal value (so every verdict built on it is the same); what it
 * declines, the String grammar decides. And it takes the usual values.
 */
class WireCredentialsTest {
  private static final List<Header<Credentials>> HEADERS =
      List.of(Header.AUTHORIZATION, Header.PROXY_AUTHORIZATION);

  private static final String SIPP = "Digest username=\"user17\",realm=\"127.0.0.1\","
      + "cnonce=\"6b8b4567\",nc=00000001,qop=auth,uri=\"sip:service@127.0.0.1:47470\","
      + "nonce=\"AAABjP2x0bQ3m1YwX2c9s8Qk0Hj7yZbq1f0Vh6aN9eJm2LwT\","
      + "response=\"0b6a9c0b5f1f4a3e9d2c8b7a6f5e4d3c\",algorithm=MD5,opaque=\"Yk3m0Qa9Zx2L\"";

  private static final List<String> TYPICAL = List.of(
      SIPP,
      "Digest username=\"alice\", realm=\"atlanta.example.com\", nonce=\"84a4cc6f3082121f32b42a"
          + "2187831a9e\", uri=\"sip:bob@biloxi.example.com\", response=\"7587245234b3434cc3412"
          + "213e5f113a5432\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001,"
          + " opaque=\"\"",
      "Digest username=\"bob\",realm=\"biloxi.com\",nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
          + "uri=\"sip:bob@biloxi.com\",qop=auth,nc=00000001,cnonce=\"0a4f113b\","
          + "response=\"6629fae49393a05397450978507c4ef1\",opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
      "Digest realm=\"example.com\", nonce=\"n\", uri=\"sip:example.com\", username=\"a\\\"b\","
          + " response=\"00000000000000000000000000000000\", algorithm=SHA-256",
      "Digest username=\"alice\"",
      "Digest",
      "NoOneKnowsThisScheme opaque-data=here",
      "Digest username=\"a\", username=\"b\", realm=\"r\", realm=\"s\"",
      "digest USERNAME=\"A\" , Realm = \"r\" ,nc=00000001");

  /** Every Authorization and Proxy-Authorization value of the conformance corpus. */
  private static final List<String> CORPUS = CorpusValues.of(TYPICAL, HEADERS);

  /** The contract on one value for both headers; whether the fast path took it. */
  private static boolean check(String value) {
    boolean taken = false;
    for (Header<Credentials> header : HEADERS) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      List<Credentials> fast = header.parseWire(bytes, 0, bytes.length);
      if (fast == null) {
        continue;
      }
      taken = true;
      for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
        Leniency leniency = new Leniency(policy);
        List<Credentials> slow;
        try {
          slow = header.parseField(value, leniency);
        } catch (SipParseException e) {
          throw new AssertionError("the fast path took what the String grammar refuses: "
              + value + " (" + e.getMessage() + ")", e);
        }
        assertThat(leniency.found()).as("violations: %s", value).isEmpty();
        assertThat(fast).as(value).isEqualTo(slow);
        assertThat(fast.toString()).as(value).isEqualTo(slow.toString());
      }
    }
    return taken;
  }

  @Test
  void takesTheUsualValues() {
    for (String v : TYPICAL) {
      assertThat(check(v)).as("declined: %s", v).isTrue();
    }
  }

  @Test
  void agreesWithTheStringGrammarOnTheCorpus() {
    int taken = 0;
    for (String v : CORPUS) {
      taken += check(v) ? 1 : 0;
    }
    assertThat(taken).as("corpus values taken").isGreaterThan(CORPUS.size() / 2);
  }

  @Test
  void leavesTheUnusualToTheStringGrammar() {
    for (String v : List.of("Digest realm=\"r\" nonce=\"n\"", "Digest realm=\"r", "Digest realm=",
        "Digest realm=\"r\",", "Digest ,realm=\"r\"", "Digest realm=[::1]",
        "Digest realm=\"caf\u00e9\"", "Digest realm=\"r\"x", "Digest realm", "Digest=x", "",
        "Digest realm=\"a\\\"", "Digest realm=\"a\u0001\"",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ")) {
      byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
      assertThat(Header.PROXY_AUTHORIZATION.parseWire(bytes, 0, bytes.length)).as(v).isNull();
    }
  }

  /** The shared quoted-string and SWS rules give one verdict over octets and over characters. */
  @Test
  void quotedStringAndSwsRulesAgreeOverOctetsAndCharacters() {
    for (String v : List.of("\"a\"", "\"a\\\"b\" x", "\"unterminated", "\"a\\", "\"a\\\r\"",
        "\"a\u0001\"", "\"\u00e9\"", "\" \t\"", "\"\"", "\"a\\\u0001\"", "\"a\"b\"")) {
      byte[] octets = v.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(Rfc3261Rules.quotedStringEnd(CharSource.of(octets), 0, octets.length)).as(v)
          .isEqualTo(Rfc3261Rules.quotedStringEnd(CharSource.of(v), 0, v.length()));
    }
    assertThat(Rfc3261Rules.quotedStringEnd(CharSource.of("\"a\\\r\""), 0, 5))
        .isEqualTo(Rfc3261Rules.verdict(Rfc3261Rules.BAD_QUOTED_PAIR, 2));
    assertThat(Rfc3261Rules.quotedStringEnd(CharSource.of("\"a\u0001\""), 0, 4))
        .isEqualTo(Rfc3261Rules.verdict(Rfc3261Rules.NOT_QDTEXT, 2));
    assertThat(Rfc3261Rules.quotedStringEnd(CharSource.of("\"ab"), 0, 3))
        .isEqualTo(Rfc3261Rules.verdict(Rfc3261Rules.UNTERMINATED_QUOTED_STRING, 0));
    for (String v : List.of("", " ", " \t x", "x ", "\t\t")) {
      byte[] octets = v.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(Rfc3261Rules.swsEnd(CharSource.of(octets), 0, octets.length))
          .isEqualTo(Rfc3261Rules.swsEnd(CharSource.of(v), 0, v.length()));
    }
  }

  /**
   * A parsed request's credentials, violations and errors are those the String grammar gives for
   * the field's text, under both policies.
   */
  @Test
  void parsedRequestsGiveTheStringGrammarsCredentialsAndErrors() {
    for (String v : CORPUS) {
      checkRequest(v);
    }
    checkRequest("Digest realm=\"r\" nonce=\"n\"");
    checkRequest("Digest realm=\"r");
    checkRequest("Digest realm=\"r\",");
  }

  private static void checkRequest(String value) {
    String text = "MESSAGE sip:bob@example.org SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1"
        + "\r\nFrom: <sip:alice@example.org>;tag=1\r\nTo: <sip:bob@example.org>\r\nCall-ID: c1"
        + "\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\nProxy-Authorization: " + value
        + "\r\nContent-Length: 0\r\n\r\n";
    for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
      SipParser parser = SipParser.builder().policy(policy).build();
      SipMessage parsed;
      try {
        parsed = parser.parse(text.getBytes(StandardCharsets.UTF_8));
      } catch (SipParseException e) {
        continue; // refused at framing (both ways)
      }
      SipParseException fastError = catchThrowableOfType(SipParseException.class,
          () -> parsed.headers(Header.PROXY_AUTHORIZATION));
      Headers h = parsed.headers();
      int at = h.indexOf(HeaderName.PROXY_AUTHORIZATION, 0);
      Leniency leniency = new Leniency(policy);
      SipParseException slowError = null;
      List<Credentials> slow = null;
      try {
        slow = Header.PROXY_AUTHORIZATION.parseField(h.value(at), leniency);
      } catch (SipParseException e) {
        slowError = e;
      }
      if (slowError != null) {
        assertThat(fastError).as(value).isNotNull();
        assertThat(fastError.reason()).as(value).endsWith(slowError.reason());
        continue;
      }
      assertThat(fastError).as(value).isNull();
      assertThat(parsed.headers(Header.PROXY_AUTHORIZATION)).as(value).isEqualTo(slow);
      assertThat(parsed.violations()).as(value).containsAll(leniency.found());
    }
  }

  @Property(tries = 3000)
  void mutatedValuesOnlyTakenWhenTheStringGrammarAgrees(@ForAll("mutatedValues") String value) {
    Statistics.label("taken").collect(check(value));
  }

  @Property(tries = 2000)
  void composedValuesOnlyTakenWhenTheStringGrammarAgrees(@ForAll("composedValues") String value) {
    Statistics.label("taken").collect(check(value));
  }

  private static final String ALPHABET = "\",= \t\\;:@[]<>/-_.09afAFxyz\u00e9\u0000\u0001\r\n";

  @Provide
  Arbitrary<String> mutatedValues() {
    return ValueMutations.of(CORPUS, ALPHABET);
  }

  @Provide
  Arbitrary<String> composedValues() {
    Arbitrary<String> scheme = Arbitraries.of("Digest", "digest", "Basic", "X-Scheme", "", "Di gest",
        "Digest\t", "\"Digest\"");
    Arbitrary<String> name = Arbitraries.of("username", "realm", "nonce", "uri", "response",
        "algorithm", "cnonce", "nc", "qop", "opaque", "username*", "x-y", "", "re alm", "a\"b");
    Arbitrary<String> value = Arbitraries.of("\"alice\"", "\"\"", "\"a\\\"b\"", "\"a\\\\\"", "MD5",
        "00000001", "auth", "\"auth,auth-int\"", "[::1]", "", "\"unterminated", "tok\"en",
        "\"caf\u00e9\"", "\"a\tb\"", "a b", "\"sip:bob@example.org;transport=udp\"");
    Arbitrary<String> eq = Arbitraries.of("=", "=", "=", " = ", "\t=", "", "==");
    Arbitrary<String> param = Combinators.combine(name, eq, value).as((n, e, v) -> n + e + v);
    Arbitrary<String> sep = Arbitraries.of(",", ",", ", ", ", ", " ,", " , ", " ", "", ",,", ";");
    Arbitrary<String> params = Combinators.combine(param, sep, param, sep, param)
        .as((a, s1, b, s2, c) -> a + s1 + b + s2 + c);
    Arbitrary<String> gap = Arbitraries.of(" ", " ", " ", "  ", "\t", "", ",");
    Arbitrary<String> tail = Arbitraries.of("", "", "", " ", ",", " x", "\t");
    return Combinators.combine(scheme, gap, params, tail).as((s, g, p, t) -> s + g + p + t);
  }
}
