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
}
