package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The admin page's script tests ({@code src/test/js/admin-ladder.test.js}) on Node's built-in
 * runner. Without node on the PATH: skipped on a developer machine, failed when {@code CI=true}
 * (CI installs Node for parley-web).
 */
class AdminScriptTest {
  @Test
  void theAdminPagesLadderKeepsItsLast200MessagesAndAddsEachOnce() throws Exception {
    requireNode();
    Path out = Files.createTempFile("admin-ladder", ".log");
    try {
      Process p = new ProcessBuilder("node", "--test", "--test-reporter=spec",
          "src/test/js/admin-ladder.test.js")
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      String log = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(done).as("node finished within 120 s: %s", log).isTrue();
      assertThat(p.exitValue()).as("node --test exit status: %s", log).isZero();
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static void requireNode() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "node"))) {
        return;
      }
    }
    String message = "node is not installed (Debian/Ubuntu: apt-get install nodejs)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message + ": .ci/run installs it, so CI does not skip");
    }
    Assumptions.assumeTrue(false, message);
  }
}
