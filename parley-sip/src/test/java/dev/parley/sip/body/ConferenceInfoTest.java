package dev.parley.sip.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.body.ConferenceInfo.ConfUri;
import dev.parley.sip.body.ConferenceInfo.Endpoint;
import dev.parley.sip.body.ConferenceInfo.Media;
import dev.parley.sip.body.ConferenceInfo.State;
import dev.parley.sip.body.ConferenceInfo.User;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConferenceInfoTest {
  /**
   * The full example of RFC 4575 §6 (typed in from the RFC's text): comments between the
   * sections, service-uris and disconnection-info that Parley does not model, two users of whom
   * one has left.
   */
  static final String RFC_FULL = """
      <?xml version="1.0" encoding="UTF-8"?>
      <conference-info
          xmlns="urn:ietf:params:xml:ns:conference-info"
          entity="sips:conf233@example.com"
          state="full" version="1">
        <!--
          CONFERENCE INFO
        -->
        <conference-description>
          <subject>Agenda: This month's goals</subject>
          <conf-uris>
            <entry>
              <uri>sips:conf233@example.com</uri>
              <display-text>Conference Bridge</display-text>
              <purpose>participation</purpose>
            </entry>
          </conf-uris>
          <service-uris>
            <entry>
              <uri>http://www.example.com/conf233/</uri>
              <purpose>web-page</purpose>
            </entry>
          </service-uris>
        </conference-description>
        <!--
          CONFERENCE STATE
        -->
        <conference-state>
          <user-count>33</user-count>
        </conference-state>
        <!--
          USERS
        -->
        <users>
          <user entity="sip:bob@example.com" state="full">
            <display-text>Bob Hoskins</display-text>
            <!--
              ENDPOINTS
            -->
            <endpoint entity="sip:bob@pc33.example.com">
              <display-text>Bob's Laptop</display-text>
              <status>disconnected</status>
              <disconnection-method>departed</disconnection-method>
              <disconnection-info>
                <when>2005-03-04T20:00:00Z</when>
                <reason>bad voice quality</reason>
                <by>sip:mike@example.com</by>
              </disconnection-info>
              <!--
                MEDIA
              -->
              <media id="1">
                <display-text>main audio</display-text>
                <type>audio</type>
                <label>34567</label>
                <src-id>432424</src-id>
                <status>sendrecv</status>
              </media>
            </endpoint>
          </user>
          <!--
            USER
          -->
          <user entity="sip:alice@example.com" state="full">
            <display-text>Alice</display-text>
            <!--
              ENDPOINTS
            -->
            <endpoint entity="sip:4kfk4j392jsu@example.com;grid=433kj4j3u">
              <status>connected</status>
              <joining-method>dialed-out</joining-method>
              <joining-info>
                <when>2005-03-04T20:00:00Z</when>
                <by>sip:mike@example.com</by>
              </joining-info>
              <!--
                MEDIA
              -->
              <media id="1">
                <type>audio</type>
                <label>34566</label>
                <src-id>534232</src-id>
                <status>sendrecv</status>
              </media>
            </endpoint>
          </user>
        </users>
      </conference-info>
      """;

  static ConferenceInfo parse(String xml) {
    return ConferenceInfo.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theRfcsFullExampleReadsAsTheRfcDescribesIt() {
    ConferenceInfo info = parse(RFC_FULL);
    assertThat(info.entity()).isEqualTo("sips:conf233@example.com");
    assertThat(info.version()).isEqualTo(1);
    assertThat(info.state()).isEqualTo(State.FULL);
    assertThat(info.subject()).isEqualTo("Agenda: This month's goals");
    assertThat(info.confUris()).containsExactly(
        new ConfUri("sips:conf233@example.com", "Conference Bridge", "participation"));
    assertThat(info.userCount()).isEqualTo(33);
    assertThat(info.users()).extracting(User::entity)
        .containsExactly("sip:bob@example.com", "sip:alice@example.com");

    User bob = info.user("sip:bob@example.com");
    assertThat(bob.displayText()).isEqualTo("Bob Hoskins");
    Endpoint laptop = bob.endpoint("sip:bob@pc33.example.com");
    assertThat(laptop.displayText()).isEqualTo("Bob's Laptop");
    assertThat(laptop.status()).isEqualTo(EndpointStatus.DISCONNECTED);
    assertThat(laptop.disconnectionMethod()).isEqualTo("departed");
    assertThat(laptop.media()).containsExactly(
        new Media("1", "main audio", "audio", "34567", "432424", MediaStatus.SENDRECV));

    Endpoint alice = info.user("sip:alice@example.com").endpoints().get(0);
    assertThat(alice.entity()).isEqualTo("sip:4kfk4j392jsu@example.com;grid=433kj4j3u");
    assertThat(alice.state()).isEqualTo(State.FULL);
    assertThat(alice.status()).isEqualTo(EndpointStatus.CONNECTED);
    assertThat(alice.joiningMethod()).isEqualTo("dialed-out");
    assertThat(alice.joiningWhen()).isEqualTo(Instant.parse("2005-03-04T20:00:00Z"));
  }

  @Test
  void theRfcsFullExampleWrittenAgainReadsTheSame() {
    ConferenceInfo info = parse(RFC_FULL);
    assertThat(ConferenceInfo.parse(info.toBytes())).isEqualTo(info);
  }

  static ConferenceInfo sample() {
    return ConferenceInfo.builder("sip:conf-abc@example.com", 7)
        .displayText("Team & friends")
        .subject("<weekly> \"sync\" 'é' 😀")
        .addConfUri(new ConfUri("sip:conf-abc@example.com", null, "participation"))
        .userCount(2).active(true).locked(false)
        .addUser(User.builder("sip:alice@example.com").displayText("Alice <A&B>")
            .addRole("participant")
            .addEndpoint(Endpoint.builder("sip:alice@192.0.2.1:5060;transport=tcp")
                .status(EndpointStatus.CONNECTED).joiningMethod("dialed-in")
                .joiningWhen(Instant.parse("2026-12-06T05:00:00Z"))
                .addMedia(Media.of("1", "audio", MediaStatus.SENDRECV)).build())
            .build())
        .addUser(User.builder("sip:bob@example.com")
            .addEndpoint(Endpoint.builder("sip:bob@192.0.2.2").status(EndpointStatus.ALERTING)
                .build())
            .build())
        .build();
  }

  @Test
  void aBuiltDocumentRoundTripsThroughItsXml() {
    ConferenceInfo info = sample();
    assertThat(ConferenceInfo.parse(info.toBytes())).isEqualTo(info);
  }

  @Test
  void theWriterUsesTheNamespaceAndEscapesTextAndAttributes() {
    ConferenceInfo info = ConferenceInfo.builder("sip:c@h?x=\"1\"&y=<2>", 1)
        .subject("a < b & c > d").build();
    String xml = info.toXml();
    assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .contains("<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\"")
        .contains("entity=\"sip:c@h?x=&quot;1&quot;&amp;y=&lt;2&gt;\"")
        .contains("<subject>a &lt; b &amp; c &gt; d</subject>")
        .contains("state=\"full\" version=\"1\"");
    assertThat(ConferenceInfo.parse(info.toBytes()).entity()).isEqualTo("sip:c@h?x=\"1\"&y=<2>");
  }

  @Test
  void characterXmlCannotCarryIsWrittenAsReplacementCharacter() {
    ConferenceInfo info = ConferenceInfo.builder("sip:c@h", 1).subject("bell\u0007").build();
    assertThat(ConferenceInfo.parse(info.toBytes()).subject()).isEqualTo("bell\uFFFD");
  }

  @Test
  void aPartialDocumentMarksItsUsersElementPartial() {
    ConferenceInfo partial = ConferenceInfo.builder("sip:c@h", 2).state(State.PARTIAL)
        .addUser(User.builder("sip:bob@h").state(State.DELETED).build()).build();
    assertThat(partial.toXml()).contains("<users state=\"partial\">")
        .contains("<user entity=\"sip:bob@h\" state=\"deleted\">");
    assertThat(ConferenceInfo.parse(partial.toBytes())).isEqualTo(partial);
  }

  @Test
  void unknownElementsAndAttributesAreIgnored() {
    ConferenceInfo info = parse("""
        <conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
            xmlns:x="urn:example:ext" entity="sip:c@h" version="3" x:flavour="mint" color="red">
          <x:extension><user entity="sip:ghost@h"/></x:extension>
          <host-info><web-page>http://h/</web-page></host-info>
          <users>
            <user entity="sip:a@h" x:mood="happy">
              <languages>en</languages>
              <endpoint entity="sip:a@1.2.3.4">
                <referred><by>sip:x@h</by></referred>
                <status>connected<x:why>because</x:why></status>
                <call-info><sip><call-id>abc</call-id></sip></call-info>
              </endpoint>
            </user>
          </users>
          <sidebars-by-ref/>
        </conference-info>
        """);
    assertThat(info.users()).hasSize(1);
    assertThat(info.users().get(0).endpoints().get(0).status()).isEqualTo(EndpointStatus.CONNECTED);
  }

  @Test
  void aDocumentWithoutNamespaceIsReadToo() {
    ConferenceInfo info = parse("<conference-info entity=\"sip:c@h\" version=\"1\"><users>"
        + "<user entity=\"sip:a@h\"/></users></conference-info>");
    assertThat(info.users()).extracting(User::entity).containsExactly("sip:a@h");
  }

  @Test
  void anUnknownStatusIsReadAsNone() {
    ConferenceInfo info = parse("<conference-info entity=\"sip:c@h\" version=\"1\"><users>"
        + "<user entity=\"sip:a@h\"><endpoint entity=\"e\"><status>teleporting</status>"
        + "</endpoint></user></users></conference-info>");
    assertThat(info.users().get(0).endpoints().get(0).status()).isNull();
  }

  @Test
  void anExternalEntityIsRefused() {
    String xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE conference-info [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <conference-info xmlns="urn:ietf:params:xml:ns:conference-info"
            entity="sip:c@h" version="1">
          <conference-description><subject>&xxe;</subject></conference-description>
        </conference-info>
        """;
    assertThatThrownBy(() -> parse(xxe)).isInstanceOf(ConferenceInfoException.class)
        .hasMessageContaining("DTD");
  }

  @Test
  void entityExpansionIsRefused() {
    String laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
        + "<conference-info entity=\"sip:c@h\" version=\"1\"><conference-description>"
        + "<subject>&lol2;</subject></conference-description></conference-info>";
    assertThatThrownBy(() -> parse(laughs)).isInstanceOf(ConferenceInfoException.class);
  }

  @Test
  void anUndeclaredEntityIsMalformed() {
    assertThatThrownBy(() -> parse("<conference-info entity=\"sip:c@h\" version=\"1\">"
        + "<conference-description><subject>&xxe;</subject></conference-description>"
        + "</conference-info>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessageContaining("not well-formed");
  }

  @Test
  void malformedDocumentsAreRefusedNamingTheFault() {
    assertThatThrownBy(() -> parse("<conference-info entity=\"sip:c@h\" version=\"1\"><users>"))
        .isInstanceOf(ConferenceInfoException.class);
    assertThatThrownBy(() -> parse("not xml at all"))
        .isInstanceOf(ConferenceInfoException.class).hasMessageContaining("not well-formed");
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(ConferenceInfoException.class);
    assertThatThrownBy(() -> parse("<conference-info version=\"1\"/>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("conference-info without entity");
    assertThatThrownBy(() -> parse("<conference-info entity=\"sip:c@h\"/>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("conference-info without version");
    assertThatThrownBy(() -> parse("<conference-info entity=\"sip:c@h\" version=\"-1\"/>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("bad version: -1");
    assertThatThrownBy(() -> parse("<conference-info entity=\"c\" version=\"1\" state=\"half\"/>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("bad state of conference-info: half");
    assertThatThrownBy(() -> parse("<presence entity=\"c\" version=\"1\"/>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessageContaining("root element");
    assertThatThrownBy(() -> parse("<conference-info entity=\"c\" version=\"1\"><users>"
        + "<user><display-text>x</display-text></user></users></conference-info>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("user without entity");
    assertThatThrownBy(() -> parse("<conference-info entity=\"c\" version=\"1\"><conference-state>"
        + "<user-count>many</user-count></conference-state></conference-info>"))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("bad user-count: many");
    assertThatThrownBy(() -> parse("<conference-info entity=\"c\" version=\"1\"/><trailing/>"))
        .isInstanceOf(ConferenceInfoException.class);
  }

  @Test
  void malformedUtf8IsRefusedAndABomIsRead() {
    byte[] bad = "<conference-info entity=\"c\" version=\"1\"><x>\u00e9</x></conference-info>"
        .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> ConferenceInfo.parse(bad))
        .isInstanceOf(ConferenceInfoException.class).hasMessageStartingWith("not UTF-8");
    byte[] doc = bytes("<conference-info entity=\"c\" version=\"1\"/>");
    byte[] withBom = new byte[doc.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(doc, 0, withBom, 3, doc.length);
    assertThat(ConferenceInfo.parse(withBom).entity()).isEqualTo("c");
  }

  @Test
  void aDocumentLargerThanTheLimitIsRefusedBeforeParsing() {
    byte[] huge = new byte[ConferenceInfoLimits.DEFAULT_MAX_BYTES + 1];
    assertThatThrownBy(() -> ConferenceInfo.parse(huge))
        .isInstanceOf(ConferenceInfoException.class).hasMessageContaining("larger than");
  }

  @Test
  void tooManyUsersEndpointsOrMediaAreRefused() {
    ConferenceInfoLimits small = new ConferenceInfoLimits(10_000, 2, 1, 1, 32, 4);
    String three = "<conference-info entity=\"c\" version=\"1\"><users><user entity=\"a\"/>"
        + "<user entity=\"b\"/><user entity=\"c\"/></users></conference-info>";
    assertThatThrownBy(() -> ConferenceInfo.parse(bytes(three), small))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("more than 2 users");
    String twoEndpoints = "<conference-info entity=\"c\" version=\"1\"><users><user entity=\"a\">"
        + "<endpoint entity=\"1\"/><endpoint entity=\"2\"/></user></users></conference-info>";
    assertThatThrownBy(() -> ConferenceInfo.parse(bytes(twoEndpoints), small))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("more than 1 endpoints in user a");
    String twoMedia = "<conference-info entity=\"c\" version=\"1\"><users><user entity=\"a\">"
        + "<endpoint entity=\"1\"><media id=\"1\"/><media id=\"2\"/></endpoint></user></users>"
        + "</conference-info>";
    assertThatThrownBy(() -> ConferenceInfo.parse(bytes(twoMedia), small))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("more than 1 media in endpoint 1");
  }

  @Test
  void deepNestingIsRefusedEvenInUnknownElements() {
    String deep = "<conference-info entity=\"c\" version=\"1\">" + "<x>".repeat(100)
        + "</x>".repeat(100) + "</conference-info>";
    assertThatThrownBy(() -> parse(deep))
        .isInstanceOf(ConferenceInfoException.class).hasMessage("elements nested deeper than 32");
  }

  @Test
  void theDefaultLimitsTakeAConferenceOfAThousandUsers() {
    ConferenceInfo.Builder b = ConferenceInfo.builder("sip:c@h", 1);
    for (int i = 0; i < 1000; i++) {
      b.addUser(User.builder("sip:u" + i + "@h").addEndpoint(Endpoint.builder("sip:u" + i + "@1.2.3.4")
          .status(EndpointStatus.CONNECTED).build()).build());
    }
    ConferenceInfo info = b.build();
    assertThat(ConferenceInfo.parse(info.toBytes()).users()).hasSize(1000);
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> ConferenceInfo.builder(" ", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("entity is missing");
    assertThatThrownBy(() -> ConferenceInfo.builder("c", -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("version out of range: -1");
    assertThatThrownBy(() -> User.builder(null).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("user entity is missing");
    assertThatThrownBy(() -> new ConferenceInfoLimits(0, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes must be positive: 0");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
