package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriParser;
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
 * The fast path's contract: whatever {@link WireGrammar} reads from bytes, the String grammar
 * reads from the same value under every policy, without a violation, as an equal value; and the
 * fast path does take the usual values (else it would only cost time).
 */
class WireGrammarTest {
  /** The headers that have a fast path. */
  private static final List<Header<?>> FAST = List.of(Header.VIA, Header.FROM, Header.TO,
      Header.CALL_ID, Header.CSEQ, Header.CONTACT, Header.MAX_FORWARDS, Header.ROUTE,
      Header.RECORD_ROUTE, Header.PATH, Header.REFER_TO);

  private static final List<String> TYPICAL = List.of(
      "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKc4d1.f3a5a6b7c5e2d9a81e0c4b7d2f3a9e61.0",
      "SIP/2.0/UDP 198.51.100.10:5060;received=198.51.100.10;rport=5060;branch=z9hG4bK8a5c63e1",
      "SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b43;rport",
      "\"Alice Martin\" <sip:alice@example.org>;tag=7b6a7c5c9e0f4a1d",
      "Bob <sips:bob@biloxi.example.com>;tag=a6c85cf",
      "<sip:bob@example.org>",
      "sip:bob@example.org",
      "sip:bob@example.org;tag=x",
      "9c1e2f7a8b3d4c5e@198.51.100.10",
      "3mWc2Gm1Xq",
      "24316 INVITE",
      "1 REGISTER",
      "70",
      "<sip:bob@198.51.100.23;transport=udp>;+sip.instance=\"<urn:uuid:0c2a8f2e-3f8c>\";expires=3600",
      "<sip:alice-0x55d1c0@198.51.100.10:5060;transport=udp>",
      "<sip:core.example.org;lr>, <sip:as.example.org:5070;lr>",
      "<sip:192.0.2.1;lr;ftag=7b6a7c5c9e0f4a1d>");

  /** Every value of a fast-path header in the conformance corpus, as framing leaves it. */
  private static final List<String> CORPUS = CorpusValues.of(TYPICAL, FAST);

