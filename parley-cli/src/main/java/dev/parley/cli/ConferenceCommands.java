package dev.parley.cli;

import dev.parley.cli.ClientSessions.CommandException;
import dev.parley.cli.ClientSessions.Entry;
import dev.parley.client.ConferenceSession;
import dev.parley.client.Participant;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.sip.SipUri;
import java.util.concurrent.CompletableFuture;

/**
 * The conference commands of {@code parley client} ({@code conf create}, {@code conf join URI},
 * {@code conf invite URI}, {@code conf roster}, {@code conf leave}; docs/cli.md). A conference is
 * a {@link ConferenceSession} in the {@link ClientSessions} table; {@code send} and
 * {@code composing} treat it as an IM session (see {@link Messaging}). The {@code conference} and
 * {@code roster} events come from {@link SessionEvents}. Thread-safe.
 */
final class ConferenceCommands {
  private final ClientSessions sessions;
  private final SessionEvents events;

  ConferenceCommands(ClientSessions sessions, SessionEvents events) {
    this.sessions = sessions;
    this.events = events;
  }

  /** {@code conf SUBCOMMAND [ARG]}. */
  CompletableFuture<Void> run(String sub, String arg) {
    switch (sub) {
      case "create" -> {
        noArgument(sub, arg);
        return enter(null);
      }
      case "join" -> {
        return enter(sessions.resolve(oneArgument("conf join URI", arg)));
      }
      case "invite" -> {
        return invite(sessions.resolve(oneArgument("conf invite URI", arg)));
      }
      case "roster" -> {
        noArgument(sub, arg);
        events.roster(sessions.conferenceTarget(), true);
        return CompletableFuture.completedFuture(null);
      }
      case "leave" -> {
        noArgument(sub, arg);
        Entry e = sessions.conferenceTarget();
        e.session.terminate();
        return e.ended;
      }
      default -> throw new CommandException(
          "usage: conf create | conf join URI | conf invite URI | conf roster | conf leave");
    }
  }

  /** {@code conf create} (uri null) or {@code conf join URI}: done once the focus let us in. */
  private CompletableFuture<Void> enter(SipUri uri) {
    ConferenceSession conf = (ConferenceSession) sessions.endpoint().sessionManager()
        .createSession(SessionType.CONFERENCE, SessionContext.EMPTY);
    Entry e = sessions.register(conf, uri == null ? "conference" : uri.toString(), true);
    ConferenceSession.Media[] media = sessions.conferenceMedia();
    CompletableFuture<SipUri> entered = uri == null
        ? (media.length == 0 ? conf.enter() : conf.enter(media[0]))
        : conf.enter(uri, media);
    conf.focus().ifPresent(f -> events.watchFocus(e, f));
    return entered.handle((u, failure) -> {
      if (failure != null) {
        throw new CommandException((uri == null ? "could not create a conference: "
            : "could not join " + uri + ": ") + Words.cause(failure));
      }
      return null;
    });
  }

  /** {@code conf invite URI}: the focus dials out; done once the invitee is in. */
  private CompletableFuture<Void> invite(SipUri uri) {
    Entry e = sessions.conferenceTarget();
    CompletableFuture<Participant> added;
    try {
      added = ((ConferenceSession) e.session).addParticipant(uri);
    } catch (IllegalStateException x) {
      throw new CommandException("cannot invite into #" + e.id + ": " + x.getMessage());
    }
    return added.handle((p, failure) -> {
      if (failure != null) {
        throw new CommandException("could not bring " + uri + " into #" + e.id + ": "
            + Words.cause(failure));
      }
      return null;
    });
  }

  /**
   * {@code escalate [URI...]}: the current 1:1 IM session or call becomes a conference (the client's
   * {@code escalateToConference}); done once the other party is in, the conference current.
   */
  CompletableFuture<Void> escalate(String args) {
    Entry e = sessions.oneToOneTarget();
    String[] words = args.isEmpty() ? new String[0] : args.split("\\s+");
    SipUri[] extra = new SipUri[words.length];
    for (int i = 0; i < words.length; i++) {
      extra[i] = sessions.resolve(words[i]);
    }
    CompletableFuture<ConferenceSession> escalated;
    try {
      escalated = e.session.escalateToConference(extra);
    } catch (IllegalStateException | IllegalArgumentException
        | UnsupportedOperationException x) {
      throw new CommandException("cannot escalate #" + e.id + ": " + x.getMessage());
    }
    return escalated.handle((conf, failure) -> {
      if (failure != null) {
        throw new CommandException("could not escalate #" + e.id + " to a conference: "
            + Words.cause(failure));
      }
      sessions.makeCurrent(conf);
      return null;
    });
  }

  private static void noArgument(String sub, String arg) {
    if (!arg.isEmpty()) {
      throw new CommandException("usage: conf " + sub);
    }
  }

  private static String oneArgument(String usage, String arg) {
    if (arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace)) {
      throw new CommandException("usage: " + usage);
    }
    return arg;
  }
}
