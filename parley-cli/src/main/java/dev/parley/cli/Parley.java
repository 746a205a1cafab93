package dev.parley.cli;

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

  /** Reads the version from the jar manifest, or says "development". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Parley.class.getPackage().getImplementationVersion();
      return new String[] {"parley " + (v == null ? "development build" : v)};
    }
  }
}
