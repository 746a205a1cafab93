package dev.parley.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
  @Test
  void readsObjectsInOrderArraysAndScalars() {
    Object v = JsonParser.parse(
        " {\"b\":1,\"a\":[true,false,null,-2.5e1,\"x\"],\"c\":{}, \"d\" : 12345678901234567890}\n");

    assertThat(v).isInstanceOf(Map.class);
    Map<?, ?> m = (Map<?, ?>) v;
    assertThat(List.copyOf(m.keySet())).isEqualTo(List.of("b", "a", "c", "d"));
    assertThat(m.get("b")).isEqualTo(1L);
    assertThat((List<?>) m.get("a")).isEqualTo(Arrays.asList(true, false, null, -25.0, "x"));
    assertThat(m.get("c")).isEqualTo(Map.of());
    assertThat(m.get("d")).isEqualTo(1.2345678901234567e19);
  }

  @Test
  void readsEveryEscape() {
    assertThat(JsonParser.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\""))
        .isEqualTo("\" \\ / \b \f \n \r \t é \uD83D\uDE00");
  }

  @Test
  void refusesNestingDeeperThanTheLimit() {
    String ok = "[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1);
    String deep = "[".repeat(JsonParser.MAX_DEPTH + 2) + "]".repeat(JsonParser.MAX_DEPTH + 2);

    assertThat(JsonParser.parse(ok)).isInstanceOf(List.class);
    assertThatThrownBy(() -> JsonParser.parse(deep))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper than 64");
  }

  @Test
  void refusesWhatIsNotJsonNamingTheOffset() {
    assertThatThrownBy(() -> JsonParser.parse("{\"a\":1} x"))
        .hasMessage("not JSON: unexpected text after the value at offset 8");
    assertThatThrownBy(() -> JsonParser.parse("\"a\u0001\"")).hasMessageContaining("control character");
    assertThatThrownBy(() -> JsonParser.parse("[1,]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonParser.parse("{\"a\"}")).hasMessageContaining("expected ':'");
    assertThatThrownBy(() -> JsonParser.parse("\"\\x\"")).hasMessageContaining("bad escape");
    assertThatThrownBy(() -> JsonParser.parse("1-2")).hasMessageContaining("bad number");
    assertThatThrownBy(() -> JsonParser.parse("")).hasMessageContaining("unexpected end");
  }
}
