package dev.parley.server.metrics;

import dev.parley.focus.ConferenceView;
import dev.parley.focus.Focus;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.LocationService;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.ConnectionStats;
import dev.parley.transport.NettyTransportLayer;
import dev.parley.transport.Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Registers the {@code parley_*} meters of {@link ServerMetrics}, one method per role. Every
 * meter reads a counter the server keeps anyway, when the registry is scraped. Micrometer's
 * Prometheus naming adds {@code _total} to counters: {@code parley.sip.requests.received}
 * is scraped as {@code parley_sip_requests_received_total}.
 *
 * <p>Micrometer holds a counter's source object weakly: each counter's source is a part the
 * server keeps for its whole life; gauges hold theirs strongly (a method reference such as
 * {@code accounts::size} would otherwise be collected and read NaN). Called once per registry,
 * at build time.
 */
final class ServerMeters {
  /** The connection-oriented transports, whose connections are counted. */
  private static final List<Transport> CONNECTED =
      List.of(Transport.TCP, Transport.TLS, Transport.WS, Transport.WSS);

  private ServerMeters() {}

  static void sip(MeterRegistry r, SipTraffic traffic, TransactionLayer transactions) {
    for (String method : SipTraffic.METHODS) {
      counter(r, "parley.sip.requests.received", traffic, t -> t.received(method),
          "SIP requests received by the server (new transactions, ACKs for 2xx, CANCELs)",
          "method", method);
    }
    counter(r, "parley.sip.requests.received", traffic, t -> t.received(SipTraffic.OTHER),
        "SIP requests received by the server (new transactions, ACKs for 2xx, CANCELs)",
        "method", SipTraffic.OTHER);
    for (int c = 1; c <= 6; c++) {
      int statusClass = c;
      counter(r, "parley.sip.responses.sent", transactions,
          t -> t.responsesSent(statusClass),
          "SIP responses sent by the server's transactions (proxy, registrar, focus), first"
              + " transmissions", "class", c + "xx");
    }
    gauge(r, "parley.sip.transactions", transactions, TransactionLayer::clientCount,
        "SIP transactions live now", "side", "client");
    gauge(r, "parley.sip.transactions", transactions, TransactionLayer::serverCount,
        "SIP transactions live now", "side", "server");
  }

  static void proxy(MeterRegistry r, Proxy proxy) {
    counter(r, "parley.proxy.requests.forwarded", proxy, p -> p.stats().requestsForwarded(),
        "Requests the proxy sent downstream (one per branch, ACKs included)");
    for (int c = 1; c <= 6; c++) {
      int statusClass = c;
      counter(r, "parley.proxy.responses.sent", proxy, p -> p.stats().responses(statusClass),
          "Responses the proxy sent upstream (forwarded or its own)", "class", c + "xx");
    }
    counter(r, "parley.proxy.challenges", proxy, p -> p.stats().challenges(),
        "407 challenges the proxy sent");
    counter(r, "parley.proxy.relays.refused", proxy, p -> p.stats().relaysRefused(),
        "Requests refused 403 as relays, and ACKs dropped outside the proxy's dialogs");
    counter(r, "parley.proxy.stray.responses.dropped", proxy,
        p -> p.stats().strayResponsesDropped(), "Responses that matched no transaction");
    counter(r, "parley.proxy.max.breadth.exceeded", proxy,
        p -> p.stats().maxBreadthExceeded(), "Requests answered 440 Max-Breadth Exceeded");
    gauge(r, "parley.proxy.contexts", proxy, p -> p.stats().activeContexts(),
        "Requests being proxied now (response contexts without a final response)");
    gauge(r, "parley.proxy.contexts.max", proxy, p -> p.stats().maxContexts(),
        "The bound on parley_proxy_contexts (beyond it: 503)");
    gauge(r, "parley.proxy.dialogs", proxy, Proxy::activeDialogs,
        "Calls up through the proxy now (record-routed INVITE dialogs answered 2xx, BYE not"
            + " seen)");
    counter(r, "parley.proxy.dialogs.uncounted", proxy, Proxy::uncountedDialogs,
        "Calls not counted in parley_proxy_dialogs because proxy.max_dialogs were");
  }

  static void registrations(MeterRegistry r, LocationService location, IntSupplier accounts) {
    gauge(r, "parley.accounts", accounts, IntSupplier::getAsInt, "Accounts of the domain");
    gauge(r, "parley.registrar.aors", location, LocationService::aorCount,
        "Addresses of record with bindings now");
    gauge(r, "parley.registrar.bindings", location, LocationService::bindingCount,
        "Bindings (registered contacts) now");
  }

  private static final String REFUSED_HELP = "Connections refused by a connection limit"
      + " (accepted ones closed at once, outbound ones not opened)";

