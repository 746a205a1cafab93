package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test helper that runs {@code parley server} as a child process. */
class ServerProcessTest {
  @TempDir
  Path data;

  @Test
  void aServerWhosePortIsTakenIsReportedAsSoonAsItExitsNotAfterTheStartupWait() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> ServerProcess.start(data, taken.getLocalPort(), List.of()))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("could not bind port " + taken.getLocalPort())
          .hasMessageContaining("Address already in use");
      // the child's exit ends the wait: far less than the 90 s a starved start may take
      assertThat(System.nanoTime() - start)
          .isLessThan(ServerProcess.STARTUP.toNanos());
    }
  }

  @Test
  void aServerOnAFreePortComesUpAndAnswersOnIt() throws Exception {
    try (ServerProcess server = ServerProcess.start(data, "alice")) {
      assertThat(server.output()).anyMatch(l -> l.startsWith("parley server: ready"));
      assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port());
    }
  }
}
