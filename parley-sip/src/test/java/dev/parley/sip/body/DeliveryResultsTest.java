package dev.parley.sip.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.body.DeliveryResults.Result;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryResultsTest {
  private static DeliveryResults parse(String s) {
    return DeliveryResults.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theContractsExampleIsWrittenAndReadBack() {
    DeliveryResults results = DeliveryResults.of(List.of(
        new Result("sip:bob@d", 200), new Result("sip:carol@d", 408)));
    assertThat(results.toJson()).isEqualTo(
        "{\"results\":[{\"uri\":\"sip:bob@d\",\"status\":200},{\"uri\":\"sip:carol@d\",\"status\":408}]}");
    assertThat(DeliveryResults.parse(results.toBytes())).isEqualTo(results);
    assertThat(results.statusOf("sip:carol@d")).isEqualTo(408);
    assertThat(results.statusOf("sip:dave@d")).isEqualTo(-1);
    assertThat(results.results().get(0).isSuccess()).isTrue();
  }

  @Test
  void whitespaceEscapesAndUnknownMembersAreTolerated() {
    DeliveryResults r = parse(" { \"version\": 2, \"results\" : [ {\"status\":480, \"reason\":"
        + "{\"text\":[1,2.5,true,null]}, \"uri\":\"sip:\\u0062ob@d\"} ], \"extra\":\"x\" } ");
    assertThat(r.results()).containsExactly(new Result("sip:bob@d", 480));
    assertThat(parse("{\"results\":[]}").results()).isEmpty();
  }

  @Test
  void aUriWithQuotesIsEscaped() {
    DeliveryResults r = DeliveryResults.of(List.of(new Result("sip:\"odd\"\\@d", 200)));
    assertThat(DeliveryResults.parse(r.toBytes())).isEqualTo(r);
  }

  @Test
  void whatIsNotTheShapeIsRefusedNamingTheFault() {
    assertThatThrownBy(() -> parse("{\"results\":")).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("unexpected end");
    assertThatThrownBy(() -> parse("[]")).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("no \"results\" array");
    assertThatThrownBy(() -> parse("{\"results\":[{\"uri\":\"sip:a@d\"}]}"))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("integer status");
    assertThatThrownBy(() -> parse("{\"results\":[{\"uri\":\"sip:a@d\",\"status\":99999999999}]}"))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("status out of range");
    assertThatThrownBy(() -> parse("{\"results\":[]} trailing")).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("text after the value");
    assertThatThrownBy(() -> parse("[".repeat(100))).isInstanceOf(BodyFormatException.class)
        .hasMessageContaining("nested deeper than 16");
    assertThatThrownBy(() -> DeliveryResults.parse(new byte[DeliveryResults.MAX_BYTES + 1]))
        .isInstanceOf(BodyFormatException.class).hasMessageContaining("more than");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> new Result("sip:a@d", 42))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("status out of range: 42");
    assertThatThrownBy(() -> new Result(" ", 200))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("uri is missing");
  }
}
