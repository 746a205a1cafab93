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
    subcommands = {LintCommand.class, CommandLine.HelpCommand.class})
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
