package dev.parley.server.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.Address;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A binding keeps its texts packed and gives back exactly what it was built with. */
class BindingTest {
  private static final Aor AOR = new Aor("alice", "example.com");
  private static final String INSTANCE = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";
  private static final Address CONTACT = Address.parse(
      "\"Alice\" <sip:alice@192.0.2.10:5070;transport=tcp;ob>;+sip.instance=\"" + INSTANCE
          + "\";reg-id=1;q=0.5");
  private static final List<Address> PATH = List.of(Address.parse("<sip:p1.example.com;lr>"),
      Address.parse("<sip:p2.example.com;lr>"));

  private static Binding binding(String userAgent) {
    return new Binding(AOR, CONTACT, 5_000L, 0.5f, "call-1@host", 7, PATH,
        "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1, "tcp:192.0.2.10:5070", userAgent,
        1_000L);
  }

  @Test
  void everyComponentComesBackAsGiven() {
    Binding b = binding("Téléphone/1.0");
    assertThat(b.aor()).isEqualTo(AOR);
    assertThat(b.contact()).isEqualTo(CONTACT);
    assertThat(b.contact().toString()).isEqualTo(CONTACT.toString());
    assertThat(b.expiresAt()).isEqualTo(5_000L);
    assertThat(b.q()).isEqualTo(0.5f);
    assertThat(b.callId()).isEqualTo("call-1@host");
    assertThat(b.cseq()).isEqualTo(7);
    assertThat(b.path()).isEqualTo(PATH);
    assertThat(b.instance()).isEqualTo("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
    assertThat(b.regId()).isEqualTo(1);
    assertThat(b.source()).isEqualTo("tcp:192.0.2.10:5070");
    assertThat(b.userAgent()).isEqualTo("Téléphone/1.0");
    assertThat(b.registeredAt()).isEqualTo(1_000L);
    assertThat(b.key()).isEqualTo("instance:" + INSTANCE + ";reg-id=1");
  }

  @Test
  void absentPartsStayAbsentAndTheKeyIsTheContactUri() {
    Address plain = Address.parse("<sip:bob@192.0.2.20>");
    Binding b = new Binding(AOR, plain, 1L, -1f, "c", 1, List.of(), null, 0, null, null, 0L);
    assertThat(b.path()).isEmpty();
    assertThat(b.instance()).isNull();
    assertThat(b.source()).isNull();
    assertThat(b.userAgent()).isNull();
    assertThat(b.key()).isEqualTo("uri:sip:bob@192.0.2.20");
    assertThat(b.effectiveQ()).isEqualTo(1.0f);
  }

  @Test
  void theTextsAndTheKeyReadWithoutParsingAreWhatTheParsedContactAndPathPrint() {
    for (String contact : List.of("<sip:bob@192.0.2.20>",
        "\"Bob <the \\\"boss\\\">\" <sip:bob@192.0.2.20:5062;transport=udp?subject=a%3Eb>;q=0.7",
        "sips:carol@[2001:db8::1]:5061;maddr=192.0.2.1", "<tel:+15551234567;phone-context=x>",
        "\"\" <sip:%61lice@example.com;lr>;foo=\"b>r\"")) {
      Address parsed = Address.parse(contact);
      Binding b = new Binding(AOR, parsed, 1L, -1f, "c", 1, PATH, null, 0, null, null, 0L);
      assertThat(b.contactText()).as(contact).isEqualTo(b.contact().toString())
          .isEqualTo(parsed.toString());
      assertThat(b.key()).as(contact).isEqualTo("uri:" + parsed.uri());
      assertThat(b.pathText()).isEqualTo("<sip:p1.example.com;lr>\n<sip:p2.example.com;lr>");
    }
    Binding noPath = new Binding(AOR, Address.parse("<sip:bob@192.0.2.20>"), 1L, -1f, "c", 1,
        List.of(), null, 0, null, null, 0L);
    assertThat(noPath.pathText()).isNull();
  }

  @Test
  void equalComponentsMakeEqualBindingsAndTheUserAgentIsShared() {
    Binding a = binding(new String("UA/2"));
    Binding b = binding(new String("UA/2"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.userAgent()).isSameAs(b.userAgent());
    assertThat(a).isNotEqualTo(binding("UA/3"));
    assertThat(a.toString()).contains("call-1@host", "UA/2");
  }

  @Test
  void requiredPartsAreNamedWhenMissing() {
    assertThatThrownBy(() -> new Binding(null, CONTACT, 1L, -1f, "c", 1, List.of(), null, 0,
        null, null, 0L)).hasMessage("aor");
    assertThatThrownBy(() -> new Binding(AOR, null, 1L, -1f, "c", 1, List.of(), null, 0,
        null, null, 0L)).hasMessage("contact");
    assertThatThrownBy(() -> new Binding(AOR, CONTACT, 1L, -1f, null, 1, List.of(), null, 0,
        null, null, 0L)).hasMessage("callId");
    assertThatThrownBy(() -> new Binding(AOR, CONTACT, 1L, -1f, "c", 1, null, null, 0,
        null, null, 0L)).hasMessage("path");
  }

  @Test
  void aRefreshedBindingHoldsTheAorInstanceTheLocationTableAlreadyHas() {
    LocationService location = new LocationService(java.time.Clock.systemUTC(), 10);
    Aor first = new Aor("alice", "example.com");
    Address contact = Address.parse("<sip:alice@192.0.2.10>");
    long later = System.currentTimeMillis() + 60_000;
    location.update(first, l -> List.of(
        new Binding(first, contact, later, -1f, "c", 1, List.of(), null, 0, null, null, 0L)));
    Aor again = new Aor("alice", "example.com");
    List<Binding> after = location.update(again, l -> List.of(
        new Binding(again, contact, later, -1f, "c", 2, List.of(), null, 0, null, null, 0L)));

    assertThat(after).singleElement().satisfies(b -> {
      assertThat(b.aor()).isSameAs(first);
      assertThat(b.cseq()).isEqualTo(2);
    });
  }
}
