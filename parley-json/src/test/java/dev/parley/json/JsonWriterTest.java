package dev.parley.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void writesMembersInOrderWithCommasAndNoWhitespace() {
    String json = new JsonWriter().beginObject()
        .field("s", "x").field("n", -42).field("b", true).field("none", (String) null)
        .name("list").beginArray().value(1).value("two").beginObject().endObject().endArray()
        .name("empty").beginArray().endArray()
        .endObject().toString();

    assertThat(json).isEqualTo(
        "{\"s\":\"x\",\"n\":-42,\"b\":true,\"none\":null,\"list\":[1,\"two\",{}],\"empty\":[]}");
  }

  @Test
  void escapesQuotesBackslashAndTheThreeShortControlCharacters() {
    assertThat(string("say \"hi\" \\ a\nb\rc\td")).isEqualTo("\"say \\\"hi\\\" \\\\ a\\nb\\rc\\td\"");
  }

  @Test
  void escapesOtherControlCharactersAndDelAsLowerCaseUnicodeEscapes() {
    assertThat(string("\u0000\u0001\b\f\u000b\u001f\u007f"))
        .isEqualTo("\"\\u0000\\u0001\\u0008\\u000c\\u000b\\u001f\\u007f\"");
  }

  @Test
  void writesNonAsciiAndPairedSurrogatesAsTheyAre() {
    assertThat(string("é ü 中文 \u00a0 \uD83D\uDE00 /")).isEqualTo("\"é ü 中文 \u00a0 \uD83D\uDE00 /\"");
  }

  @Test
  void escapesASurrogateThatIsNotHalfOfAPair() {
    assertThat(string("a\uD83Db")).isEqualTo("\"a\\ud83db\"");
    assertThat(string("\uDE00x\uD83D")).isEqualTo("\"\\ude00x\\ud83d\"");
  }

  @Test
  void escapesEveryControlCharacterAndEveryLoneSurrogateAsItsFourHexDigits() {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      boolean escaped = c < 0x20 && "\n\r\t".indexOf(c) < 0 || c == 0x7F
          || Character.isSurrogate(c);
      if (escaped) {
        assertThat(string("a" + c + "b")).as("char %04x", (int) c)
            .isEqualTo("\"a" + String.format("\\u%04x", (int) c) + "b\"");
      }
    }
  }

  @Test
  void escapesMemberNamesAsValues() {
    assertThat(new JsonWriter().beginObject().field("a\"\u0001", 1).endObject().toString())
        .isEqualTo("{\"a\\\"\\u0001\":1}");
  }

  @Test
  void whatItWritesParsesBackToTheSameValues() {
    String text = "Ua \"quoted\" \\ \t\u0001\u007f \uD83D\uDE00 \uD83D end";
    String json = new JsonWriter().beginArray().value(text).value(-123456789012L).endArray()
        .toString();

    assertThat(JsonParser.parse(json)).isEqualTo(java.util.List.of(text, -123456789012L));
  }

  @Test
  void writesFractionsInPlainNotationAndNonFiniteNumbersAsNull() {
    String json = new JsonWriter().beginArray().value(0.25).value(12.0).value(-0.0).value(1e-7)
        .value(1e21).value(Double.NaN).value(Double.POSITIVE_INFINITY).endArray().toString();

    assertThat(json).isEqualTo("[0.25,12,0,0.0000001,1000000000000000000000,null,null]");
  }

  private static String string(String s) {
    return new JsonWriter().value(s).toString();
  }
}
