package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientEventTest {
  @Test
  void jsonLineEscapesControlCharactersAndKeepsNonAsciiAsItIs() {
    ClientEvent e = ClientEvent.of(ClientEvent.MESSAGE).put("session", 3)
        .put("from", "sip:zoë@example.com")
        .put("text", "a \"q\" \\ \n\r\t\u0001\b\u007f é 中 \uD83D\uDE00 \uD83D").build();

    String json = e.toJson();

    assertThat(json).startsWith("{\"event\":\"message\",\"time\":\"");
    assertThat(json.substring(json.indexOf("\",\"session\""))).isEqualTo(
        "\",\"session\":3,\"from\":\"sip:zoë@example.com\",\"text\":\"a \\\"q\\\" \\\\ \\n\\r\\t"
            + "\\u0001\\u0008\\u007f é 中 \uD83D\uDE00 \\ud83d\"}");
  }

  @Test
  void jsonLineWritesNullsBooleansNumbersAndParticipantListsInOrder() {
    ClientEvent e = ClientEvent.of(ClientEvent.SESSION).put("session", 1).put("reason", null)
        .put("incoming", true)
        .put("participants", List.of(Map.of("uri", "sip:bob@example.com"))).build();

    String json = e.toJson();

    assertThat(json.substring(json.indexOf(",\"session\""))).isEqualTo(
        ",\"session\":1,\"reason\":null,\"incoming\":true,"
            + "\"participants\":[{\"uri\":\"sip:bob@example.com\"}]}");
  }

  @Test
  void fractionsAreWrittenAsDecimalsAndWholeNumbersStayWhole() {
    ClientEvent e = ClientEvent.of(ClientEvent.MEDIA).put("session", 2).put("packetsSent", 250L)
        .put("jitterMs", 0.37).put("rttMs", null).put("fractionLost", 0.0).build();

    String json = e.toJson();

    assertThat(json.substring(json.indexOf(",\"session\""))).isEqualTo(
        ",\"session\":2,\"packetsSent\":250,\"jitterMs\":0.37,\"rttMs\":null,\"fractionLost\":0}");
  }

  @Test
  void waitMatchesTheDigitOfDtmfTheCodecOfMediaAndOnOrOffForHold() {
    ClientEvent five = ClientEvent.of(ClientEvent.DTMF).put("digit", "5").build();
    ClientEvent star = ClientEvent.of(ClientEvent.DTMF).put("digit", "*").build();
    ClientEvent media = ClientEvent.of(ClientEvent.MEDIA).put("codec", "PCMA").build();
    ClientEvent held = ClientEvent.of(ClientEvent.HOLD).put("onHold", false)
        .put("heldByPeer", true).build();
    ClientEvent resumed = ClientEvent.of(ClientEvent.HOLD).put("onHold", false)
        .put("heldByPeer", false).build();

    assertThat(five.matches("5")).isTrue();
    assertThat(five.matches("6")).isFalse();
    assertThat(star.matches("*")).isTrue();
    assertThat(media.matches("pcma")).isTrue();
    assertThat(media.matches("PCMU")).isFalse();
    assertThat(held.matches("on")).isTrue();
    assertThat(held.matches("off")).isFalse();
    assertThat(resumed.matches("OFF")).isTrue();
    assertThat(ClientEvent.NAMES).contains("dtmf", "media", "hold");
  }
}
