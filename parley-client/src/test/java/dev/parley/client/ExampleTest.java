package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.examples.AnswerAndPlayWav;
import dev.parley.client.examples.HandlingSessionInvitations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples run end to end: the seed's flow with both answers, the WAV-playing bot. */
class ExampleTest {
  @Test
  void theSeedsFlowAcceptsAndDeclines() throws Exception {
    assertThat(run("--answer=y")).contains("Accept incoming session from sip:alice@127.0.0.1? [y/n]",
        "conversation ", "an IM session", "alice: sip:bob@127.0.0.1:");
    assertThat(run("--answer=y")).contains("is CONNECTED");
    assertThat(run("--answer=n")).contains("alice: invitation failed: 603 Decline");
  }

  @Test
  void theWavPlayingBotIsHeardAtTheFilesFrequency() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      AnswerAndPlayWav.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String printed = buffer.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("alice heard (\\d+) Hz over (\\d+) frames").matcher(printed);
    assertThat(m.find()).as(printed).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as(printed).isBetween(690, 710);
    assertThat(Integer.parseInt(m.group(2))).isEqualTo(150);
  }

  private static String run(String answer) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      HandlingSessionInvitations.main(new String[] {answer});
    } finally {
      System.setOut(out);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
