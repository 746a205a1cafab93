package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriParser;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SipUriTest {

  /** Request-URIs and header URIs of RFC 4475 and RFC 5118 (file name first), and RFC 3261 §19.1.3. */
  static Stream<Arguments> validSipUris() {
    return Stream.of(
        // uri, user, password, host, port
        Arguments.of("sip:vivekg@chair-dnrc.example.com;unknownparam", // wsinv
            "vivekg", null, "chair-dnrc.example.com", -1),
        Arguments.of("sip:services.example.com;lr;unknownwith=value;unknown-no-value", // wsinv
            null, null, "services.example.com", -1),
        Arguments.of("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com", // intmeth
            "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
            "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", "example.com", -1),
        Arguments.of("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com", // intmeth
            "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", null, "example.com", -1),
        Arguments.of("sip:sips%3Auser%40example.com@example.net", // esc01
            "sips%3Auser%40example.com", null, "example.net", -1),
        Arguments.of("sip:%75se%72@example.com", "%75se%72", null, "example.com", -1), // esc01
        Arguments.of("sip:I%20have%20spaces@example.net", // esc01
            "I%20have%20spaces", null, "example.net", -1),
        Arguments.of("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31", // esc01
            "cal%6Cer", null, "host5.example.net", -1),
        Arguments.of("sip:null-%00-null@example.com", "null-%00-null", null, "example.com", -1),
        Arguments.of("sip:%00@host5.example.com", "%00", null, "host5.example.com", -1),
        Arguments.of("sip:%00%00@host5.example.com", "%00%00", null, "host5.example.com", -1),
        Arguments.of("sip:user;par=u%40example.net@example.com", // semiuri
            "user;par=u%40example.net", null, "example.com", -1),
        Arguments.of("sip:user@example.com:6000;unknownparam1=verylonglonglonglonglonglonglonglong"
            + "longlonglonglonglonglonglonglonglonglonglonglongvalue;longparamnamenamenamenamename"
            + "namenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename="
            + "shortvalue;verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong"
            + "longlonglonglonglonglonglonglongParameterNameWithNoValue", // longreq
            "user", null, "example.com", 6000),
        Arguments.of("sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallername"
            + "amazinglylongcallernameamazinglylongcallername@example.net", // longreq
            "amazinglylongcallernameamazinglylongcallernameamazinglylongcallername"
            + "amazinglylongcallernameamazinglylongcallername", null, "example.net", -1),
        Arguments.of("sip:127.0.0.1:5080", null, null, "127.0.0.1", 5080), // mpart01
        Arguments.of("sip:fluffy@127.0.0.1:5070", "fluffy", null, "127.0.0.1", 5070), // mpart01
        Arguments.of("sip:+13035551111@ift.client.example.net;user=phone", // inv2543
            "+13035551111", null, "ift.client.example.net", -1),
        Arguments.of("sip:UserB@example.com;maddr=ss1.example.com", // inv2543
            "UserB", null, "example.com", -1),
        Arguments.of("sip:+19725552222@gw1.example.net;unknownparam", // cparam02
            "+19725552222", null, "gw1.example.net", -1),
        Arguments.of("sip:user@example.com?Route=%3Csip:example.com%3E", // escruri
            "user", null, "example.com", -1),
        Arguments.of("sip:user@example.com?Route=%3Csip:sip.example.com%3E", // regescrt
            "user", null, "example.com", -1),
        Arguments.of("sip:example.com", null, null, "example.com", -1), // cparam01
        Arguments.of("sip:t.watson@example.org", "t.watson", null, "example.org", -1), // baddn
        Arguments.of("sip:registrar.example.com", null, null, "registrar.example.com", -1),
        Arguments.of("sip:[2001:db8::10]", null, null, "[2001:db8::10]", -1), // ipv6-good
        Arguments.of("sip:caller@[2001:db8::1]", "caller", null, "[2001:db8::1]", -1),
        Arguments.of("sip:[2001:db8::10:5070]", null, null, "[2001:db8::10:5070]", -1), // 4.3
        Arguments.of("sip:[2001:db8::10]:5070", null, null, "[2001:db8::10]", 5070), // 4.4
        Arguments.of("sip:user@[2001:db8::10]", "user", null, "[2001:db8::10]", -1), // 4.6
        Arguments.of("sip:caller@[2001:db8::9:1]", "caller", null, "[2001:db8::9:1]", -1),
        Arguments.of("sip:ted@[::ffff:192.0.2.2]", "ted", null, "[::ffff:192.0.2.2]", -1), // 4.9
        Arguments.of("sip:user@[2001:db8::192.0.2.1]", "user", null, "[2001:db8::192.0.2.1]", -1),
        Arguments.of("sip:user@[2001:db8:::192.0.2.1]", // 4.10, tolerated by STRICT
            "user", null, "[2001:db8:::192.0.2.1]", -1),
        // RFC 3261 §19.1.3
        Arguments.of("sip:alice@atlanta.com", "alice", null, "atlanta.com", -1),
        Arguments.of("sip:alice:secretword@atlanta.com;transport=tcp",
            "alice", "secretword", "atlanta.com", -1),
        Arguments.of("sips:alice@atlanta.com?subject=project%20x&priority=urgent",
            "alice", null, "atlanta.com", -1),
        Arguments.of("sip:+1-212-555-1212:1234@gateway.com;user=phone",
            "+1-212-555-1212", "1234", "gateway.com", -1),
        Arguments.of("sips:1212@gateway.com", "1212", null, "gateway.com", -1),
        Arguments.of("sip:alice@192.0.2.4", "alice", null, "192.0.2.4", -1),
        Arguments.of("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
            null, null, "atlanta.com", -1),
        Arguments.of("sip:alice;day=tuesday@atlanta.com", "alice;day=tuesday", null,
            "atlanta.com", -1),
        // more shapes
        Arguments.of("sip:user:@host.example.", "user", "", "host.example.", -1),
        Arguments.of("sip:a@b:0", "a", null, "b", 0),
        Arguments.of("sip:a@b:65535", "a", null, "b", 65535),
        Arguments.of("sip:[::1]", null, null, "[::1]", -1),
        Arguments.of("sip:[::]:5060", null, null, "[::]", 5060),
        Arguments.of("sip:[1:2:3:4:5:6:7:8]", null, null, "[1:2:3:4:5:6:7:8]", -1),
        Arguments.of("sip:[1:2:3:4:5:6:1.2.3.4]", null, null, "[1:2:3:4:5:6:1.2.3.4]", -1),
        Arguments.of("sip:x@h;maddr=[2001:db8::1];ttl=255", "x", null, "h", -1),
        Arguments.of("sip:x@h?a=&b=%20", "x", null, "h", -1));
  }

  @ParameterizedTest
  @MethodSource("validSipUris")
  void parsesCorpusUriIntoItsComponents(String text, String user, String password, String host,
      int port) {
    SipUri uri = SipUri.parse(text);

    assertThat(uri.user()).isEqualTo(user);
    assertThat(uri.password()).isEqualTo(password);
    assertThat(uri.host()).isEqualTo(host);
    assertThat(uri.port()).isEqualTo(port);
    assertThat(uri.toString()).isEqualTo(text);
    assertThat(SipUri.parse(uri.toString())).isEqualTo(uri).hasSameHashCodeAs(uri);
    assertThat(uri.equivalentTo(uri)).isTrue();
    assertThat(Uri.parse(text)).isEqualTo(uri);
  }

  @Test
  void semicolonBeforeAtBelongsToTheUserPart() {
    SipUri uri = SipUri.parse("sip:user;par=u%40example.net@example.com");

    assertThat(uri.user()).isEqualTo("user;par=u%40example.net");
    assertThat(uri.userDecoded()).isEqualTo("user;par=u@example.net");
    assertThat(uri.parameters().isEmpty()).isTrue();
  }

  @Test
  void escapedUserDecodesOnceWithoutRecursion() {
    assertThat(SipUri.parse("sip:sips%3Auser%40example.com@example.net").userDecoded())
        .isEqualTo("sips:user@example.com");
    SipUri contact = SipUri.parse("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    assertThat(contact.userDecoded()).isEqualTo("caller");
    assertThat(contact.isLooseRouting()).isTrue();
    assertThat(contact.parameters().value(1)).isEqualTo("v%61lue%25%34%31");
  }

  @Test
  void escapedNulDoesNotTruncateTheUser() {
    SipUri uri = SipUri.parse("sip:null-%00-null@example.com");

    assertThat(uri.userDecoded()).isEqualTo("null-\0-null").hasSize(11);
    assertThat(SipUri.parse("sip:%00@host5.example.com")
        .equivalentTo(SipUri.parse("sip:%00%00@host5.example.com"))).isFalse();
  }

  @Test
  void ipv6ReferenceKeepsBracketsAndPortOutsideThem() {
    SipUri ambiguous = SipUri.parse("sip:[2001:db8::10:5070]");
    SipUri unambiguous = SipUri.parse("sip:[2001:db8::10]:5070");

    assertThat(ambiguous.host()).isEqualTo("[2001:db8::10:5070]");
    assertThat(ambiguous.port()).isEqualTo(-1);
    assertThat(ambiguous.isIPv6()).isTrue();
    assertThat(unambiguous.host()).isEqualTo("[2001:db8::10]");
    assertThat(unambiguous.port()).isEqualTo(5070);
  }

  @Test
  void unbracketedIpv6IsRefused() {
    assertThatThrownBy(() -> SipUri.parse("sip:2001:db8::10"))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("enclosed in [ ]")
        .extracting(e -> ((SipParseException) e).column()).isEqualTo(5);
  }

  @Test
  void threeColonIpv6IsReportedAsViolationAndKeptAsWritten() {
    Leniency leniency = Leniency.strict();
    String text = "sip:user@[2001:db8:::192.0.2.1]";

    SipUri uri = (SipUri) UriParser.parse(text, 0, text.length(), leniency);

    assertThat(uri.host()).isEqualTo("[2001:db8:::192.0.2.1]");
    assertThat(leniency.found()).containsExactly(Violation.IPV6_EXTRA_COLON);
    assertThat(uri.equivalentTo(SipUri.parse("sip:user@[2001:db8::192.0.2.1]"))).isTrue();
  }

  @Test
  void threeColonIpv6IsRefusedWhenThePolicyDoesNotTolerateIt() {
    Leniency pedantic = new Leniency(CompliancePolicy.STRICT.without(Violation.IPV6_EXTRA_COLON));
    String text = "sip:user@[2001:db8:::192.0.2.1]";

    assertThatThrownBy(() -> UriParser.parse(text, 0, text.length(), pedantic))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("RFC 5118 §4.10");
  }

  @Test
  void knownParametersHaveShortcuts() {
    SipUri uri = SipUri.parse(
        "sip:+1-212-555-1212@gw.example.com;user=phone;transport=TCP;lr;maddr=239.255.255.1;ttl=15;method=INVITE");

    assertThat(uri.userParam()).isEqualTo("phone");
    assertThat(uri.transport()).isEqualTo("TCP");
    assertThat(uri.isLooseRouting()).isTrue();
    assertThat(uri.maddr()).isEqualTo("239.255.255.1");
    assertThat(uri.ttl()).isEqualTo(15);
    assertThat(uri.method()).isEqualTo("INVITE");
    assertThat(SipUri.parse("sip:h").ttl()).isEqualTo(-1);
    assertThat(SipUri.parse("sip:h").isLooseRouting()).isFalse();
  }

  @Test
  void headersAreAnOrderedNameValueList() {
    SipUri uri = SipUri.parse("sips:alice@atlanta.com?subject=project%20x&priority=urgent");

    assertThat(uri.headers().names()).containsExactly("subject", "priority");
    assertThat(uri.headers().get("Subject")).isEqualTo("project%20x");
    assertThat(uri.headers().decodedValue(0)).isEqualTo("project x");
    assertThat(SipUri.parse("sip:user@example.com?Route=%3Csip:example.com%3E").headers()
        .decodedValue(0)).isEqualTo("<sip:example.com>");
  }

  @Test
  void schemeIsCaseInsensitiveAndWrittenInLowerCase() {
    SipUri uri = SipUri.parse("SIP:ALICE@AtLanTa.CoM;Transport=udp");

    assertThat(uri.scheme()).isEqualTo("sip");
    assertThat(uri.isSip()).isTrue();
    assertThat(uri.isSecure()).isFalse();
    assertThat(uri.toString()).isEqualTo("sip:ALICE@AtLanTa.CoM;Transport=udp");
    assertThat(SipUri.parse("SiPs:a@b").isSecure()).isTrue();
  }

  static Stream<Arguments> invalidSipUris() {
    return Stream.of(
        // uri, 0-based index of the error
        Arguments.of("sip:user@example.com; lr", 21), // lwsruri
        Arguments.of("<sip:user@example.com>", 0), // ltgtruri
        Arguments.of("sip:2001:db8::10", 4), // ipv6-bad
        Arguments.of("sip:", 4),
        Arguments.of("sip:@host", 4),
        Arguments.of("sip::pw@host", 4),
        Arguments.of("sip:host:", 9),
        Arguments.of("sip:host:70000", 9),
        Arguments.of("sip:host:5060x", 13),
        Arguments.of("sip:host;", 9),
        Arguments.of("sip:host;;lr", 9),
        Arguments.of("sip:host;=x", 9),
        Arguments.of("sip:host;a=", 11),
        Arguments.of("sip:host?", 9),
        Arguments.of("sip:host?a", 10),
        Arguments.of("sip:host?a=b&", 13),
        Arguments.of("sip:[::1", 4),
        Arguments.of("sip:[1:2:3:4:5:6:7:8:9]", 21),
        Arguments.of("sip:[1:2:3:4:5:6:7]", 5),
        Arguments.of("sip:[1::2::3]", 9),
        Arguments.of("sip:[12345::1]", 5),
        Arguments.of("sip:[1:2:3:4:5:6:7:8::]", 5),
        Arguments.of("sip:[:1::2]", 5),
        Arguments.of("sip:[1::2:]", 9),
        Arguments.of("sip:[2001:db8:::1]", 13),
        Arguments.of("sip:[::ffff:1.2.3.4:5]", 19),
        Arguments.of("sip:[]", 5),
        Arguments.of("sip:256.1.1.1", 4),
        Arguments.of("sip:1.2.3", 9),
        Arguments.of("sip:1.2.3.4.5", 11),
        Arguments.of("sip:host-.com", 8),
        Arguments.of("sip:-host.com", 4),
        Arguments.of("sip:host..com", 9),
        Arguments.of("sip:exa_mple.com", 7),
        Arguments.of("sip:us er@host", 6),
        Arguments.of("sip:user@host%41", 13),
        Arguments.of("sip:a%4@host", 5),
        Arguments.of("sip:a:b:c@host", 7),
        Arguments.of("sip:a#b@host", 5),
        Arguments.of("sip:user@host@host", 13),
        Arguments.of("sip:host;ttl=256", 13),
        Arguments.of("sip:host;ttl=1x", 14),
        Arguments.of("sip:host;maddr=bad_host", 18),
        Arguments.of("sip:host;transport=a/b", 20),
        Arguments.of("sip:user@example.com SIP/2.0", 20),
        Arguments.of("user@example.com", 4),
        Arguments.of("", 0));
  }

  @ParameterizedTest
  @MethodSource("invalidSipUris")
  void malformedUriIsRefusedAtTheOffendingCharacter(String text, int index) {
    assertThatThrownBy(() -> Uri.parse(text))
        .isInstanceOf(SipParseException.class)
        .satisfies(e -> assertThat(((SipParseException) e).column() - 1)
            .as(e.getMessage()).isEqualTo(index));
  }

  @Test
  void errorIndexIsIntoTheWholeTextWhenParsingASlice() {
    String line = "INVITE sip:user@exa mple.com SIP/2.0";

    assertThatThrownBy(() -> UriParser.parse(line, 7, 28, Leniency.strict()))
        .isInstanceOf(SipParseException.class)
        .extracting(e -> ((SipParseException) e).column() - 1).isEqualTo(19);
    assertThat(UriParser.parse("INVITE sip:a@b SIP/2.0", 7, 14, Leniency.strict()))
        .hasToString("sip:a@b");
  }

  @Test
  void rawFeatureCodeCharactersAreToleratedOnlyByALenientPolicy() {
    String text = "sip:*21#@example.com";
    Leniency lenient = new Leniency(CompliancePolicy.LENIENT);

    SipUri uri = (SipUri) UriParser.parse(text, 0, text.length(), lenient);

    assertThat(uri.user()).isEqualTo("*21#");
    assertThat(lenient.found()).containsExactly(Violation.UNESCAPED_URI_CHARACTER);
    assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(SipParseException.class)
        .hasMessageContaining("must be escaped");
    assertThat(uri.toBuilder().port(5070).build()).hasToString("sip:*21#@example.com:5070");
  }

  @Test
  void parseOfANonSipSchemeIsRefusedBySipUriParse() {
    assertThatThrownBy(() -> SipUri.parse("tel:+1234"))
        .isInstanceOf(SipParseException.class).hasMessageContaining("not a sip");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "nobodyKnowsThisScheme:totallyopaquecontent", // unkscm
      "soap.beep://192.0.2.103:3002", // novelsc
      "isbn:2983792873", // unksm2
      "http://www.example.com", // unksm2
      "name:John_Smith", // unksm2
      "mailto:alice@example.com?subject=hi%20there",
      "urn:service:sos",
      "http://[2001:db8::1]:8080/a/b?c=d#frag"})
  void otherSchemesAreKeptVerbatim(String text) {
    Uri uri = Uri.parse(text);

    assertThat(uri).isInstanceOf(AbsoluteUri.class);
    assertThat(uri.isSip()).isFalse();
    assertThat(uri.toString()).isEqualTo(text);
    assertThat(uri.scheme()).isEqualTo(text.substring(0, text.indexOf(':')).toLowerCase());
    assertThat(Uri.parse(uri.toString())).isEqualTo(uri);
  }

  @Test
  void builderMakesTheWireForm() {
    SipUri uri = SipUri.builder()
        .secure(true)
        .userDecoded("I have spaces")
        .host("2001:db8::1")
        .port(5061)
        .transport("tls")
        .looseRouting(true)
        .header("Subject", "x")
        .build();

    assertThat(uri).hasToString("sips:I%20have%20spaces@[2001:db8::1]:5061;transport=tls;lr?Subject=x");
    assertThat(SipUri.parse(uri.toString())).isEqualTo(uri);
    assertThat(uri.toBuilder().transport(null).looseRouting(false).port(-1).build())
        .hasToString("sips:I%20have%20spaces@[2001:db8::1]?Subject=x");
  }

  @Test
  void builderRefusesWhatTheGrammarRefuses() {
    assertThatThrownBy(() -> SipUri.builder().host("example.com").port(70000).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("port out of range: 70000");
    assertThatThrownBy(() -> SipUri.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("host is missing");
    assertThatThrownBy(() -> SipUri.builder().host("exa mple.com").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("host is not valid: exa mple.com");
    assertThatThrownBy(() -> SipUri.builder().host("h").user("a@b").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("user is not valid: a@b");
    assertThatThrownBy(() -> SipUri.builder().host("h").user("").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("user is not valid");
    assertThatThrownBy(() -> SipUri.builder().host("h").password("x").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("password without user");
    assertThatThrownBy(() -> SipUri.builder().host("h").parameter("maddr", "a b").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("parameter is not valid: maddr=a b");
    assertThatThrownBy(() -> SipUri.builder().host("h").header("Route", "<sip:x>").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("header is not valid");
    assertThatThrownBy(() -> SipUri.builder().host("h").ttl(256))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("ttl out of range: 256");
  }

  @Test
  void toBuilderKeepsEveryComponent() {
    SipUri uri = SipUri.parse("sips:alice:pw@atlanta.com:5061;transport=tcp;lr?subject=project%20x");

    assertThat(uri.toBuilder().build()).isEqualTo(uri);
    assertThat(uri.toBuilder().user("bob").build())
        .hasToString("sips:bob:pw@atlanta.com:5061;transport=tcp;lr?subject=project%20x");
  }

  /** Collects the parts {@link SipUri#writeTo} gives, up to a number after which it stops the walk. */
  private static final class Parts implements UriTextSink {
    final java.util.List<String> parts = new java.util.ArrayList<>();
    private final int stopAfter;

    Parts(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    @Override
    public boolean text(String part) {
      parts.add(part);
      return parts.size() < stopAfter;
    }

    @Override
    public boolean decimal(int n) {
      return text(Integer.toString(n));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sip:bob@example.com", "sips:alice:secret@example.com:5061",
      "sip:alice:@example.com", "sip:example.com", "sip:127.0.0.1:0",
      "sip:bob@[2001:db8::10]:5062;transport=udp;lr", "sip:bob@example.com?subject=hi&x=y",
      "sip:%61lice@example.com:65535;maddr=10.0.0.1?h=v",
      "sip:+1-212-555-1212;isub=1411@example.com:5060;user=phone"})
  void theWrittenPartsJoinedAreTheWireFormAndAStopEndsTheWalk(String text) {
    SipUri uri = SipUri.parse(text);
    Parts all = new Parts(Integer.MAX_VALUE);
    assertThat(uri.writeTo(all)).isTrue();
    assertThat(String.join("", all.parts)).isEqualTo(text).isEqualTo(uri.toString());
    SipUri built = uri.toBuilder().port(uri.port() < 0 ? 5060 : uri.port() + 1 & 0xffff).build();
    Parts rebuilt = new Parts(Integer.MAX_VALUE);
    assertThat(built.writeTo(rebuilt)).isTrue();
    assertThat(String.join("", rebuilt.parts)).isEqualTo(built.toString());
    for (int stop = 1; stop < all.parts.size(); stop++) {
      Parts some = new Parts(stop);
      assertThat(uri.writeTo(some)).as("stopped after %d parts", stop).isFalse();
      assertThat(some.parts).isEqualTo(all.parts.subList(0, stop));
    }
  }
}
