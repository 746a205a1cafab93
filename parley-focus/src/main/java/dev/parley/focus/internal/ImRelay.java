package dev.parley.focus.internal;

import dev.parley.dialog.SipFailure;
import dev.parley.dialog.UserAgent;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.body.CpimMessage;
import dev.parley.sip.body.DeliveryResults;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Scheduler;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IM in a conference ({@code docs/conferences.md}, "IM"): a participant's session MESSAGE goes to
 * every other connected participant inside its own dialog, wrapped in {@code message/cpim} (RFC
 * 3862) whose From names the sender; the sender's MESSAGE is answered once every recipient has
 * answered (or the relay timeout passed) with one result per recipient, as
 * {@code application/vnd.parley.im-results+json}. An is-composing indication (RFC 3994) is
 * relayed the same way and answered 200 at once.
 *
 * <p>Thread-safe; runs on event loops and never blocks.
 */
final class ImRelay {
  /** The content type of the sender's per-recipient results. */
  static final MediaType RESULTS = MediaType.parse(DeliveryResults.CONTENT_TYPE);
  static final MediaType CPIM = MediaType.parse(CpimMessage.CONTENT_TYPE);
  private static final String COMPOSING = "application/im-iscomposing+xml";
  /** A participant's MESSAGEs (and composing indications) being relayed at once, at most. */
  static final int MAX_RELAYING = 8;

  private final Duration timeout;
  private volatile UserAgent agent;

  ImRelay(Duration timeout) {
    this.timeout = timeout;
  }

  void attach(UserAgent agent) {
    this.agent = agent;
  }

  void relay(Conference conference, Leg from, ServerTransaction tx, SipRequest message) {
    MediaType type = message.contentType();
    if (type == null || message.bodyLength() == 0) {
      respond(tx, message.response(400).reasonPhrase("Bad Request (a MESSAGE needs a body)")
          .build());
      return;
    }
    List<Leg> recipients = conference.othersConnected(from).stream().filter(l -> l.im).toList();
    if (recipients.isEmpty()) {
      respond(tx, message.response(480)
          .reasonPhrase("Temporarily Unavailable (nobody else is in the conference)").build());
      return;
    }
    boolean composing = (type.type() + "/" + type.subtype()).equalsIgnoreCase(COMPOSING);
    if (from.relaying.get() >= MAX_RELAYING) { // bounded: a sender cannot fill the focus
      respond(tx, message.response(composing ? 200 : 503)
          .reasonPhrase(composing ? "OK" : "Service Unavailable (messages still on their way)")
          .build());
      return;
    }
    from.relaying.incrementAndGet();
    byte[] wrapped = cpim(from, conference, type, message.body());
    if (composing) {
      respond(tx, message.response(200).build());
    }
    int[] statuses = new int[recipients.size()];
    AtomicInteger pending = new AtomicInteger(recipients.size());
    CompletableFuture<Void> all = new CompletableFuture<>();
    Scheduler scheduler = tx.scheduler();
    Scheduler.Timer timer = scheduler.schedule(() -> all.complete(null), timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    for (int i = 0; i < recipients.size(); i++) {
      int index = i;
      agent.request(recipients.get(i).dialog, SipMethod.MESSAGE, CPIM, wrapped)
          .whenComplete((response, error) -> {
            synchronized (statuses) {
              statuses[index] = response != null ? response.statusCode()
                  : SipFailure.statusOf(error);
            }
            if (pending.decrementAndGet() == 0) {
              all.complete(null);
            }
          });
    }
    all.thenRun(() -> {
      timer.cancel();
      from.relaying.decrementAndGet();
    });
    if (composing) {
      return;
    }
    all.thenRun(() -> {
      List<DeliveryResults.Result> results = new ArrayList<>();
      synchronized (statuses) {
        for (int i = 0; i < recipients.size(); i++) {
          results.add(new DeliveryResults.Result(recipients.get(i).aor.toString(),
              statuses[i] == 0 ? 408 : statuses[i]));
        }
      }
      respond(tx, message.response(200)
          .body(RESULTS, DeliveryResults.of(results).toBytes()).build());
    });
  }

  /** RFC 3862: the sender and the conference as CPIM headers, then the original MIME object. */
  private static byte[] cpim(Leg from, Conference conference, MediaType type, byte[] body) {
    CpimMessage.Builder b = CpimMessage.builder();
    if (from.displayName != null) {
      b.from(from.displayName, from.aor.toString());
    } else {
      b.from(from.aor.toString());
    }
    return b.to(conference.uri.toString())
        .dateTime(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS))
        .contentType(type).content(body).build().toBytes();
  }

  private static void respond(ServerTransaction tx, SipResponse response) {
    tx.respond(response);
  }
}
