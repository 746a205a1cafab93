package dev.parley.client.internal;

import dev.parley.client.InstantMessagingSession;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.transport.Scheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The is-composing indications of one IM session, both ways (RFC 3994).
 *
 * <p>Ours (§3.2): {@link #set set(true)} sends {@code active} (with {@code <refresh>}) when we were
 * idle, and notes the keystroke; a timer sends {@code idle} once no keystroke came for the idle
 * timeout, another repeats {@code active} every refresh interval; sending a message makes us idle
 * silently. Each peer's (§4): {@code active} starts a timer of its refresh (120 s when absent)
 * after which it is idle; {@code idle} or a message ends it, and the session's listeners hear
 * {@code onComposing}/{@code onIdle}.
 *
 * <p>Guarded by the endpoint's lock: methods ending in {@code Locked} expect it held, the others
 * take it. Timers run on the session's scheduler.
 */
final class Composing {
  /** The peer's refresh when its active indication gives none (RFC 3994 §4: 120 s). */
  private static final long DEFAULT_PEER_REFRESH_SECONDS = 120;

  private final DefaultInstantMessagingSession session;
  private final DefaultEndpoint endpoint;
  private boolean composing;
  private long lastKeystroke;
  private Scheduler.Timer idleTimer;
  private Scheduler.Timer refreshTimer;
  private final Map<DefaultParticipant, Scheduler.Timer> peers = new HashMap<>();

  Composing(DefaultInstantMessagingSession session) {
    this.session = session;
    this.endpoint = session.endpoint;
  }

  // ------------------------------------------------------------------------------ ours

  /**
   * {@code setComposing(on)}.
   *
   * @throws IllegalStateException if the session has ended
   */
  void set(boolean on) {
    boolean sendActive = false;
    boolean sendIdle = false;
    synchronized (endpoint.lock) {
      if (session.isTerminated()) {
        throw new IllegalStateException("the session has ended");
      }
      if (on) {
        lastKeystroke = session.scheduler().nowMillis();
        if (!composing) {
          composing = true;
          sendActive = true;
          long refresh = endpoint.config.composingRefresh().toMillis();
          refreshTimer = session.scheduler().schedule(this::refresh, refresh, TimeUnit.MILLISECONDS);
          idleTimer = session.scheduler().schedule(this::checkIdle,
              endpoint.config.composingIdle().toMillis(), TimeUnit.MILLISECONDS);
        }
      } else if (composing) {
        stopLocked();
        sendIdle = true;
      }
    }
    if (sendActive) {
      send(true);
    } else if (sendIdle) {
      send(false);
    }
  }

  private void checkIdle() {
    boolean sendIdle = false;
    synchronized (endpoint.lock) {
      idleTimer = null;
      if (!composing) {
        return;
      }
      long idle = endpoint.config.composingIdle().toMillis();
      long quiet = session.scheduler().nowMillis() - lastKeystroke;
      if (quiet >= idle) {
        stopLocked();
        sendIdle = true;
      } else {
        idleTimer = session.scheduler().schedule(this::checkIdle, idle - quiet,
            TimeUnit.MILLISECONDS);
      }
    }
    if (sendIdle) {
      send(false);
    }
  }

  private void refresh() {
    synchronized (endpoint.lock) {
      refreshTimer = null;
      if (!composing || session.isTerminated()) {
        return;
      }
      refreshTimer = session.scheduler().schedule(this::refresh,
          endpoint.config.composingRefresh().toMillis(), TimeUnit.MILLISECONDS);
    }
    send(true);
  }

  /** We are idle now (no indication sent here): a message went out, or the session ended. */
  void stopLocked() {
    composing = false;
    if (idleTimer != null) {
      idleTimer.cancel();
      idleTimer = null;
    }
    if (refreshTimer != null) {
      refreshTimer.cancel();
      refreshTimer = null;
    }
  }

  private void send(boolean active) {
    List<DefaultParticipant> targets;
    synchronized (endpoint.lock) {
      if (session.isTerminated()) {
        return;
      }
      targets = session.composingTargetsLocked();
    }
    byte[] body = IsComposing.body(active, endpoint.config.composingRefresh().toSeconds());
    Deliveries.toAll(endpoint, targets,
        p -> session.sendTo(p, body, InstantMessagingSession.IS_COMPOSING));
  }

  // ------------------------------------------------------------------------------ the peers'

  /** An is-composing indication (its body) from {@code p}. */
  void indicationLocked(DefaultParticipant p, byte[] body) {
    IsComposing.Indication indication = IsComposing.parse(body);
    if (indication.active()) {
      peerActiveLocked(p, indication.refreshSeconds() > 0 ? indication.refreshSeconds()
          : DEFAULT_PEER_REFRESH_SECONDS);
    } else {
      peerIdleLocked(p, true);
    }
  }

  /** A message from {@code p}: it ends its composing state, silently (RFC 3994 §4). */
  void messageLocked(DefaultParticipant p) {
    peerIdleLocked(p, false);
  }

  private void peerActiveLocked(DefaultParticipant p, long refreshSeconds) {
    if (p.state() == ParticipantState.DISCONNECTED) {
      return;
    }
    Scheduler.Timer old = peers.put(p, session.scheduler().schedule(() -> peerExpired(p),
        refreshSeconds, TimeUnit.SECONDS));
    if (old != null) {
      old.cancel();
    } else {
      endpoint.deliver(session.listeners, l -> {
        if (l instanceof InstantMessagingSession.Listener im) {
          im.onComposing(session, p);
        }
      });
    }
  }

  private void peerIdleLocked(DefaultParticipant p, boolean announce) {
    Scheduler.Timer t = peers.remove(p);
    if (t == null) {
      return;
    }
    t.cancel();
    if (announce) {
      announceIdleLocked(p);
    }
  }

  private void peerExpired(DefaultParticipant p) {
    synchronized (endpoint.lock) {
      if (peers.remove(p) != null && p.state() != ParticipantState.DISCONNECTED) {
        announceIdleLocked(p); // one who left (a conference member) stopped composing silently
      }
    }
    endpoint.kick();
  }

  private void announceIdleLocked(DefaultParticipant p) {
    endpoint.deliver(session.listeners, l -> {
      if (l instanceof InstantMessagingSession.Listener im) {
        im.onIdle(session, p);
      }
    });
  }

  /** Whether {@code participant} is composing: never once it is DISCONNECTED (it left). */
  boolean isComposing(Participant participant) {
    synchronized (endpoint.lock) {
      return peers.containsKey(participant)
          && participant.state() != ParticipantState.DISCONNECTED;
    }
  }

  /** The session ended: every timer stops. */
  void endedLocked() {
    stopLocked();
    peers.values().forEach(Scheduler.Timer::cancel);
    peers.clear();
  }
}
