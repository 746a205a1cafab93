package dev.parley.cli;

import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.ParticipantState;
import dev.parley.client.RejectReason;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.Widget;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive mode of {@code parley client}: a JLine prompt with line editing and history;
 * events printed above the prompt as they happen; invitations asked about in the prompt itself.
 *
 * <p><b>Why the question is the prompt, not a modal read.</b> The endpoint's callback only queues
 * the invitation here and returns ({@link #ask}), so the endpoint's serial executor is never held by
 * a person: messages of other sessions, the inviter's CANCEL and the 480 timer all go on. The
 * question replaces the prompt (with the conversation ID and a countdown to the invitation's
 * {@link dev.parley.client.IncomingSessionEvent#deadline()}, redrawn every second);
 * the next line typed answers it ({@code y}, {@code n} or Enter, {@code b}); any other line runs as
 * a command and the question stays. An invitation that ends by itself (cancelled, expired) leaves
 * the prompt at the next tick.
 *
 * <p>Thread-safe where it must be: {@link #print} and {@link #ask} are called from client threads.
 */
final class InteractiveConsole implements AutoCloseable {
  private final Terminal terminal;
  private final LineReader reader;
  private final String name;
  private final Deque<Entry> asking = new ArrayDeque<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "parley-client-prompt");
    t.setDaemon(true);
    return t;
  });
  private long lastComposing = System.nanoTime() - 10_000_000_000L;

  /**
   * Opens the terminal.
   *
   * @param history the history file, or null for none
   * @param name the user's name, shown in the prompt
   */
  InteractiveConsole(Path history, String name) throws IOException {
    this.terminal = TerminalBuilder.builder().system(true).build();
    LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("parley")
        .completer(new ArgumentCompleter(new StringsCompleter(ClientCommands.WORDS),
            NullCompleter.INSTANCE));
    if (history != null) {
      b.variable(LineReader.HISTORY_FILE, history);
    }
    this.reader = b.build();
    this.name = name;
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  /** Prints a line above the prompt (or plainly while no prompt is shown). */
  void print(String line) {
    reader.printAbove(line);
  }

  /** Prints what a person needs of {@code event}: not deliveries that went fine, not hang-up steps. */
  void show(ClientEvent event) {
    if (event.name().equals(ClientEvent.SENT) && Boolean.TRUE.equals(event.get("delivered"))) {
      return;
    }
    if (event.name().equals(ClientEvent.STATE)) {
      Object state = event.get("state");
      if (ParticipantState.DISCONNECTING.name().equals(state)
          || ParticipantState.DISCONNECTED.name().equals(state)) {
        return; // the ended line says how
      }
    }
    print(event.toText());
    if (event.name().equals(ClientEvent.ENDED)) {
      refreshPrompt();
    }
  }

  /** Queues an invitation to ask about; returns at once (called on the endpoint's executor). */
  void ask(Entry entry) {
    synchronized (asking) {
      asking.add(entry);
    }
    refreshPrompt();
  }

  /** Asks for a password without echoing it. */
  String readPassword(String prompt) {
    try {
      return reader.readLine(prompt, '*');
    } catch (UserInterruptException | EndOfFileException e) {
      return null;
    }
  }

  /**
   * Reads and runs lines until {@code quit} or end of input (Ctrl-D). While a {@code send} line is
   * being typed, the current IM session's peer is told (RFC 3994, at most every 5 s; the client
   * library sends {@code idle} when the keystrokes stop, and the message itself ends it).
   */
  void run(ClientSessions sessions, ClientCommands commands, EventLog log) {
    Widget insert = reader.getWidgets().get(LineReader.SELF_INSERT);
    reader.getWidgets().put(LineReader.SELF_INSERT, () -> {
      boolean done = insert.apply();
      String typed = reader.getBuffer().toString();
      long now = System.nanoTime();
      if (typed.startsWith("send ") && typed.length() > 5 && now - lastComposing > 5_000_000_000L) {
        lastComposing = now;
        sessions.messaging().typing();
      }
      return done;
    });
    while (true) {
      String line;
      try {
        line = reader.readLine(prompt());
      } catch (UserInterruptException e) {
        continue; // Ctrl-C clears the line; quit or Ctrl-D leaves
      } catch (EndOfFileException e) {
        return;
      }
      String answer = line.strip().toLowerCase(Locale.ROOT);
      Entry head = head();
      if (head != null && isAnswer(answer)) {
        answer(sessions, log, head, answer);
        continue;
      }
      if (head == null && isAnswer(answer) && !answer.isEmpty()) {
        print("no invitation is waiting (it may have been cancelled or timed out)");
        continue;
      }
      CompletableFuture<Void> outcome;
      try {
        outcome = commands.run(line);
      } catch (RuntimeException e) {
        error(log, line, e.getMessage());
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (outcome == ClientCommands.QUIT) {
        return;
      }
      if (outcome != null) {
        outcome.whenComplete((v, failure) -> {
          if (failure != null) {
            error(log, line, Words.cause(failure));
          }
        });
      }
    }
  }

  private static boolean isAnswer(String a) {
    return switch (a) {
      case "", "y", "yes", "n", "no", "b", "busy" -> true;
      default -> false;
    };
  }

  private void answer(ClientSessions sessions, EventLog log, Entry e, String a) {
    synchronized (asking) {
      asking.remove(e);
    }
    try {
      switch (a) {
        case "y", "yes" -> sessions.accept(e.id).whenComplete((v, failure) -> {
          if (failure != null) {
            error(log, "accept " + e.id, Words.cause(failure));
          }
        });
        case "b", "busy" -> sessions.reject(RejectReason.BUSY, e.id);
        default -> sessions.reject(RejectReason.DECLINE, e.id);
      }
    } catch (RuntimeException x) {
      error(log, a.isEmpty() ? "n" : a, x.getMessage());
    }
  }

  private static void error(EventLog log, String command, String message) {
    log.add(ClientEvent.of(ClientEvent.ERROR).put("command", command.strip()).put("message", message)
        .text("error: " + command.strip() + ": " + message).build());
  }

  /** The oldest invitation still waiting, dropping those that ended meanwhile. */
  private Entry head() {
    synchronized (asking) {
      while (!asking.isEmpty() && !asking.peek().isPendingInvitation()) {
        asking.poll();
      }
      return asking.peek();
    }
  }

  private String prompt() {
    Entry e = head();
    if (e == null) {
      return name + "> ";
    }
    long left = Math.max(0, Duration.between(Instant.now(), e.deadline()).toSeconds());
    return "#" + e.id + " conversation " + e.conversation() + " (" + left + " s left)\n"
        + "Accept incoming " + ClientEvent.words(e.session.type()) + " session from "
        + e.peerUri() + "? [y/N/b(usy)] ";
  }

  private void tick() {
    boolean waiting;
    synchronized (asking) {
      waiting = !asking.isEmpty();
    }
    if (waiting) {
      refreshPrompt();
    }
  }

  private boolean shownQuestion;

  /** Redraws the prompt with the current question and countdown (or the plain prompt). */
  private synchronized void refreshPrompt() {
    String p = prompt();
    boolean question = head() != null;
    if (!question && !shownQuestion) {
      return;
    }
    shownQuestion = question;
    if (reader instanceof LineReaderImpl impl && reader.isReading()) {
      try {
        impl.setPrompt(p);
        reader.callWidget(LineReader.REDRAW_LINE);
        reader.callWidget(LineReader.REDISPLAY);
      } catch (IllegalStateException e) {
        // the line was just accepted: the next readLine shows the new prompt
      }
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    try {
      terminal.close();
    } catch (IOException e) {
      // nothing left to restore
    }
  }
}
