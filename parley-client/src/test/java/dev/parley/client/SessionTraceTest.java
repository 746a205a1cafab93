package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.transport.Transport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-session trace: what a call records, its ladder diagram, and the file format. */
class SessionTraceTest {
  private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 5062);
  private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 5064);

  private static SessionTrace.Message msg(long millis, SessionTrace.Direction d, String text) {
    return new SessionTrace.Message(Instant.ofEpochMilli(1_700_000_000_000L + millis), d,
        Transport.UDP, A, B, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTraceOfACallHoldsItsMessagesInOrderAndDrawsThemAsALadder() throws Exception {
    try (Endpoint alice = Endpoint.builder("sip:alice@127.0.0.1").listen("udp:127.0.0.1:0").build();
        Endpoint bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0").build()) {
      alice.enable().join();
      bob.enable().join();
      bob.sessionManager().setListener((source, e) -> e.accept());
      Session call = alice.sessionManager().createSession(SessionType.AUDIO_VIDEO,
          SessionContext.EMPTY);
      call.addParticipant(bob.contactUri()).get(5, TimeUnit.SECONDS);
      Session bobCall = bob.sessionManager().sessions().get(0);
      call.terminate(RejectReason.DECLINE).get(5, TimeUnit.SECONDS); // after the 200 OK (BYE)
      bobCall.termination().get(5, TimeUnit.SECONDS);

      SessionTrace trace = call.trace();
      assertThat(trace.messages()).extracting(SessionTrace.Message::label).containsSubsequence(
          "INVITE", "180 Ringing", "200 OK", "ACK", "BYE", "200 OK (BYE)");
      assertThat(trace.messages()).extracting(SessionTrace.Message::direction).containsSubsequence(
          SessionTrace.Direction.SENT, SessionTrace.Direction.RECEIVED,
          SessionTrace.Direction.RECEIVED, SessionTrace.Direction.SENT,
          SessionTrace.Direction.SENT, SessionTrace.Direction.RECEIVED);
      assertThat(trace.messages()).allSatisfy(m -> assertThat(m.text())
          .contains(call.trace().messages().get(0).text().lines()
              .filter(l -> l.startsWith("Call-ID:")).findFirst().orElseThrow()));

      String ladder = trace.ladder();
      String aliceAddress = alice.contactUri().host() + ":" + alice.contactUri().port();
      String bobAddress = bob.contactUri().host() + ":" + bob.contactUri().port();
      List<String> lines = ladder.lines().toList();
      assertThat(lines.get(0)).contains(aliceAddress, bobAddress);
      assertThat(lines.get(0).indexOf(aliceAddress)).isLessThan(lines.get(0).indexOf(bobAddress));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(" *1  0\\.000 +\\|-+INVITE-+>\\|"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(" *\\d+  [0-9.]+ +\\|<-+180 Ringing-+\\|"));
      assertThat(lines).anySatisfy(l -> assertThat(l).matches(" *\\d+  [0-9.]+ +\\|-+BYE-+>\\|"));
      assertThat(ladder.indexOf("INVITE")).isLessThan(ladder.indexOf("180 Ringing"));
      assertThat(ladder.indexOf("180 Ringing")).isLessThan(ladder.indexOf("-ACK-"));
      assertThat(ladder.indexOf("-ACK-")).isLessThan(ladder.indexOf("-BYE-"));
      assertThat(trace.toText()).contains(ladder).contains("--- 1 ").contains("INVITE sip:bob@");

      // the other side saw the same call from its end
      assertThat(bobCall.trace().messages()).extracting(SessionTrace.Message::label)
          .containsSubsequence("INVITE", "180 Ringing", "200 OK", "ACK", "BYE");
    }
  }

  @Test
  void theLadderNumbersArrowsAndPointsThemFromSenderToReceiver() {
    SessionTrace trace = SessionTrace.of(List.of(
        msg(0, SessionTrace.Direction.SENT, "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n"),
        msg(12, SessionTrace.Direction.RECEIVED, "SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n"),
        msg(950, SessionTrace.Direction.RECEIVED, "SIP/2.0 200 OK\r\nCSeq: 2 MESSAGE\r\n\r\n")));
    assertThat(trace.ladder()).isEqualTo(String.join("\n",
        " #  time(s)  127.0.0.1:5062           127.0.0.1:5064",
        " 1  0.000    |---------INVITE-------->|",
        " 2  0.012    |<-----180 Ringing-------|",
        " 3  0.950    |<---200 OK (MESSAGE)----|", ""));
  }

  @Test
  void aTraceSavedToAFileLoadsBackTheSame(@TempDir Path dir) throws IOException {
    byte[] binary = {'M', 'E', 'S', 'S', 'A', 'G', 'E', ' ', 'x', '\r', '\n', '\r', '\n', 0, 1,
        (byte) 0xff, '\n', 'm', 'e', 's', 's', 'a', 'g', 'e', ' '};
    SessionTrace trace = SessionTrace.of(List.of(
        msg(0, SessionTrace.Direction.SENT, "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\nv=0\r\n"),
        new SessionTrace.Message(Instant.parse("2024-05-01T10:00:00.250Z"),
            SessionTrace.Direction.RECEIVED, Transport.TCP, new InetSocketAddress("::1", 5061),
            new InetSocketAddress("::1", 6000), binary)), 3);
    Path file = dir.resolve("call.trace");

    trace.write(file);
    SessionTrace back = SessionTrace.read(file);

    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).startsWith("parley-trace/1\n")
        .contains("message 1 2023-11-14T22:13:20Z SENT UDP 127.0.0.1:5062 127.0.0.1:5064 ")
        .contains("message 2 2024-05-01T10:00:00.250Z RECEIVED TCP [0:0:0:0:0:0:0:1]:5061 ");
    assertThat(back.dropped()).isEqualTo(3);
    assertThat(back.messages()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      SessionTrace.Message m = trace.messages().get(i);
      SessionTrace.Message n = back.messages().get(i);
      assertThat(n.time()).isEqualTo(m.time());
      assertThat(n.direction()).isEqualTo(m.direction());
      assertThat(n.transport()).isEqualTo(m.transport());
      assertThat(n.local()).isEqualTo(m.local());
      assertThat(n.remote()).isEqualTo(m.remote());
      assertThat(n.bytes()).isEqualTo(m.bytes());
    }
    assertThat(back.ladder()).isEqualTo(trace.ladder());
  }

  @Test
  void readingSomethingElseFailsNamingTheLine() {
    assertThatThrownBy(() -> SessionTrace.read(new ByteArrayInputStream(
        "hello\n".getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(IOException.class).hasMessageContaining("hello");
    assertThatThrownBy(() -> SessionTrace.read(new ByteArrayInputStream(
        "parley-trace/1\nmessage 1 yesterday SENT UDP 1.2.3.4:5 1.2.3.4:6 0\n\n"
            .getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(IOException.class).hasMessageContaining("yesterday");
    assertThatThrownBy(() -> SessionTrace.read(new ByteArrayInputStream(
        "parley-trace/1\nmessage 1 2024-05-01T10:00:00Z SENT UDP 1.2.3.4:5 1.2.3.4:6 99\nshort"
            .getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(IOException.class).hasMessageContaining("cut short");
  }
}
