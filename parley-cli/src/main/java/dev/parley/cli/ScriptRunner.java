package dev.parley.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The scripted mode of {@code parley client}: runs one command per line from standard input or
 * {@code --script FILE}, waiting for each to finish (a message delivered, a wait satisfied) before
 * the next. The first command that fails ends the script (unless {@code --keep-going}), with an
 * {@code error} event; end of input is {@code quit}.
 *
 * <p>Runs on the calling thread; not thread-safe.
 */
final class ScriptRunner {
  /** The longest one command may take (beyond it the command failed): SIP's Timer F and more. */
  static final long COMMAND_TIMEOUT_SECONDS = 60;

  private final ClientCommands commands;
  private final EventLog log;
  private final boolean keepGoing;

  ScriptRunner(ClientCommands commands, EventLog log, boolean keepGoing) {
    this.commands = commands;
    this.log = log;
    this.keepGoing = keepGoing;
  }

  /**
   * Runs the script to its end, {@code quit}, or (without keep-going) its first failure.
   *
   * @return true if every command succeeded and every wait was satisfied
   */
  boolean run(BufferedReader in) throws IOException, InterruptedException {
    boolean ok = true;
    for (String line; (line = in.readLine()) != null; ) {
      String failure = runOne(line);
      if (failure == QUITTING) {
        break;
      }
      if (failure != null) {
        ok = false;
        log.add(ClientEvent.of(ClientEvent.ERROR).put("command", line.strip())
            .put("message", failure).text("error: " + line.strip() + ": " + failure).build());
        if (!keepGoing) {
          break;
        }
      }
    }
    return ok;
  }

  private static final String QUITTING = new String("quit");

  /** Runs one line; returns null on success, {@link #QUITTING}, or why it failed. */
  private String runOne(String line) throws InterruptedException {
    CompletableFuture<Void> outcome;
    try {
      outcome = commands.run(line);
    } catch (RuntimeException e) {
      return message(e);
    }
    if (outcome == null) {
      return null;
    }
    if (outcome == ClientCommands.QUIT) {
      return QUITTING;
    }
    try {
      outcome.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return Words.cause(e);
    } catch (TimeoutException e) {
      return "not done after " + COMMAND_TIMEOUT_SECONDS + " s";
    }
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }
}