  static void connections(MeterRegistry r, NettyTransportLayer transport) {
    for (Transport t : CONNECTED) {
      String name = t.name().toLowerCase(Locale.ROOT);
      gauge(r, "parley.connections.open", transport, x -> x.connectionStats(t).open(),
          "Connections open now, inbound and outbound", "transport", name);
      connectionCounter(r, "parley.connections.refused", transport, t,
          ConnectionStats::refusedPerAddress, REFUSED_HELP, "reason", "per_address");
      connectionCounter(r, "parley.connections.refused", transport, t,
          ConnectionStats::refusedFull, REFUSED_HELP, "reason", "full");
      connectionCounter(r, "parley.connections.evicted", transport, t, ConnectionStats::evicted,
          "Connections closed to make room for one from an address holding fewer");
      connectionCounter(r, "parley.connections.timeouts", transport, t,
          ConnectionStats::firstMessageTimeouts, "Connections closed by a timeout", "timeout",
          "first_message");
      connectionCounter(r, "parley.connections.timeouts", transport, t,
          ConnectionStats::messageTimeouts, "Connections closed by a timeout", "timeout",
          "message");
      connectionCounter(r, "parley.connections.timeouts", transport, t,
          ConnectionStats::idleTimeouts, "Connections closed by a timeout", "timeout", "idle");
    }
  }

  private static void connectionCounter(MeterRegistry r, String name,
      NettyTransportLayer transport, Transport t, ToLongFunction<ConnectionStats> value,
      String help, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "transport";
    all[1] = t.name().toLowerCase(Locale.ROOT);
    System.arraycopy(tags, 0, all, 2, tags.length);
    counter(r, name, transport, x -> value.applyAsLong(x.connectionStats(t)), help, all);
  }

  static void offline(MeterRegistry r, OfflineMessages offline) {
    gauge(r, "parley.offline.messages.pending", offline, o -> o.stats().pending(),
        "Stored messages waiting for their recipient");
    gauge(r, "parley.offline.messages.pending.bytes", offline, o -> o.stats().pendingBytes(),
        "Body bytes of the stored messages");
    gauge(r, "parley.offline.users", offline, o -> o.stats().users(),
        "Users with stored messages");
    gauge(r, "parley.offline.messages.unauthenticated.pending", offline,
        o -> o.stats().unauthenticatedPending(),
        "Stored messages from unauthenticated senders (of parley_offline_messages_pending)");
    counter(r, "parley.offline.messages.accepted", offline, o -> o.stats().accepted(),
        "Messages stored for later delivery (202)");
    counter(r, "parley.offline.messages.rejected", offline, o -> o.stats().rejected(),
        "Messages refused by a quota");
    counter(r, "parley.offline.messages.delivered", offline, o -> o.stats().delivered(),
        "Stored messages delivered");
    counter(r, "parley.offline.messages.dropped", offline, o -> o.stats().dropped(),
        "Stored messages dropped undelivered (expired, or refused by the recipient)");
    counter(r, "parley.offline.delivery.failures", offline, o -> o.stats().failedAttempts(),
        "Delivery attempts that failed (retried later)");
    counter(r, "parley.offline.messages.refused.per.sender", offline,
        o -> o.stats().refusedPerSender(),
        "Messages refused 480 by the per-sender quota (also in rejected)");
    counter(r, "parley.offline.messages.unauthenticated.declined", offline,
        o -> o.stats().unauthenticatedDeclined(),
        "Messages from unauthenticated senders left to the proxy's 480");
    counter(r, "parley.offline.messages.unauthenticated.discarded", offline,
        o -> o.stats().unauthenticatedDiscarded(),
        "Messages from unauthenticated senders answered 202 and not stored");
  }

  static void rateLimits(MeterRegistry r, RateLimiter limiter) {
    gauge(r, "parley.ratelimit.sources", limiter, l -> l.stats().sources(),
        "Source addresses tracked by the rate limiter now");
    gauge(r, "parley.ratelimit.sources.max", limiter, l -> l.stats().maxSources(),
        "The bound on parley_ratelimit_sources");
    counter(r, "parley.ratelimit.requests.refused", limiter, l -> l.stats().requestsRefused(),
        "Requests dropped or refused for their source's rate or block");
    counter(r, "parley.ratelimit.auth.failures", limiter, l -> l.stats().authFailures(),
        "Failed digest authentications counted against their source");
    counter(r, "parley.ratelimit.auth.blocks", limiter, l -> l.stats().authBlocks(),
        "Sources blocked for failing authentication");
  }

  static void conferences(MeterRegistry r, Focus focus) {
    gauge(r, "parley.conferences", focus, f -> f.conferences().size(),
        "Conferences of the focus now");
    gauge(r, "parley.conference.participants", focus, ServerMeters::participants,
        "Participants of the focus's conferences now");
    gauge(r, "parley.focus.dialogs", focus, Focus::dialogCount,
        "Dialogs of the focus (participants' legs, early ones included)");
  }

  private static double participants(Focus focus) {
    long n = 0;
    for (ConferenceView c : focus.conferences()) {
      n += c.participants().size();
    }
    return n;
  }

  private static <T> void counter(MeterRegistry r, String name, T source,
      ToDoubleFunction<T> value, String help, String... tags) {
    FunctionCounter.builder(name, source, value).description(help).tags(tags).register(r);
  }

  private static <T> void gauge(MeterRegistry r, String name, T source,
      ToDoubleFunction<T> value, String help, String... tags) {
    Gauge.builder(name, source, value).description(help).tags(tags).strongReference(true)
        .register(r);
  }
}
