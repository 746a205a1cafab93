package dev.parley.cli;

import dev.parley.cli.ClientSessions.CommandException;
import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.DeliveryResult;
import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Session;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.sip.SipUri;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The instant-messaging commands of {@code parley client}: {@code im}, {@code pager}, {@code
 * send}, {@code composing}, and the composing indication while a person types. The sessions are
 * those of the {@link ClientSessions} table; the {@code sent} events come from {@link
 * SessionEvents}. Commands run on the caller's thread and return futures. Thread-safe.
 */
final class Messaging {
  private final ClientSessions sessions;
  private final SessionEvents events;

  Messaging(ClientSessions sessions, SessionEvents events) {
    this.sessions = sessions;
    this.events = events;
  }

  /**
   * {@code im URI TEXT} (and {@code pager URI TEXT} with {@code pager}): sends in the live IM
   * session with that peer, or opens one (falling back to pager mode when the peer has no IM
   * sessions) and sends once it is connected. Completes when the message is delivered.
   */
  CompletableFuture<Void> im(String target, String text, boolean pager) {
    SipUri uri = sessions.resolve(target);
    Entry existing = sessions.useImWith(uri);
    if (existing != null) {
      return send(existing, text);
    }
    SessionContext context = pager
        ? SessionContext.builder().set(SessionContext.PAGER_MODE, true).build()
        : SessionContext.EMPTY;
    Session s = sessions.endpoint().sessionManager()
        .createSession(SessionType.INSTANT_MESSAGING, context);
    Entry e = sessions.register(s, uri.toString(), true);
    return s.addParticipant(uri).handle((p, failure) -> {
      if (failure != null) {
        throw new CommandException("could not open a session with " + uri + ": " + Words.cause(failure));
      }
      return p;
    }).thenCompose(p -> send(e, text));
  }

  /** {@code send TEXT}: in the current IM session (or the latest live one). */
  CompletableFuture<Void> send(String text) {
    Entry e = sessions.imTarget();
    return send(e, text);
  }

  private CompletableFuture<Void> send(Entry e, String text) {
    InstantMessagingSession im = (InstantMessagingSession) e.session;
    CompletableFuture<List<DeliveryResult>> sent;
    try {
      sent = im.send(text);
    } catch (IllegalStateException x) {
      throw new CommandException(im.isTerminated() ? "session #" + e.id + " has ended"
          : "cannot send in #" + e.id + ": " + x.getMessage());
    }
    boolean conference = im.type() == SessionType.CONFERENCE;
    return sent.thenAccept(results -> {
      List<String> failed = conference ? events.sentToConference(e, results)
          : events.sent(e, results);
      if (!failed.isEmpty()) {
        throw new CommandException("not delivered: " + String.join(", ", failed));
      }
    });
  }

  /** {@code composing on|off} in the current IM session. */
  void composing(boolean on) {
    Entry e = sessions.imTarget();
    try {
      ((InstantMessagingSession) e.session).setComposing(on);
    } catch (IllegalStateException x) {
      throw new CommandException("session #" + e.id + " has ended");
    }
  }

  /** The person is typing a message: composing in the current IM session, if there is one. */
  void typing() {
    try {
      composing(true);
    } catch (RuntimeException e) {
      // no IM session (or it just ended): nobody to tell
    }
  }
}
