package dev.parley.cli;

import dev.parley.client.SessionTrace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parley trace}: shows a session's SIP trace (the {@code parley-trace/1} files that
 * {@code parley client --trace-dir} saves) as a ladder diagram: in the terminal, numbered arrows
 * followed by the numbered messages in full; with {@code --html}, a self-contained page where
 * pointing at an arrow shows its message.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
        "Prints the SIP ladder diagram of a session trace (saved by parley client --trace-dir):",
        "numbered arrows (method or status), then every message in full under its number.",
        "With --html, writes a self-contained HTML page instead (hover or click an arrow).",
        "Exit status: 0 done, 2 unreadable or malformed trace, or usage error."})
final class TraceCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "A parley-trace/1 file; - for standard input.")
  String file;

  @Option(names = "--html", paramLabel = "OUT.html", description = "Write the ladder as an HTML page to OUT.html.")
  Path html;

  @Option(names = "--ladder-only", description = "Print the ladder without the messages.")
  boolean ladderOnly;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SessionTrace trace;
    try {
      trace = file.equals("-") ? SessionTrace.read(System.in) : SessionTrace.read(Path.of(file));
    } catch (NoSuchFileException e) {
      err.println("parley trace: " + file + ": no such file");
      return 2;
    } catch (IOException e) {
      err.println("parley trace: " + file + ": " + e.getMessage());
      return 2;
    }
    if (html != null) {
      String title = file.equals("-") ? "SIP trace" : Path.of(file).getFileName().toString();
      try {
        Files.writeString(html, LadderHtml.render(trace, title), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("parley trace: cannot write " + html + ": " + e.getMessage());
        return 2;
      }
      out.println("parley trace: wrote " + html + " (" + trace.messages().size() + " messages)");
      return 0;
    }
    out.print(ladderOnly ? trace.ladder() : trace.toText());
    out.flush();
    return 0;
  }
}
