package dev.parley.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code parley} command: one entry point whose subcommands are Parley's tools.
 *
 * <p>Exit status: 0 on success, 1 when the command ran and found a problem (an invalid message,
 * say), 2 on a usage error.
 */
@Command(
    name = "parley",
    mixinStandardHelpOptions = true,
    versionProvider = Parley.Version.class,
    description = "Unified communications over standard SIP: toolkit, server and tools.",
    subcommands = {LintCommand.class, UasCommand.class, ServerCommand.class, UserCommand.class, StatusCommand.class, ClientCommand.class, TraceCommand.class,
        CommandLine.HelpCommand.class})
public final class Parley implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Parley()).execute(args);
  }

  /** Runs the command line writing to {@code out} and {@code err} (for tests and embedding). */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Parley());
    cl.setOut(out);
    cl.setErr(err);
    int status = cl.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code parley VERSION} or {@code parley VERSION (commit HASH)}: the version and commit Maven
   * wrote into {@code version.properties} at build time (the commit only when the build was given
   * one, as {@code ./parley} does), else the jar manifest's Implementation-Version, else
   * "development build" (classes compiled without Maven's resource filtering).
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = Parley.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException | IllegalArgumentException e) {
        p.clear();
      }
      String version = filtered(p.getProperty("version"));
      if (version == null) {
        version = Parley.class.getPackage().getImplementationVersion();
      }
      String commit = filtered(p.getProperty("commit"));
      return new String[] {"parley " + (version == null ? "development build" : version)
          + (commit == null ? "" : " (commit " + commit + ")")};
    }

    /** {@code value} when Maven filled it in; null when empty, missing or still {@code ${...}}. */
    private static String filtered(String value) {
      return value == null || value.isBlank() || value.contains("${") ? null : value.strip();
    }
  }
}
