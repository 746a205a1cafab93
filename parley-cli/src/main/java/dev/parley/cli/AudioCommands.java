package dev.parley.cli;

import dev.parley.cli.ClientSessions.CommandException;
import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.AudioVideoSession;
import dev.parley.media.AudioStreamStats;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The audio commands of {@code parley client}: {@code dtmf}, {@code hold}, {@code resume},
 * {@code mute}, {@code unmute} and {@code stats}, on the current audio session or the one named
 * (docs/cli.md). What cannot be done is a {@link CommandException} naming the session and why:
 * not an audio session, not connected, ended, a bad digit. Commands run on the caller's thread
 * and return futures. Thread-safe.
 */
final class AudioCommands {
  /** The DTMF digits of RFC 4733 (events 0-15), as {@code dtmf} takes them. */
  static final String DIGITS = "0123456789*#ABCD";

  private final ClientSessions sessions;
  private final SessionEvents events;

  AudioCommands(ClientSessions sessions, SessionEvents events) {
    this.sessions = sessions;
    this.events = events;
  }

  /**
   * {@code dtmf DIGITS [ID]}: queues the digits as RFC 4733 telephone-events; done at once
   * (they are sent one after the other, about 0.2 s each).
   */
  void dtmf(String digits, Integer id) {
    String d = digits.toUpperCase(Locale.ROOT);
    for (int i = 0; i < d.length(); i++) {
      if (DIGITS.indexOf(d.charAt(i)) < 0) {
        throw new CommandException("bad DTMF digit '" + digits.charAt(i) + "' in " + digits
            + " (0-9, *, #, A-D)");
      }
    }
    Entry e = sessions.audioTarget(id);
    AudioVideoSession av = connected(e);
    try {
      av.sendDtmf(d);
    } catch (IllegalArgumentException | IllegalStateException x) {
      throw new CommandException("cannot send DTMF in session #" + e.id + ": " + x.getMessage());
    }
  }

  /** {@code hold [ID]}: a re-INVITE with {@code sendonly}; done when the peer's answer applies. */
  CompletableFuture<Void> hold(Integer id) {
    Entry e = sessions.audioTarget(id);
    AudioVideoSession av = connected(e);
    return outcome(e, "hold", () -> av.hold());
  }

  /** {@code resume [ID]}: a re-INVITE with {@code sendrecv}; done when the answer applies. */
  CompletableFuture<Void> resume(Integer id) {
    Entry e = sessions.audioTarget(id);
    AudioVideoSession av = connected(e);
    return outcome(e, "resume", () -> av.resume());
  }

  /** {@code mute [ID]} and {@code unmute [ID]}: no audio sent (DTMF still is); the peer is not told. */
  void mute(boolean muted, Integer id) {
    Entry e = sessions.audioTarget(id);
    AudioVideoSession av = audio(e);
    if (e.session.isTerminated()) {
      throw new CommandException("session #" + e.id + " has ended");
    }
    av.setMuted(muted);
  }

  /** {@code stats [ID]}: a {@code media} event with the stream's figures now. */
  void stats(Integer id) {
    Entry e = sessions.audioTarget(id);
    AudioVideoSession av = audio(e);
    AudioStreamStats stats = av.audioStats().orElseThrow(() -> new CommandException(
        "session #" + e.id + " has no audio stream yet (it starts when the call is answered)"));
    events.media(e, av, stats, false);
  }

  private static CompletableFuture<Void> outcome(Entry e, String what,
      java.util.function.Supplier<CompletableFuture<Void>> start) {
    CompletableFuture<Void> f;
    try {
      f = start.get();
    } catch (IllegalStateException x) {
      throw new CommandException("cannot " + what + " session #" + e.id + ": " + x.getMessage());
    }
    return f.handle((v, failure) -> {
      if (failure != null) {
        throw new CommandException("could not " + what + " session #" + e.id + ": "
            + Words.cause(failure));
      }
      return null;
    });
  }

  /** The session as an audio session, or why not. */
  private static AudioVideoSession audio(Entry e) {
    if (e.session instanceof AudioVideoSession av) {
      return av;
    }
    throw new CommandException("session #" + e.id + " carries no audio");
  }

  /** The session as a connected audio session, or why not. */
  private static AudioVideoSession connected(Entry e) {
    AudioVideoSession av = audio(e);
    if (e.session.isTerminated()) {
      throw new CommandException("session #" + e.id + " has ended");
    }
    if (e.isPendingInvitation()) {
      throw new CommandException("session #" + e.id + " is not connected: its invitation waits "
          + "for accept");
    }
    return av;
  }
}