  /** Checks the contract on one value for every fast header; true when the fast path took it. */
  private static boolean check(Header<?> header, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    List<?> fast = header.parseWire(bytes, 0, bytes.length);
    if (fast == null) {
      return false;
    }
    for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
      Leniency leniency = new Leniency(policy);
      List<?> slow = header.parseField(value, leniency);
      assertThat(leniency.found()).as("violations of %s: %s", header.name(), value).isEmpty();
      assertThat(fast).as("%s: %s", header.name(), value).isEqualTo(slow);
      assertThat(fast.toString()).as("%s: %s", header.name(), value).isEqualTo(slow.toString());
      for (int i = 0; i < fast.size(); i++) {
        assertThat(fast.get(i).getClass()).isEqualTo(slow.get(i).getClass());
        if (fast.get(i) instanceof Via v) {
          Via s = (Via) slow.get(i);
          assertThat(List.of(v.protocolName(), v.protocolVersion(), v.transport(), v.host()))
              .isEqualTo(List.of(s.protocolName(), s.protocolVersion(), s.transport(), s.host()));
        }
      }
    }
    return true;
  }

  /** Checks every fast header on {@code value}; whether any fast path took it. */
  private static boolean checkAll(String value) {
    boolean any = false;
    for (Header<?> header : FAST) {
      try {
        any |= check(header, value);
      } catch (SipParseException e) {
        throw new AssertionError("the fast path took what the String grammar refuses: "
            + header.name() + ": " + value + " (" + e.getMessage() + ")", e);
      }
    }
    return any;
  }

  @Test
  void takesTheUsualValues() {
    for (String v : TYPICAL) {
      boolean any = false;
      for (Header<?> header : FAST) {
        any |= check(header, v);
      }
      assertThat(any).as("no fast path took %s", v).isTrue();
    }
  }

  @Test
  void agreesWithTheStringGrammarOnTheCorpus() {
    assertThat(CORPUS.size()).isGreaterThan(TYPICAL.size());
    for (String v : CORPUS) {
      checkAll(v);
    }
  }

  @Test
  void listsOfTwoOrMoreAgreeAndMalformedListsAreLeftToTheStringGrammar() {
    for (String v : List.of("<sip:a.example.org;lr>,<sip:b.example.org;lr>",
        "<sip:a.example.org;lr> , <sip:b.example.org;lr>, <sip:c.example.org:5070;lr>",
        "<sip:a.example.org>, <sip:b.example.org>, <sip:c.example.org>, <sip:d.example.org>")) {
      assertThat(checkAll(v)).as("no fast path took %s", v).isTrue();
    }
    for (String v : List.of("<sip:a.example.org>,", "<sip:a.example.org>, ",
        "<sip:a.example.org>,,<sip:b.example.org>", "<sip:a.example.org>, ,<sip:b.example.org>",
        "<sip:a.example.org>, <sip:b.example.org>,", "<sip:a.example.org>, <sip:b.example.org> x",
        "<sip:a.example.org>, <sip:b.example.org>, <sip:c.example.org>,")) {
      byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
      assertThat(Header.ROUTE.parseWire(bytes, 0, bytes.length)).as(v).isNull();
      assertThat(Header.CONTACT.parseWire(bytes, 0, bytes.length)).as(v).isNull();
    }
  }

  @Test
  void requestUriAgreesWithTheUriGrammar() {
    for (String v : List.of("sip:bob@example.org", "sips:a%41@h.example.com:5061;transport=tcp",
        "sip:192.0.2.1", "sip:a@1.2.3.256", "sip:a@-x.com", "sip:a:pw@h", "SIP:x@Y.org;LR")) {
      checkUri(v);
    }
  }

  private static void checkUri(String v) {
    byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
    SipUri fast = WireGrammar.sipUri(bytes, 0, bytes.length);
    if (fast != null) {
      Leniency leniency = Leniency.strict();
      Uri slow = UriParser.parse(v, 0, v.length(), leniency);
      assertThat(leniency.found()).isEmpty();
      assertThat(fast).as(v).isEqualTo(slow);
      assertThat(fast.toString()).as(v).isEqualTo(slow.toString());
    }
  }

  @Property(tries = 3000)
  void mutatedValuesOnlyTakenWhenTheStringGrammarAgrees(@ForAll("mutatedValues") String value) {
    Statistics.label("taken").collect(checkAll(value));
    checkUri(value);
  }

  @Property(tries = 3000)
  void composedValuesOnlyTakenWhenTheStringGrammarAgrees(@ForAll("composedValues") String value) {
    Statistics.label("taken").collect(checkAll(value));
    checkUri(value);
  }

  private static final SipParser[][] PARSERS = {
      {SipParser.create(), SipParser.builder().wireGrammar(false).build()},
      {SipParser.builder().policy(CompliancePolicy.LENIENT).build(),
          SipParser.builder().policy(CompliancePolicy.LENIENT).wireGrammar(false).build()}};

  /** The start line as read from the bytes and by the String grammar: same message or error. */
  private static void checkMessage(byte[] bytes) {
    for (SipParser[] pair : PARSERS) {
      SipMessage fast;
      try {
        fast = pair[0].parse(bytes);
      } catch (SipParseException e) {
        SipParseException slow = org.assertj.core.api.Assertions.catchThrowableOfType(
            SipParseException.class, () -> pair[1].parse(bytes));
        assertThat(slow).as("the String grammar accepts what the fast path refuses").isNotNull();
        assertThat(List.of(e.getMessage(), e.statusCode()))
            .isEqualTo(List.of(slow.getMessage(), slow.statusCode()));
        continue;
      }
      SipMessage slow = pair[1].parse(bytes);
      assertThat(fast).isEqualTo(slow);
      assertThat(fast.startLine()).isEqualTo(slow.startLine());
      assertThat(fast.violations()).isEqualTo(slow.violations());
      assertThat(fast.bodyLength()).isEqualTo(slow.bodyLength());
      Headers fh = fast.headers();
      Headers sh = slow.headers();
      for (int i = 0; i < fh.size(); i++) {
        assertThat(List.of(fh.name(i), fh.line(i), fh.column(i)))
            .isEqualTo(List.of(sh.name(i), sh.line(i), sh.column(i)));
        assertThat(fh.headerName(i)).isEqualTo(sh.headerName(i));
      }
    }
  }

  @Test
  void headerNamesMatchedAsWordsReadAsOctetByOctet() {
    for (String field : List.of("Via: x", "Via : x", "VIA: x", "via: x", "v: x", "V: x",
        "Vias: x", "Vi: x", "Content-Length: 0", "Content-Lengths: 0", "Content-Lengt: 0",
        "Content-length: 0", "Content-Type:text/plain", "Max-Forwards: 70", "Max-Forwards\t: 70",
        "Call-ID:c", "Call-Id: c", "CSeq: 1 INVITE", "Cseq: 1 INVITE", "To:<sip:b@h>", "To",
        "To x: y", "T: y", "Ms-Conversation-ID: 1", "WWW-Authenticate: Digest realm=\"r\"",
        "Record-Route: <sip:h;lr>", "Record-Route-X: 1", "X-Via: 1", "\u00e9: 1", "Route:",
        "Supported:", "P-Asserted-Identity: <sip:a@h>", "Accept-Contact: *", "Accept: a/b")) {
      String text = "OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
          + field + "\r\nTo: <sip:b@h>\r\nFrom: <sip:a@h>;tag=1\r\nCall-ID: c\r\n"
          + "CSeq: 1 OPTIONS\r\n\r\n";
      checkMessage(text.getBytes(StandardCharsets.UTF_8));
      // At the very end of the input too, where a word would reach past the array.
      checkMessage(("OPTIONS sip:b@h SIP/2.0\r\n" + field).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final String REST = "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:b@h>\r\n"
      + "From: <sip:a@h>;tag=1\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

  @Test
  void usualStartLinesMatchTheStringGrammar() {
    for (String line : List.of("INVITE sip:bob@example.org SIP/2.0", "FOO sip:x@y SIP/2.0",
        "INVITE sip:bob@example.org sip/2.0", "INVITE sip:bob@example.org SIP/2.1",
        "INVITE  sip:bob@example.org SIP/2.0", "INVITE sip:bob@example.org SIP/2.0 ",
        "INVITE <sip:bob@example.org> SIP/2.0", "INVITE sip:b@h?Subject=x SIP/2.0",
        "INVITE tel:+1-201-555-0123 SIP/2.0", "INVITE sip:[::1] SIP/2.0", "INVITE sip: SIP/2.0",
        "SIP/2.0 200 OK", "sip/2.0 180 Ringing", "SIP/2.0 700 Nope", "SIP/2.0 099 Nope",
        "SIP/2.0 200", "SIP/2.0 200 ", "SIP/2.0  200 OK", "SIP/2.0 2000 OK", "SIP/2.0 200 O\u0001K",
        "SIP/2.0 200 Ok \u00e9t\u00e9", "SIP/2.0 20x OK", "SIP/3.0 200 OK", "SIP/2.0\t200 OK")) {
      checkMessage((line + REST).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Property(tries = 3000)
  void mutatedMessagesParseAsWithTheStringGrammar(@ForAll("mutatedMessages") byte[] bytes) {
    checkMessage(bytes);
  }

  @Provide
  Arbitrary<byte[]> mutatedMessages() {
    return new SipParserFuzzTest().mutated();
  }

  private static final String ALPHABET =
      "<>;:@\"=,%[]. \t-_09afAFsipSIP/\\?*'~!+()&$#^`{|}\u00e9\u0000xyzLR";

  @Provide
  Arbitrary<String> mutatedValues() {
    return ValueMutations.of(CORPUS, ALPHABET);
  }

  @Provide
  Arbitrary<String> composedValues() {
    Arbitrary<String> host = Arbitraries.of("example.org", "EXAMPLE.org.", "192.0.2.1",
        "256.1.1.1", "1.2.3", "1.2.3.4.5", "a-b.c", "-a.b", "a-.b", "a..b", "9x.1a", "x",
        "[2001:db8::1]", "abc:12", "a.b:5060:1", "h_x", "");
    Arbitrary<String> port = Arbitraries.of("", ":5060", ":0", ":65535", ":65536", ":", ":12a",
        ":1.2", ":123456");
    Arbitrary<String> user = Arbitraries.of("", "alice@", "a%41@", "a%4@", "a%zz@", "a:pw@",
        "a;b=c@", "+1-212@", "a b@", "a#b@", "@", "\u00e9@");
    Arbitrary<String> uriParams = Arbitraries.of("", ";lr", ";transport=udp", ";transport=u%64p",
        ";transport=a@b", ";ttl=255", ";ttl=256", ";ttl=1234", ";TTL=1", ";maddr=1.2.3.4",
        ";method=INVITE", ";user=phone", ";p", ";p=", ";=v", ";;", ";a=b;c", ";a=%41", ";a=%4",
        "?h=v", ";a={");
    Arbitrary<String> scheme = Arbitraries.of("sip:", "sips:", "SIP:", "Sips:", "tel:", "sip",
        "si:");
    Arbitrary<String> uri = Combinators.combine(scheme, user, host, port, uriParams)
        .as((s, u, h, p, q) -> s + u + h + p + q);
    Arbitrary<String> display = Arbitraries.of("", "\"Alice\" ", "\"A \\\"B\\\"\" ", "\"\" ",
        "Bob ", "Bob", "Bob  Smith ", "\"unterminated ", "\"\u00e9\" ", "* ");
    Arbitrary<String> headerParams = Arbitraries.of("", ";tag=abc", " ; tag = abc", ";tag",
        ";tag=", ";expires=3600;q=0.5", ";+sip.instance=\"<urn:x>\"", ";x=\"a", ";x=[::1]",
        ";received=2001:db8::1", ";a=b,c", ";a=\u00e9");
    Arbitrary<String> bracketed = Combinators.combine(display, uri, headerParams)
        .as((d, u, p) -> d + "<" + u + ">" + p);
    Arbitrary<String> bare = Combinators.combine(uri, headerParams).as(String::concat);
    Arbitrary<String> address = Arbitraries.oneOf(bracketed, bare, bracketed.map(a -> a + ", " + a),
        bracketed.map(a -> a.replace("<", "< ")), bracketed.map(a -> a + ","));
    Arbitrary<String> via = Combinators.combine(
            Arbitraries.of("SIP/2.0/UDP ", "SIP/2.0/udp ", "SIP/2.0/TCP\t", "SIP / 2.0 / UDP ",
                "SIP/2.0/UDP", "sip/2.0/UDP ", "SIP/2.0/XYZ "),
            host, port, headerParams)
        .as((a, h, p, q) -> a + h + p + q);
    Arbitrary<String> numbers = Arbitraries.of("0", "70", "255", "256", "007", "1 INVITE",
        "4294967295 ACK", "4294967296 ACK", "12 FOO", "12INVITE", "12  BYE ", "a@b", "@b",
        "a@", "a@b@c", "a b", "x\"y@[z]");
    return Arbitraries.oneOf(address, via, numbers, uri);
  }
}
