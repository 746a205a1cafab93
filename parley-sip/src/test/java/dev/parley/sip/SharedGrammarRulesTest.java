package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.internal.CharSource;
import dev.parley.sip.internal.Chars;
import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.Rfc3261Rules;
import dev.parley.sip.internal.UriParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The byte-level fast path ({@link WireGrammar}) and the String grammar ({@code UriParser},
 * {@code HeaderGrammar}, {@code Lexer}) apply one set of rules ({@link Chars},
 * {@link Rfc3261Rules}): the classes say what RFC 3261 §25.1 says for every octet, a rule gives
 * the same verdict over octets as over characters, and a URI reads the same on both paths.
 */
class SharedGrammarRulesTest {
  private static final String ALPHANUM =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String MARK = "-_.!~*'()";

  /** The classes as RFC 3261 §25.1 (and §19.1.2) spells them, octet by octet. */
  private static final List<Object[]> CLASSES = List.of(
      new Object[] {"token", Chars.TOKEN, in(ALPHANUM + "-.!%*_+`'~")},
      new Object[] {"unreserved", Chars.UNRESERVED, in(ALPHANUM + MARK)},
      new Object[] {"user", Chars.USER, in(ALPHANUM + MARK + "&=+$,;?/")},
      new Object[] {"paramchar", Chars.PARAM, in(ALPHANUM + MARK + "[]/:&+$")},
      new Object[] {"hname/hvalue", Chars.HNV, in(ALPHANUM + MARK + "[]/?:+$")},
      new Object[] {"host", Chars.HOST, in(ALPHANUM + "-.")},
      new Object[] {"unwise", Chars.UNWISE, in("#\\^`{|}")},
      new Object[] {"word", Chars.WORD, in(ALPHANUM + "-.!%*_+`'~()<>:\\\"/[]?{}")},
      new Object[] {"HEXDIG", Chars.HEX, in("0123456789abcdefABCDEF")},
      new Object[] {"qdtext", Chars.QDTEXT,
          (IntPredicate) c -> c == ' ' || c == '\t' || c == 0x21 || c >= 0x23 && c <= 0x5B
              || c >= 0x5D && c <= 0x7E || c >= 0x80});

  private static IntPredicate in(String chars) {
    return c -> chars.indexOf(c) >= 0;
  }

  @Test
  void everyOctetBelongsToTheClassesTheRfcGivesIt() {
    for (Object[] row : CLASSES) {
      int bit = (Integer) row[1];
      IntPredicate rfc = (IntPredicate) row[2];
      for (int c = 0; c < 256; c++) {
        assertThat(Chars.is(c, bit)).as("%s: 0x%02X", row[0], c).isEqualTo(rfc.test(c));
        assertThat(Chars.isOctet((byte) c, bit)).as("%s (octet): 0x%02X", row[0], c)
            .isEqualTo(rfc.test(c));
      }
    }
  }

  @Test
  void bothParsersReadTheSameCharacterFromEveryOctet() {
    byte[] octets = new byte[256];
    for (int c = 0; c < 256; c++) {
      octets[c] = (byte) c;
    }
    CharSource wire = CharSource.of(octets);
    CharSource text = CharSource.of(new String(octets, StandardCharsets.ISO_8859_1));
    for (int c = 0; c < 256; c++) {
      assertThat(wire.at(c)).isEqualTo(c).isEqualTo(text.at(c));
    }
  }

  private static final List<String> SAMPLES = List.of(
      "example.org", "EXAMPLE.org.", "a-b.c", "-a.b", "a-.b", "a..b", "9x.1a", "x", "a.1", "",
      "192.0.2.1", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4", "01.002.3.255", "1234.1.1.1",
      "1..2.3", "0", "65535", "65536", "000080", "123456789012", "255", "256", "1x", "udp",
      "u%64p", "a@b", "a/b", "9c1e2f7a@198.51.100.10", "@b", "a@", "a@b@c", "x\"y@[z]",
      "alice%41", "a%4", "a%zz", "a#b", "a{b}", "user;par=u%40example.net", "\u00e9t\u00e9",
      "Bob Smith <sip:b@h>", "Bob\t<sip:b@h>", "Bob<sip:b@h>", "sip:b@h");

