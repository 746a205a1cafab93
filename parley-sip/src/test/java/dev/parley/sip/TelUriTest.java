package dev.parley.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.internal.Leniency;
import dev.parley.sip.internal.UriParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TelUriTest {

  @Test
  void globalNumberKeepsItsVisualSeparators() {
    TelUri tel = TelUri.parse("tel:+1-201-555-0123");

    assertThat(tel.isGlobal()).isTrue();
    assertThat(tel.number()).isEqualTo("+1-201-555-0123");
    assertThat(tel.digits()).isEqualTo("+12015550123");
    assertThat(tel.phoneContext()).isNull();
    assertThat(tel.scheme()).isEqualTo("tel");
    assertThat(tel.isSip()).isFalse();
    assertThat(tel).hasToString("tel:+1-201-555-0123");
  }

  @Test
  void localNumberCarriesItsPhoneContext() {
    TelUri tel = TelUri.parse("tel:7042;phone-context=example.com");

    assertThat(tel.isGlobal()).isFalse();
    assertThat(tel.number()).isEqualTo("7042");
    assertThat(tel.phoneContext()).isEqualTo("example.com");
    assertThat(TelUri.parse("tel:863-1234;phone-context=+1-914-555").phoneContext())
        .isEqualTo("+1-914-555");
  }

  @Test
  void extensionSubaddressAndOtherParametersAreKeptInOrder() {
    TelUri tel = TelUri.parse("tel:+1-201-555-0123;ext=1234;isub=%3Ax/y?z;foo=bar;flag");

    assertThat(tel.extension()).isEqualTo("1234");
    assertThat(tel.isdnSubaddress()).isEqualTo("%3Ax/y?z");
    assertThat(tel.parameters().names()).containsExactly("ext", "isub", "foo", "flag");
    assertThat(tel.parameters().get("flag")).isNull();
    assertThat(Uri.parse(tel.toString())).isEqualTo(tel);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "tel:+1-201-555-0123",
      "tel:7042;phone-context=example.com",
      "tel:863-1234;phone-context=+1-914-555",
      "tel:*21#;phone-context=example.com",
      "tel:+49(0)30.1234",
      "tel:+1234;ext=1;isub=abc;phone-context=x.example"})
  void validTelUriRoundTrips(String text) {
    Uri uri = Uri.parse(text);

    assertThat(uri).isInstanceOf(TelUri.class).hasToString(text);
    assertThat(Uri.parse(uri.toString())).isEqualTo(uri);
  }

  @Test
  void schemeIsCaseInsensitive() {
    assertThat(Uri.parse("TEL:+1234")).isEqualTo(TelUri.parse("tel:+1234"));
  }

  @Test
  void localNumberWithoutContextIsRefusedStrictlyAndToleratedLeniently() {
    assertThatThrownBy(() -> TelUri.parse("tel:1234"))
        .isInstanceOf(SipParseException.class).hasMessageContaining("phone-context");

    Leniency lenient = new Leniency(CompliancePolicy.LENIENT);
    TelUri tel = UriParser.parseTelUri("tel:1234", 0, 8, lenient);

    assertThat(tel.number()).isEqualTo("1234");
    assertThat(lenient.found()).containsExactly(Violation.TEL_LOCAL_NUMBER_WITHOUT_CONTEXT);
  }

  @ParameterizedTest
  @CsvSource({
      "tel:, 4",
      "tel:+, 4",
      "tel:+-, 4",
      "tel:+1;, 7",
      "tel:+1;=x, 7",
      "tel:+1;a=, 9",
      "tel:+1;ext=x, 11",
      "tel:+1 2, 6",
      "tel:+1;phone-context=-bad, 21",
      "tel:+1@example.com, 6",
      "tel:g1, 4"})
  void malformedTelUriIsRefusedAtTheOffendingCharacter(String text, int index) {
    assertThatThrownBy(() -> Uri.parse(text))
        .isInstanceOf(SipParseException.class)
        .satisfies(e -> assertThat(((SipParseException) e).column() - 1)
            .as(e.getMessage()).isEqualTo(index));
  }

  @Test
  void ofBuildsAndChecks() {
    assertThat(TelUri.of("+1234", Parameters.builder().add("ext", "5").build()))
        .hasToString("tel:+1234;ext=5");
    assertThatThrownBy(() -> TelUri.of("12 34", Parameters.EMPTY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a valid tel URI");
  }
}
