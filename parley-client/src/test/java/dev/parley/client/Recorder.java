package dev.parley.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects events from the listeners of a session and its participants, in delivery order. */
final class Recorder implements Session.Listener, Participant.Listener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<ParticipantStateChangedEvent> changes = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** Listens to {@code session} and to every participant added to it. */
  static Recorder on(Session session) {
    Recorder r = new Recorder();
    session.addListener(r);
    for (Participant p : session.participants()) {
      if (!p.isLocal()) {
        p.addListener(r);
      }
    }
    return r;
  }

  @Override
  public void onParticipantAdded(Session session, Participant participant) {
    threads.add(Thread.currentThread());
    events.add("added " + participant.uri());
    participant.addListener(this);
  }

  @Override
  public void onParticipantRemoved(Session session, Participant participant) {
    events.add("removed " + participant.uri());
  }

  @Override
  public void onTerminated(Session session) {
    events.add("terminated");
  }

  @Override
  public void onStateChanged(Participant participant, ParticipantStateChangedEvent event) {
    threads.add(Thread.currentThread());
    changes.add(event);
    events.add(event.newState() + "/" + event.reason()
        + (event.statusCode() != 0 ? "/" + event.statusCode() : ""));
  }

  ParticipantStateChangedEvent last() {
    return changes.get(changes.size() - 1);
  }
}