  @Test
  void everyRuleGivesTheSameVerdictOverOctetsAndOverCharacters() {
    for (String sample : SAMPLES) {
      byte[] bytes = sample.getBytes(StandardCharsets.ISO_8859_1);
      CharSource wire = CharSource.of(bytes);
      CharSource text = CharSource.of(sample);
      int n = sample.length();
      String as = "rule over '" + sample + "'";
      assertThat(Rfc3261Rules.tokenEnd(wire, 0, n)).as(as).isEqualTo(Rfc3261Rules.tokenEnd(text, 0, n));
      int hostEnd = Rfc3261Rules.hostEnd(wire, 0, n);
      assertThat(hostEnd).as(as).isEqualTo(Rfc3261Rules.hostEnd(text, 0, n));
      if (hostEnd > 0) {
        assertThat(Rfc3261Rules.hostnameOrIPv4address(wire, 0, hostEnd)).as(as)
            .isEqualTo(Rfc3261Rules.hostnameOrIPv4address(text, 0, hostEnd));
      }
      assertThat(Rfc3261Rules.ipv4address(wire, 0, n)).as(as)
          .isEqualTo(Rfc3261Rules.ipv4address(text, 0, n));
      assertThat(Rfc3261Rules.callid(wire, 0, n)).as(as).isEqualTo(Rfc3261Rules.callid(text, 0, n));
      assertThat(Rfc3261Rules.displayNameEnd(wire, 0, n)).as(as)
          .isEqualTo(Rfc3261Rules.displayNameEnd(text, 0, n));
      for (int classes : new int[] {Chars.USER, Chars.PARAM, Chars.HNV}) {
        assertThat(Rfc3261Rules.escapedRunEnd(wire, 0, n, classes)).as(as)
            .isEqualTo(Rfc3261Rules.escapedRunEnd(text, 0, n, classes));
      }
      if (n > 0) {
        for (int kind : new int[] {Rfc3261Rules.TTL_PARAMETER, Rfc3261Rules.TOKEN_PARAMETER}) {
          assertThat(Rfc3261Rules.uriParameterValue(kind, wire, 0, n)).as(as)
              .isEqualTo(Rfc3261Rules.uriParameterValue(kind, text, 0, n));
        }
        if (Rfc3261Rules.tokenEnd(text, 0, n) == n && sample.chars().allMatch(Character::isDigit)) {
          assertThat(Rfc3261Rules.port(wire, 0, n)).as(as).isEqualTo(Rfc3261Rules.port(text, 0, n));
        }
      }
    }
  }

  /**
   * The one-pass host rule gives the verdict of the rules it stands for: the run of host
   * characters ({@code hostEnd}), then IPv4address when it is all digits and dots (with no
   * trailing part), else hostname; on every sample, every prefix of the host-ish samples, and
   * with a character after the run.
   */
  @Test
  void theOnePassHostRuleJudgesAsTheRunThenHostnameOrIPv4address() {
    List<String> hosts = new java.util.ArrayList<>(SAMPLES);
    for (String h : List.of("example.org", "a-b.c-d.e", "x.y-", "-x", "1.2.3.4", "1.2.3.4.",
        "1.2.3.4.5", "1.2.3.444", "1..2", ".a", "a.", "a..", "9.9x", "a-.b-", "1.2.3.4a",
        "core.example.org:5060;lr", "198.51.100.10:5060", "h-1.-h", "a.-b.c-", "...", "-", "0.0")) {
      for (int k = 0; k <= h.length(); k++) {
        hosts.add(h.substring(0, k));
      }
    }
    for (String sample : hosts) {
      for (CharSource src : List.of(CharSource.of(sample),
          CharSource.of(sample.getBytes(StandardCharsets.ISO_8859_1)))) {
        int n = sample.length();
        int run = Rfc3261Rules.hostEnd(src, 0, n);
        assertThat(Rfc3261Rules.host(src, 0, n)).as("host over '%s'", sample)
            .isEqualTo(threePassHost(src, 0, run));
      }
    }
  }

