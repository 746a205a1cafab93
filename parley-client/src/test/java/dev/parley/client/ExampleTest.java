package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.examples.HandlingSessionInvitations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The seed's flow runs end to end, both answers. */
class ExampleTest {
  @Test
  void theSeedsFlowAcceptsAndDeclines() throws Exception {
    assertThat(run("--answer=y")).contains("Accept incoming session from sip:alice@127.0.0.1? [y/n]",
        "conversation ", "an IM session", "alice: sip:bob@127.0.0.1:");
    assertThat(run("--answer=y")).contains("is CONNECTED");
    assertThat(run("--answer=n")).contains("alice: invitation failed: 603 Decline");
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
