package dev.parley.focus.internal;

import dev.parley.dialog.UserAgent;
import dev.parley.json.JsonWriter;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Scheduler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
  static final MediaType RESULTS = MediaType.parse("application/vnd.parley.im-results+json");
  static final MediaType CPIM = MediaType.parse("message/cpim");
  private static final String COMPOSING = "application/im-iscomposing+xml";

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
    byte[] wrapped = cpim(from, conference, type, message.body());
    boolean composing = (type.type() + "/" + type.subtype()).equalsIgnoreCase(COMPOSING);
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
              statuses[index] = response != null ? response.statusCode() : statusOf(error);
            }
            if (pending.decrementAndGet() == 0) {
              all.complete(null);
            }
          });
    }
    if (composing) {
      return;
    }
    all.thenRun(() -> {
      timer.cancel();
      JsonWriter json = new JsonWriter().beginObject().name("results").beginArray();
      synchronized (statuses) {
        for (int i = 0; i < recipients.size(); i++) {
          json.beginObject().field("uri", recipients.get(i).aor.toString())
              .field("status", statuses[i] == 0 ? 408 : statuses[i]).endObject();
        }
      }
      json.endArray().endObject();
      respond(tx, message.response(200)
          .body(RESULTS, json.toString().getBytes(StandardCharsets.UTF_8)).build());
    });
  }

  private static int statusOf(Throwable error) {
    Throwable e = error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
        ? c.getCause() : error;
    return e instanceof dev.parley.dialog.SipFailure f ? f.statusCode() : 500;
  }

  /** RFC 3862: the sender and the conference as CPIM headers, then the original MIME object. */
  private static byte[] cpim(Leg from, Conference conference, MediaType type, byte[] body) {
    StringBuilder head = new StringBuilder(256);
    head.append("From: ").append(from.displayName == null ? "" : quoted(from.displayName) + " ")
        .append('<').append(from.aor).append(">\r\n");
    head.append("To: <").append(conference.uri).append(">\r\n");
    head.append("DateTime: ").append(Instant.now().truncatedTo(ChronoUnit.MILLIS)).append("\r\n");
    head.append("\r\n");
    head.append("Content-Type: ").append(type).append("\r\n");
    head.append("\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static String quoted(String name) {
    return '"' + name.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static void respond(ServerTransaction tx, SipResponse response) {
    tx.respond(response);
  }

}
