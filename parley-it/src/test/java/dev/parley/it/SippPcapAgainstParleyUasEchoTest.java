package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIPp as a real caller with RTP: its {@code uac_pcap} scenario (cut down,
 * {@code sipp/uac-g711a-pcap.xml}) plays {@code /usr/share/sip-tester/g711a.pcap} (236 PCMA
 * packets) into calls answered by {@code parley uas --media echo}, run as a process as a user
 * runs it. Every call must succeed, and the UAS must have echoed every packet of every call.
 */
class SippPcapAgainstParleyUasEchoTest {
  private static final int CALLS = 3;
  /** RTP packets in g711a.pcap (30 ms of PCMA each, 7.05 s). */
  private static final int PACKETS_PER_CALL = 236;

  @TempDir Path work;

  @BeforeEach
  void needsSippAndItsPcap() {
    Sipp.requireInstalled();
    assertThat(Path.of("/usr/share/sip-tester/g711a.pcap"))
        .as("SIPp's sample RTP capture (Debian package sip-tester)").exists();
  }

  @Test
  void sippCallsPlayingG711aAreAllEchoedPacketForPacket() throws Exception {
    int port = Sipp.freePort();
    Path log = work.resolve("uas.log");
    List<String> command = List.of(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), "dev.parley.cli.Parley", "uas",
        "--listen", "udp:127.0.0.1:" + port, "--media", "echo");
    String stopLine;
    try (PeerProcess uas = PeerProcess.start("parley uas", command, work, log)) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .failFast("parley uas exited: " + uas.log(2000), () -> !uas.isAlive())
          .until(() -> uas.log().contains("parley uas: listening on"));
      assertThat(uas.log()).contains("media echo");

      Sipp.Result result = Sipp.scenarioResource("uac-g711a-pcap.xml")
          .remote("127.0.0.1:" + port)
          .localPort(Sipp.freePort())
          .transport("u1")
          .calls(CALLS)
          .rate(CALLS)
          .maxOpenCalls(CALLS)
          .timeoutSeconds(60)
          .workDir(work.resolve("sipp"))
          .run();
      System.out.printf("SIPp uac_pcap -> parley uas --media echo: %s%n", result.summary());
      assertThat(result.failed()).as("%s", result).isZero();
      assertThat(result.successful()).as("%s", result).isEqualTo(CALLS);
      assertThat(result.exitCode()).as("%s", result).isZero();
    }
    // closing the process sent SIGTERM and waited for it: the stop line is in the log
    String output = Files.readString(log, StandardCharsets.UTF_8);
    stopLine = output.lines().filter(l -> l.startsWith("parley uas: stopped after")).findFirst()
        .orElseThrow(() -> new AssertionError("no stop line in " + output));
    assertThat(stopLine).contains(CALLS + " calls answered, " + CALLS + " ended")
        .contains("media echo: " + CALLS + " calls, " + CALLS * PACKETS_PER_CALL + " packets echoed");
  }
}
