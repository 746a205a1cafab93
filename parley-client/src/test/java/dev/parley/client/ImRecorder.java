package dev.parley.client;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Collects IM and application events of one session, in delivery order. */
final class ImRecorder implements InstantMessagingSession.Listener, ApplicationSession.Listener {
  final BlockingQueue<InstantMessage> messages = new LinkedBlockingQueue<>();
  final BlockingQueue<ApplicationData> data = new LinkedBlockingQueue<>();
  final List<String> events = new CopyOnWriteArrayList<>();

  static ImRecorder on(Session session) {
    ImRecorder r = new ImRecorder();
    session.addListener(r);
    return r;
  }

  @Override
  public void onMessageReceived(InstantMessagingSession session, InstantMessage message) {
    events.add("message " + message.text());
    messages.add(message);
  }

  @Override
  public void onComposing(InstantMessagingSession session, Participant participant) {
    events.add("composing " + participant.uri());
  }

  @Override
  public void onIdle(InstantMessagingSession session, Participant participant) {
    events.add("idle " + participant.uri());
  }

  @Override
  public void onDataReceived(ApplicationSession session, ApplicationData d) {
    events.add("data " + d.contentType());
    data.add(d);
  }

  @Override
  public void onTerminated(Session session) {
    events.add("terminated");
  }

  InstantMessage nextMessage() throws InterruptedException {
    InstantMessage m = messages.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 5 s; events: " + events);
    }
    return m;
  }

  ApplicationData nextData() throws InterruptedException {
    ApplicationData d = data.poll(5, TimeUnit.SECONDS);
    if (d == null) {
      throw new AssertionError("no data within 5 s; events: " + events);
    }
    return d;
  }
}
