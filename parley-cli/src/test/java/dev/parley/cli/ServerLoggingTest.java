package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley server}'s logging options (docs/server.md, "Logging"), on a server in its own
 * process: the built-in default, levels per logger, a log file, the operator's Logback file.
 */
class ServerLoggingTest {
  @TempDir Path data;

  @Test
  void byDefaultTheServerPrintsItsReadyLineWithoutTheLibrariesStartUpLines() throws Exception {
    try (ServerProcess server = ServerProcess.start(data, "alice")) {
      assertThat(server.output()).noneMatch(l -> l.contains("Transport layer started"))
          .noneMatch(l -> l.contains("Flyway") || l.contains("DbMigrate"));
    }
  }

  @Test
  void logLevelAndLogFileSendTheChosenLoggersLinesToTheFileInsteadOfStandardError()
      throws Exception {
    Path log = data.resolve("logs/server.log");
    int port = freePort();
    try (ServerProcess server = ServerProcess.start(data, port,
        List.of("--log-level", "dev.parley.transport=INFO", "--log-file", log.toString()),
        "alice")) {
      await().atMost(ServerProcess.STARTUP).until(() -> Files.exists(log)
          && Files.readString(log, StandardCharsets.UTF_8).contains("Transport layer started"));
      assertThat(Files.readAllLines(log, StandardCharsets.UTF_8))
          .anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO "
              + "NettyTransportCore - Transport layer started on \\[udp:127\\.0\\.0\\.1:" + port
              + "]"));
      assertThat(server.output()).noneMatch(l -> l.contains("Transport layer started"))
          .anyMatch(l -> l.startsWith("parley server: ready on udp:127.0.0.1:" + port));
    }
  }

  @Test
  void logConfigReplacesTheDefaultWithTheOperatorsLogbackFile() throws Exception {
    Path xml = data.resolve("logback.xml");
    Files.writeString(xml, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>operator %level %logger - %msg%n</pattern></encoder>
          </appender>
          <logger name="dev.parley.transport" level="DEBUG"/>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    try (ServerProcess server = ServerProcess.start(data, freePort(),
        List.of("--log-config", xml.toString()), "alice")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> server.output().stream().anyMatch(l ->
          l.startsWith("operator INFO dev.parley.transport.internal.NettyTransportCore - "
              + "Transport layer started")));
    }
  }

  @Test
  void anUnknownLevelIsAUsageErrorNamingTheOption() {
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        "server", "--data", data.toString(), "--log-level", "dev.parley=LOUD");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("parley server: bad logging option: --log-level: not a"
        + " level (TRACE, DEBUG, INFO, WARN, ERROR, OFF): 'LOUD' in 'dev.parley=LOUD'");
  }

  @Test
  void aMissingLogConfigFileIsAUsageErrorNamingTheFile() {
    Path missing = data.resolve("missing.xml");
    StringWriter err = new StringWriter();
    int status = Parley.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
        "server", "--data", data.toString(), "--log-config", missing.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("--log-config: " + missing + ": cannot read the file");
  }

  private static int freePort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
