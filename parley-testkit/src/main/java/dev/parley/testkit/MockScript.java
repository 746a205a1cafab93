package dev.parley.testkit;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Via;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a {@link MockSipPeer} answers: the scripted answers queued per method, and the last answer
 * sent to each request, which a retransmission of the request gets again (RFC 3261 §17.2.3).
 * Thread-safe: the peer's reader threads and the test's thread use it.
 */
final class MockScript {
  /** Marks a request seen but not answered (yet): a ConcurrentHashMap holds no nulls. */
  private static final SipResponse NOT_ANSWERED = SipResponse.builder(100).build();

  private final Map<SipMethod, Queue<MockSipPeer.Responder[]>> queued = new HashMap<>();
  /** Request key (method and top Via branch) to the last response sent for it, or NOT_ANSWERED. */
  private final Map<String, SipResponse> answered = new ConcurrentHashMap<>();

  /** Queues {@code responders} (already checked) for the next request of {@code method}. */
  void enqueue(SipMethod method, MockSipPeer.Responder[] responders) {
    synchronized (queued) {
      queued.computeIfAbsent(method, m -> new ArrayDeque<>()).add(responders.clone());
    }
  }

  /**
   * Whether {@code request} repeats one already seen (same method and top Via branch); if so,
   * {@code resend} gets the last answer sent to it, unless none was.
   */
  boolean isRetransmission(SipRequest request, java.util.function.Consumer<SipResponse> resend) {
    String key = requestKey(request);
    if (key == null || !answered.containsKey(key)) {
      return false;
    }
    SipResponse last = answered.get(key);
    if (last != NOT_ANSWERED) {
      resend.accept(last);
    }
    return true;
  }

  /**
   * The scripted answers to a new {@code request}, in order (empty when nothing is queued for its
   * method, and always for an ACK, which is never answered: RFC 3261 §17.1.1.3); remembers the
   * last one for the request's retransmissions.
   *
   * @throws RuntimeException or AssertionError if a responder fails
   */
  List<SipResponse> answer(SipRequest request) {
    List<SipResponse> answers = scripted(request);
    String key = requestKey(request);
    if (key != null) {
      answered.put(key, answers.isEmpty() ? NOT_ANSWERED : answers.get(answers.size() - 1));
    }
    return answers;
  }

  /** Remembers {@code response}, sent by hand, as the answer to {@code request}'s retransmissions. */
  void answeredByHand(SipRequest request, SipResponse response) {
    String key = requestKey(request);
    if (key != null && answered.containsKey(key)) {
      answered.put(key, response);
    }
  }

  /**
   * {@code status} to {@code request} with this peer's To tag; a 101..299 answer to an INVITE
   * carries {@code contactUri} as its Contact, so a dialog can form.
   */
  static SipResponse standardResponse(SipRequest request, int status, String contactUri) {
    SipResponse.Builder b = request.response(status, tagFor(request));
    if (request.method().equals(SipMethod.INVITE) && status > 100 && status < 300) {
      b.header(HeaderName.CONTACT, "<" + contactUri + ">");
    }
    return b.build();
  }

  /** One To tag per dialog-forming request (Call-ID, From tag), so 180 and 200 share it. */
  static String tagFor(SipRequest request) {
    String fromTag = request.from() == null ? null : request.from().tag();
    return "m" + Integer.toHexString(Objects.hash(request.callId(), fromTag) & 0x7fffffff);
  }

  private List<SipResponse> scripted(SipRequest request) {
    if (request.method().equals(SipMethod.ACK)) {
      return List.of();
    }
    MockSipPeer.Responder[] responders;
    synchronized (queued) {
      Queue<MockSipPeer.Responder[]> q = queued.get(request.method());
      responders = q == null ? null : q.poll();
    }
    if (responders == null) {
      return List.of();
    }
    List<SipResponse> out = new ArrayList<>(responders.length);
    for (MockSipPeer.Responder r : responders) {
      out.add(r.respond(request));
    }
    return out;
  }

  /** Method and top Via branch, which a retransmission repeats (RFC 3261 §17.2.3); or null. */
  private static String requestKey(SipRequest r) {
    Via via;
    try {
      via = r.topVia();
    } catch (SipParseException e) {
      return null;
    }
    String branch = via == null ? null : via.branch();
    return branch == null ? null : r.method() + " " + branch;
  }
}
