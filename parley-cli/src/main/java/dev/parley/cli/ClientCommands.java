package dev.parley.cli;

import dev.parley.cli.ClientSessions.CommandException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The command vocabulary of {@code parley client}, the same words in the interactive and the
 * scripted mode (docs/cli.md). {@link #run} parses one line and starts what it asks; the outcome
 * is a future, so the console can go on while a message is delivered and a script can wait for it.
 *
 * <p>Thread-safe as {@link ClientSessions} is; {@code wait} and {@code sleep} block the caller.
 */
final class ClientCommands {
  /** The default of {@code wait}'s SECONDS. */
  static final int DEFAULT_WAIT_SECONDS = 30;

  /** What {@code help} prints, one command per line. */
  static final List<String> HELP = List.of(
      "call URI                      start an audio/video call",
      "im URI TEXT                   send TEXT in an IM session with URI (opened or reused; pager mode if the peer has no IM sessions)",
      "pager URI TEXT                send TEXT to URI as a pager-mode MESSAGE, without a session INVITE",
      "send TEXT                     send TEXT in the current IM session or conference (to all)",
      "composing on|off              tell the peer of the current IM session you are typing, or stopped",
      "accept [ID]                   accept the waiting invitation (the oldest, or ID)",
      "reject REASON [ID]            reject it: busy, decline, unavailable, not_acceptable, timeout, decline_everywhere",
      "hangup [ID]                   end the current session (or ID)",
      "dtmf DIGITS [ID]              send DTMF digits (0-9 * # A-D) in the current audio session (or ID)",
      "hold [ID]                     put the current audio session (or ID) on hold",
      "resume [ID]                   take it off hold",
      "mute [ID], unmute [ID]        stop or restart sending audio (the peer is not told)",
      "stats [ID]                    print the audio stream's figures (a media event)",
      "conf create                   create a conference at the server's focus and enter it",
      "conf join URI                 enter the conference at URI",
      "conf invite URI               ask the focus of the current conference to bring URI in",
      "conf roster                   print the current conference's participants (a roster event)",
      "conf leave                    leave the current conference",
      "escalate [URI...]             turn the current 1:1 IM session or call into a conference (and invite URIs)",
      "use ID                        make session ID the current one",
      "sessions (or list)            list sessions and participants with their states",
      "wait EVENT[:VALUE] [SECONDS]  wait for an event (" + String.join(", ", ClientEvent.NAMES)
          + "); default " + DEFAULT_WAIT_SECONDS + " s",
      "sleep SECONDS                 pause",
      "help                          this list",
      "quit                          hang up, sign out and exit");

  /** The first words of every command, for completion. */
  static final List<String> WORDS = List.of("call", "im", "pager", "send", "composing", "accept",
      "reject", "hangup", "dtmf", "hold", "resume", "mute", "unmute", "stats", "conf", "escalate",
      "use",
      "sessions",
      "list", "wait", "sleep", "help", "quit");

  /** {@link #run}'s answer to {@code quit}. */
  static final CompletableFuture<Void> QUIT = new CompletableFuture<>();

  private final ClientSessions sessions;
  private final EventLog log;
  private final java.util.function.Consumer<String> helpOut;

  ClientCommands(ClientSessions sessions, EventLog log, java.util.function.Consumer<String> helpOut) {
    this.sessions = sessions;
    this.log = log;
    this.helpOut = helpOut;
  }

  /**
   * Runs one command line.
   *
   * @return the outcome (completes when the command is done: a message delivered, a session
   *     ended), {@link #QUIT} for {@code quit}, or null for an empty line or a comment
   * @throws CommandException if the command is unknown, malformed, or cannot start
   */
  CompletableFuture<Void> run(String line) throws InterruptedException {
    String text = line.strip();
    if (text.isEmpty() || text.startsWith("#")) {
      return null;
    }
    int sp = firstSpace(text);
    String word = (sp < 0 ? text : text.substring(0, sp)).toLowerCase(Locale.ROOT);
    String rest = sp < 0 ? "" : text.substring(sp + 1).strip();
    switch (word) {
      case "call" -> {
        return sessions.call(one(rest, "call URI"));
      }
      case "im", "pager" -> {
        int s = firstSpace(rest);
        if (s < 0) {
          throw new CommandException("usage: " + word + " URI TEXT");
        }
        return sessions.messaging().im(rest.substring(0, s), rest.substring(s + 1).strip(), word.equals("pager"));
      }
      case "send" -> {
        if (rest.isEmpty()) {
          throw new CommandException("usage: send TEXT");
        }
        return sessions.messaging().send(rest);
      }
      case "composing" -> {
        String v = one(rest, "composing on|off").toLowerCase(Locale.ROOT);
        if (!v.equals("on") && !v.equals("off")) {
          throw new CommandException("usage: composing on|off");
        }
        sessions.messaging().composing(v.equals("on"));
        return done();
      }
      case "accept" -> {
        return sessions.accept(optionalId(rest, "accept [ID]"));
      }
      case "reject" -> {
        String[] args = rest.isEmpty() ? new String[0] : rest.split("\\s+");
        if (args.length > 2) {
          throw new CommandException("usage: reject REASON [ID]");
        }
        dev.parley.client.RejectReason reason;
        try {
          reason = args.length == 0 ? dev.parley.client.RejectReason.DECLINE
              : Words.rejectReason(args[0]);
        } catch (IllegalArgumentException e) {
          throw new CommandException(e.getMessage());
        }
        sessions.reject(reason, args.length == 2 ? id(args[1]) : null);
        return done();
      }
      case "hangup", "bye" -> {
        return sessions.hangup(optionalId(rest, "hangup [ID]"));
      }
      case "dtmf" -> {
        String[] args = rest.isEmpty() ? new String[0] : rest.split("\\s+");
        if (args.length == 0 || args.length > 2) {
          throw new CommandException("usage: dtmf DIGITS [ID]");
        }
        sessions.audio().dtmf(args[0], args.length == 2 ? id(args[1]) : null);
        return done();
      }
      case "hold" -> {
        return sessions.audio().hold(optionalId(rest, "hold [ID]"));
      }
      case "resume" -> {
        return sessions.audio().resume(optionalId(rest, "resume [ID]"));
      }
      case "mute", "unmute" -> {
        sessions.audio().mute(word.equals("mute"), optionalId(rest, word + " [ID]"));
        return done();
      }
      case "stats" -> {
        sessions.audio().stats(optionalId(rest, "stats [ID]"));
        return done();
      }
      case "conf" -> {
        int s = firstSpace(rest);
        String sub = (s < 0 ? rest : rest.substring(0, s)).toLowerCase(Locale.ROOT);
        return sessions.conference().run(sub, s < 0 ? "" : rest.substring(s + 1).strip());
      }
      case "escalate" -> {
        return sessions.conference().escalate(rest);
      }
      case "use" -> {
        sessions.use(id(one(rest, "use ID")));
        return done();
      }
      case "sessions", "list" -> {
        sessions.list();
        return done();
      }
      case "wait" -> {
        return waitFor(rest);
      }
      case "sleep" -> {
        Thread.sleep(Math.round(seconds(one(rest, "sleep SECONDS")) * 1000));
        return done();
      }
      case "help", "?" -> {
        HELP.forEach(helpOut);
        return done();
      }
      case "quit", "exit" -> {
        return QUIT;
      }
      default -> throw new CommandException("unknown command '" + word + "' (try help)");
    }
  }

  /** {@code wait EVENT[:VALUE] [SECONDS]}: the VALUE may hold spaces; a last number is SECONDS. */
  private CompletableFuture<Void> waitFor(String rest) throws InterruptedException {
    if (rest.isEmpty()) {
      throw new CommandException("usage: wait EVENT[:VALUE] [SECONDS]");
    }
    String spec = rest;
    double seconds = DEFAULT_WAIT_SECONDS;
    int last = rest.lastIndexOf(' ');
    if (last > 0 && isNumber(rest.substring(last + 1))) {
      seconds = seconds(rest.substring(last + 1));
      spec = rest.substring(0, last).strip();
    }
    int colon = spec.indexOf(':');
    String name = (colon < 0 ? spec : spec.substring(0, colon)).toLowerCase(Locale.ROOT);
    String value = colon < 0 ? null : spec.substring(colon + 1);
    if (!ClientEvent.NAMES.contains(name)) {
      throw new CommandException("cannot wait for '" + name + "': events are "
          + String.join(", ", ClientEvent.NAMES));
    }
    ClientEvent e = log.await(name, value, Duration.ofMillis(Math.round(seconds * 1000)));
    if (e == null) {
      throw new CommandException("timed out after " + fmt(seconds) + " s waiting for " + spec);
    }
    return done();
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }

  private static int firstSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static String one(String rest, String usage) {
    if (rest.isEmpty() || firstSpace(rest) >= 0) {
      throw new CommandException("usage: " + usage);
    }
    return rest;
  }

  private static Integer optionalId(String rest, String usage) {
    return rest.isEmpty() ? null : id(one(rest, usage));
  }

  private static int id(String text) {
    String t = text.startsWith("#") ? text.substring(1) : text;
    try {
      return Integer.parseInt(t);
    } catch (NumberFormatException e) {
      throw new CommandException("not a session id: " + text);
    }
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return !s.isEmpty() && Character.isDigit(s.charAt(s.length() - 1));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static double seconds(String text) {
    double s;
    try {
      s = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new CommandException("not a number of seconds: " + text);
    }
    if (!(s >= 0) || s > 86_400) {
      throw new CommandException("seconds out of range (0 to 86400): " + text);
    }
    return s;
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
  }
}