  /** The host rule as it was before the one-pass rule: three passes over the run. */
  private static long threePassHost(CharSource s, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = s.at(i);
      if (c != '.' && !Chars.is(c, Chars.DIGIT)) {
        return Rfc3261Rules.hostname(s, from, to);
      }
    }
    long v = Rfc3261Rules.ipv4address(s, from, to);
    return Rfc3261Rules.fault(v) == Rfc3261Rules.OK && Rfc3261Rules.index(v) != to
        ? Rfc3261Rules.verdict(Rfc3261Rules.IPV4_TRAILING, Rfc3261Rules.index(v)) : v;
  }

  /** URIs on both sides of each shared rule. */
  private static final List<String> URIS = List.of(
      "sip:alice@example.org", "sips:bob@biloxi.example.com:5061", "sip:192.0.2.1;lr",
      "sip:alice-0x55d1c0@198.51.100.10:5060;transport=udp", "sip:h;ttl=255", "sip:h;ttl=256",
      "sip:h;ttl=1x", "sip:h;ttl=0255", "sip:h;transport=a@b", "sip:h;transport=u%64p",
      "sip:h;method=INVITE", "sip:h;maddr=1.2.3.4", "sip:256.1.1.1", "sip:1.2.3",
      "sip:1.2.3.4.5", "sip:host-.com", "sip:-host.com", "sip:host..com", "sip:9x.1a",
      "sip:exa_mple.com", "sip:a%41@h", "sip:a%4@h", "sip:a#b@h", "sip:h:65535", "sip:h:65536",
      "sip:h:000080", "sip:h:", "sip:user;par=u%40example.net@example.com", "sip:h;a=%41",
      "sip:h;a={", "SIP:Alice@Example.ORG;Transport=TCP");

  @Test
  void aUriReadsTheSameOnBothPathsOrTheFastPathDeclinesIt() {
    int taken = 0;
    for (String uri : URIS) {
      byte[] bytes = uri.getBytes(StandardCharsets.US_ASCII);
      SipUri fast = WireGrammar.sipUri(bytes, 0, bytes.length);
      for (CompliancePolicy policy : List.of(CompliancePolicy.STRICT, CompliancePolicy.LENIENT)) {
        Uri slow;
        try {
          slow = UriParser.parse(uri, 0, uri.length(), new Leniency(policy));
        } catch (SipParseException e) {
          assertThat(fast).as("the fast path took what the String grammar refuses: " + uri).isNull();
          continue;
        }
        if (fast != null) {
          assertThat(fast).as(uri).isEqualTo(slow);
          assertThat(fast.toString()).as(uri).isEqualTo(slow.toString());
        }
      }
      taken += fast == null ? 0 : 1;
    }
    assertThat(taken).as("URIs the fast path took").isGreaterThanOrEqualTo(10);
  }

  @Test
  void theStringGrammarReportsARuleFaultWhereTheRuleFoundIt() {
    assertThatThrownBy(() -> Uri.parse("sip:host-.com")).isInstanceOfSatisfying(
        SipParseException.class, e -> assertThat(e.column() - 1).isEqualTo(
            Rfc3261Rules.index(Rfc3261Rules.hostname(CharSource.of("sip:host-.com"), 4, 13))))
        .hasMessageContaining("ends with '-'");
    assertThatThrownBy(() -> Uri.parse("sip:h;ttl=256")).hasMessageContaining("ttl out of range: 256");
    assertThatThrownBy(() -> Uri.parse("sip:256.1.1.1"))
        .hasMessageContaining("IPv4 address part out of range: 256");
  }
}
