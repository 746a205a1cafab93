package dev.parley.dialog;

import dev.parley.auth.CredentialsProvider;
import dev.parley.auth.DigestClient;
import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.Header;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.Transaction;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transaction.TransactionUser;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A SIP user agent core (RFC 3261 §8, §12-15): the transaction user that creates and keeps
 * dialogs, answers requests through a {@link Handler} and sends requests as a UAC.
 *
 * <p>It acknowledges 2xx and retransmits its own 2xx to INVITE until the ACK arrives (§13.3.1.4);
 * keeps early dialogs per fork and ends extra forks' 2xx with BYE (§13.2.2.4); re-INVITE and
 * UPDATE with glare handling (491 and the retry timer of §14.1, RFC 3311 §5.2); reliable
 * provisional responses and PRACK (RFC 3262); 420 for unsupported Require (§8.2.2.3); and answers
 * digest challenges to its requests when given credentials (§22.2).
 *
 * <p>Threading: handler methods run on the event loop that received the request and must not
 * block (the client API above moves application callbacks off the loop). Public methods are
 * thread-safe and return futures completed on an event loop.
 */
public final class UserAgent implements TransactionUser, AutoCloseable {
  /** Answers what the network sends. Methods run on an event loop: never block in them. */
  public interface Handler {
    /** An INVITE outside any dialog: answer it through {@code invite}, now or later, from any thread. */
    void onInvite(IncomingInvite invite);

    /**
     * A request outside any dialog other than INVITE, ACK and CANCEL. Default: OPTIONS gets 200
     * with Allow, anything else 405 Method Not Allowed.
     */
    default void onRequest(ServerTransaction transaction, SipRequest request) {
      int status = request.method().equals(SipMethod.OPTIONS) ? 200 : 405;
      transaction.respond(Responses.to(request, status, Responses.randomToken())
          .header(HeaderName.ALLOW, ALLOW).header(HeaderName.SUPPORTED, SUPPORTED).build());
    }

    /** A re-INVITE inside {@code dialog} (a session change). Default: 488 Not Acceptable Here. */
    default void onReInvite(Dialog dialog, IncomingInvite invite) {
      invite.reject(488);
    }

    /**
     * A request inside a dialog other than INVITE, ACK, BYE and PRACK (UPDATE, INFO, MESSAGE,
     * NOTIFY...). Default: 200.
     */
    default void onDialogRequest(Dialog dialog, ServerTransaction transaction, SipRequest request) {
      transaction.respond(Responses.simple(request, 200, null));
    }

    /** A dialog ended: BYE received ({@code bye} non-null) or sent, or no ACK came for our 2xx. */
    default void onDialogEnded(Dialog dialog, SipRequest bye) {}
  }

  /** The methods Parley's user agent core accepts. */
  public static final String ALLOW =
      "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, PRACK, NOTIFY, REFER";
  /** The option tag of reliable provisional responses (RFC 3262). */
  public static final String OPTION_100REL = "100rel";
  /** The extensions we support, as a Supported header value. */
  public static final String SUPPORTED = OPTION_100REL;
  private static final Set<String> SUPPORTED_TAGS = Set.of(OPTION_100REL);

  private final TransportLayer transport;
  private final TransactionLayer transactions;
  private final Handler handler;
  private final int maxDialogs;
  private final String contactUser;
  private final CredentialsProvider credentials;
  private final String advertisedHost;
  private final DigestClient digest = new DigestClient();
  private final DialogOffers offers = new DialogOffers(this);
  private final Map<DialogId, DialogEntry> dialogs = new ConcurrentHashMap<>();
  private final Map<ServerTransaction, IncomingInvite> invites = new ConcurrentHashMap<>();
  private final Map<ClientTransaction, OutgoingInvite> calls = new ConcurrentHashMap<>();

  private UserAgent(Builder b) {
    this.transport = b.transport;
    this.handler = b.handler;
    this.maxDialogs = b.maxDialogs;
    this.contactUser = b.contactUser;
    this.credentials = b.credentials;
    this.advertisedHost = b.advertisedHost;
    this.transactions = TransactionLayer.builder(transport, this).config(b.transactionConfig).build();
    transport.setListener(transactions);
  }

  /** A builder for a user agent on {@code transport} (not yet started). */
  public static Builder builder(TransportLayer transport) {
    return new Builder(transport);
  }

  /** Starts the transport (binds the listen points). */
  public CompletableFuture<Void> start() {
    return transport.start();
  }

  /** The transaction layer, for status counts. */
  public TransactionLayer transactions() {
    return transactions;
  }

  /** The transport layer (listen points, connection counts). */
  public TransportLayer transport() {
    return transport;
  }

  /** Dialogs currently known (early or confirmed). */
  public int dialogCount() {
    return dialogs.size();
  }

  /** INVITEs received and not yet answered with a final response. */
  public int pendingInviteCount() {
    return invites.size();
  }

  TransactionConfig config() {
    return transactions.config();
  }

  /** A Contact for messages sent over {@code t}: {@code <sip:user@host:port;transport=t>}. */
  public Address contact(Transport t) {
    ListenPoint lp = transport.listenPoint(t);
    if (lp == null) {
      lp = transport.listenPoints().get(0);
    }
    String host = lp.hostText();
    if (advertisedHost != null) {
      host = advertisedHost;
    } else if (lp.address().getAddress().isAnyLocalAddress()) {
      host = wildcardFallback(lp);
    }
    SipUri.Builder uri = SipUri.builder().user(contactUser).host(host)
        .port(lp.address().getPort());
    if (lp.transport() != Transport.UDP) {
      uri.transport(lp.transport().name().toLowerCase(Locale.ROOT));
    }
    return Address.of(uri.build());
  }

  /**
   * A host for a wildcard listen point (0.0.0.0 or ::) when no advertised host was given: the
   * loopback address of the same family, which at least never advertises an unroutable 0.0.0.0.
   */
  private static String wildcardFallback(ListenPoint lp) {
    return lp.address().getAddress() instanceof java.net.Inet6Address ? "[::1]" : "127.0.0.1";
  }

  // ------------------------------------------------------------------------------------------
  // UAS side (TransactionUser callbacks, on the event loop)

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    if (!unsupportedExtensions(tx, request)) {
      return;
    }
    String toTag = request.to().tag();
    if (toTag != null) {
      inDialog(tx, request, toTag);
      return;
    }
    if (request.method().isInvite()) {
      IncomingInvite invite = new IncomingInvite(this, tx, request, null);
      invites.put(tx, invite);
      handler.onInvite(invite);
    } else {
      handler.onRequest(tx, request);
    }
  }

  /** §8.2.2.3: a Require we do not support gets 420 with Unsupported; false when answered. */
  private boolean unsupportedExtensions(ServerTransaction tx, SipRequest request) {
    if (request.method().equals(SipMethod.PRACK) || !request.headers().contains(HeaderName.REQUIRE)) {
      return true;
    }
    List<String> unsupported = new ArrayList<>();
    for (String tag : request.headers(Header.REQUIRE)) {
      if (!SUPPORTED_TAGS.contains(tag.toLowerCase(Locale.ROOT))) {
        unsupported.add(tag);
      }
    }
    if (unsupported.isEmpty()) {
      return true;
    }
    tx.respond(Responses.to(request, 420, Responses.randomToken())
        .header(HeaderName.UNSUPPORTED, String.join(", ", unsupported)).build());
    return false;
  }

  private void inDialog(ServerTransaction tx, SipRequest request, String toTag) {
    DialogEntry entry = dialogs.get(new DialogId(request.callId(), toTag, request.from().tag()));
    if (entry == null) {
      tx.respond(Responses.simple(request, 481, null));
      return;
    }
    runOn(entry.scheduler, () -> inDialog(entry, tx, request));
  }

  private void inDialog(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    SipMethod method = request.method();
    if (!entry.dialog.acceptRemoteRequest(request)) {
      tx.respond(Responses.simple(request, 500, null));
      return;
    }
    if (method.equals(SipMethod.BYE)) {
      tx.respond(Responses.simple(request, 200, null));
      IncomingInvite early = entry.earlyInvite;
      end(entry, request);
      if (early != null) {
        early.reject(487); // BYE in an early dialog ends the INVITE too (§15.1.2)
      }
    } else if (method.equals(SipMethod.PRACK)) {
      prack(entry, tx, request);
    } else if (method.isInvite() || method.equals(SipMethod.UPDATE)) {
      offer(entry, tx, request);
    } else {
      handler.onDialogRequest(entry.dialog, tx, request);
    }
  }

  /** RFC 3262 §3: a PRACK naming our reliable provisional gets 200, any other 481. */
  private void prack(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    String rack = request.headers().get(HeaderName.RACK);
    boolean matched = false;
    if (rack != null) {
      String[] parts = rack.strip().split("\\s+");
      try {
        matched = parts.length == 3
            && entry.pracked(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
      } catch (NumberFormatException e) {
        matched = false;
      }
    }
    tx.respond(Responses.simple(request, matched ? 200 : 481, null));
  }

  /** A re-INVITE or UPDATE: 491 in glare (§14.2, RFC 3311 §5.2), 500 if a re-INVITE is still open. */
  private void offer(DialogEntry entry, ServerTransaction tx, SipRequest request) {
    if (entry.localOfferPending) {
      tx.respond(Responses.simple(request, 491, null));
      return;
    }
    if (request.method().isInvite()) {
      if (entry.remoteInvitePending) {
        tx.respond(Responses.to(request, 500, null)
            .header(HeaderName.RETRY_AFTER, Integer.toString(ThreadLocalRandom.current().nextInt(11)))
            .build());
        return;
      }
      entry.remoteInvitePending = true;
      IncomingInvite invite = new IncomingInvite(this, tx, request, entry);
      invites.put(tx, invite);
      handler.onReInvite(entry.dialog, invite);
    } else {
      handler.onDialogRequest(entry.dialog, tx, request);
    }
  }

  @Override
  public void onAck(SipRequest ack, Inbound inbound) {
    String toTag = ack.to().tag();
    if (toTag == null) {
      return;
    }
    DialogEntry entry = dialogs.get(new DialogId(ack.callId(), toTag, ack.from().tag()));
    if (entry != null) {
      runOn(entry.scheduler, () -> entry.acked(ack));
    }
  }

  @Override
  public void onCancel(ServerTransaction tx, SipRequest cancel) {
    IncomingInvite invite = invites.get(tx);
    if (invite != null) {
      invite.cancelled(cancel);
    }
  }

  @Override
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    if (!response.isSuccess() || response.cseq() == null || !response.cseq().method().isInvite()) {
      return;
    }
    DialogEntry entry = dialogs.get(
        new DialogId(response.callId(), response.from().tag(), response.to().tag()));
    if (entry != null) {
      runOn(entry.scheduler, () -> {
        if (entry.ack != null && entry.ack.cseq().sequence() == response.cseq().sequence()) {
          transactions.sendAck(entry.ack, nextHop(entry.dialog)); // §13.2.2.4: 2xx retransmitted
        }
      });
    }
  }

  @Override
  public void onTerminated(Transaction transaction) {
    if (transaction instanceof ServerTransaction st) {
      invites.remove(st);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Dialog table

  DialogEntry find(DialogId id) {
    return dialogs.get(id);
  }

  /** Adds a dialog; false when the table is full (bounded: {@link Builder#maxDialogs}). */
  boolean register(DialogEntry entry) {
    if (dialogs.size() >= maxDialogs) {
      return false;
    }
    dialogs.putIfAbsent(entry.dialog.id(), entry);
    return true;
  }

  /** Drops a dialog silently (an early dialog that never became confirmed). */
  void forget(DialogEntry entry) {
    entry.dialog.terminate();
    entry.stopRetransmitting();
    dialogs.remove(entry.dialog.id(), entry);
  }

  void answered(ServerTransaction tx) {
    invites.remove(tx);
  }

  void end(DialogEntry entry, SipRequest bye) {
    boolean known = dialogs.remove(entry.dialog.id(), entry);
    entry.dialog.terminate();
    entry.stopRetransmitting();
    if (known) {
      handler.onDialogEnded(entry.dialog, bye);
    }
  }

  /** Ends a dialog from our side with BYE (used when an ACK never came or a fork must go). */
  void endWithBye(DialogEntry entry) {
    SipRequest bye = entry.dialog.newRequest(SipMethod.BYE, 0).build();
    end(entry, null);
    request(bye, nextHop(entry.dialog), entry.scheduler);
  }

  void runOn(Scheduler scheduler, Runnable task) {
    scheduler.run(task);
  }

  // ------------------------------------------------------------------------------------------
  // UAC side

  /**
   * A request outside any dialog (RFC 3261 §8.1.1): Request-URI {@code target}, To {@code to},
   * From {@code from} with a fresh tag, a fresh Call-ID, CSeq 1, Max-Forwards 70 and, for INVITE,
   * our Contact for {@code transport} and Supported: 100rel. The transaction layer adds the Via.
   */
  public SipRequest.Builder newRequest(SipMethod method, Uri target, Address from, Address to,
      Transport transport) {
    SipRequest.Builder b = SipRequest.builder(method, target)
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.TO, to)
        .header(HeaderName.FROM, from.tag() == null ? from.withTag(Responses.randomToken()) : from)
        .header(HeaderName.CALL_ID, Responses.randomToken() + Responses.randomToken())
        .header(HeaderName.CSEQ, new CSeq(1, method));
    if (method.isInvite() || method.equals(SipMethod.SUBSCRIBE) || method.equals(SipMethod.REFER)) {
      b.header(HeaderName.CONTACT, contact(transport));
    }
    if (method.isInvite()) {
      b.header(HeaderName.SUPPORTED, SUPPORTED).header(HeaderName.ALLOW, ALLOW);
    }
    return b;
  }

  /**
   * Sends an INVITE and completes with the dialog once a 2xx arrives (and is acknowledged);
   * fails with {@link SipFailure} on a non-2xx final response, a timeout (408) or a transport
   * error (503).
   */
  public CompletableFuture<Dialog> invite(SipRequest invite, Hop hop) {
    return invite(invite, hop, null).dialog();
  }

  /**
   * Sends an INVITE; {@code provisionals} (may be null) sees each provisional response, on the
   * event loop. The returned call can be cancelled and completes as {@link #invite(SipRequest, Hop)}.
   */
  public OutgoingInvite invite(SipRequest invite, Hop hop, Consumer<SipResponse> provisionals) {
    Objects.requireNonNull(invite, "invite");
    Objects.requireNonNull(hop, "hop");
    if (!invite.method().isInvite()) {
      throw new IllegalArgumentException("not an INVITE: " + invite.method());
    }
    OutgoingInvite call = new OutgoingInvite(this, provisionals);
    send(invite, hop, call.dialog(), new Responder() {
      @Override
      public void sent(ClientTransaction tx) {
        calls.put(tx, call);
        call.sent(tx);
      }

      @Override
      public void accept(ClientTransaction tx, SipResponse response) {
        call.onResponse(tx, response);
      }

      @Override
      public void terminated(ClientTransaction tx) {
        calls.remove(tx);
        call.terminated();
      }
    });
    return call;
  }

  /**
   * Sends a re-INVITE in {@code dialog} with an offer (RFC 3261 §14.1); acknowledges its 2xx and
   * refreshes the remote target. On 491 (glare) it retries after §14.1's random delay, up to 3
   * times. Completes with the final response (a non-2xx leaves the session as it was); a 481 or
   * 408 ends the dialog with BYE.
   *
   * @throws IllegalStateException (in the future) when an offer is already in progress
   */
  public CompletableFuture<SipResponse> reinvite(Dialog dialog, MediaType type, byte[] body) {
    return offer(dialog, SipMethod.INVITE, type, body);
  }

  /** Sends an UPDATE in {@code dialog} with an offer (RFC 3311), with the same glare rules. */
  public CompletableFuture<SipResponse> update(Dialog dialog, MediaType type, byte[] body) {
    return offer(dialog, SipMethod.UPDATE, type, body);
  }

  private CompletableFuture<SipResponse> offer(Dialog dialog, SipMethod method, MediaType type,
      byte[] body) {
    DialogEntry entry = dialogs.get(dialog.id());
    if (entry == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no such dialog: " + dialog.id()));
    }
    return offers.offer(entry, method, type, body);
  }

  /**
   * Ends a dialog with BYE (RFC 3261 §15.1.1); completes with the final response to the BYE.
   * The dialog is terminated at once, whatever the response.
   */
  public CompletableFuture<SipResponse> bye(Dialog dialog) {
    return bye(dialog, null);
  }

  /**
   * Ends a dialog with a BYE carrying a Reason header (RFC 3326) saying why, e.g.
   * {@code Reason.sip(486, "Busy Here")}; null for none. Otherwise as {@link #bye(Dialog)}.
   */
  public CompletableFuture<SipResponse> bye(Dialog dialog, dev.parley.sip.Reason reason) {
    DialogEntry entry = dialogs.get(dialog.id());
    if (entry == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no such dialog: " + dialog.id()));
    }
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    runOn(entry.scheduler, () -> {
      try {
        SipRequest.Builder b = entry.dialog.newRequest(SipMethod.BYE, 0);
        if (reason != null) {
          b.header(HeaderName.REASON, reason);
        }
        SipRequest bye = b.build();
        Hop hop = nextHop(entry.dialog);
        end(entry, null);
        request(bye, hop, entry.scheduler).whenComplete((r, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(r);
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /**
   * Sends a request inside {@code dialog} (INFO, MESSAGE, NOTIFY, REFER...) and completes with its
   * final response.
   */
  public CompletableFuture<SipResponse> request(Dialog dialog, SipMethod method, MediaType type,
      byte[] body) {
    return request(dialog, method, b -> {
      if (type != null && body != null) {
        b.body(type, body);
      }
    });
  }

  /**
   * Sends a request inside {@code dialog} that {@code customizer} completes (extra headers, a
   * body), on the dialog's event loop: the customizer must be quick and must not block. Completes
   * with the final response; fails with {@link IllegalStateException} when the dialog has ended.
   */
  public CompletableFuture<SipResponse> request(Dialog dialog, SipMethod method,
      Consumer<SipRequest.Builder> customizer) {
    Objects.requireNonNull(customizer, "customizer");
    DialogEntry entry = dialogs.get(dialog.id());
    if (entry == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no such dialog: " + dialog.id()));
    }
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    runOn(entry.scheduler, () -> {
      SipRequest.Builder b = entry.dialog.newRequest(method, 0);
      customizer.accept(b);
      request(b.build(), nextHop(entry.dialog)).whenComplete((r, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(r);
        }
      });
    });
    return result;
  }

  /**
   * Sends a non-INVITE request and completes with its final response (any status); fails with
   * {@link SipFailure} on timeout (408) or transport error (503).
   */
  public CompletableFuture<SipResponse> request(SipRequest request, Hop hop) {
    return request(request, hop, dialogScheduler(request));
  }

  /** As {@link #request(SipRequest, Hop)}, on {@code scheduler} if not null. */
  CompletableFuture<SipResponse> request(SipRequest request, Hop hop, Scheduler scheduler) {
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    send(request, hop, scheduler, result, (tx, response) -> {
      if (response.isFinal()) {
        result.complete(response);
      }
    });
    return result;
  }

  /** What {@link #send} reports: responses, and optionally the transaction's start and end. */
  interface Responder extends BiConsumer<ClientTransaction, SipResponse> {
    default void sent(ClientTransaction tx) {}

    default void terminated(ClientTransaction tx) {}
  }

  /**
   * Sends {@code request} in a client transaction; answers a 401 or 407 once per challenge with
   * credentials from the builder's provider (RFC 3261 §22.2), in a new transaction; hands every
   * other response to {@code responder}; fails {@code result} on timeout or transport error.
   */
  void send(SipRequest request, Hop hop, CompletableFuture<?> result, Responder responder) {
    send(request, hop, dialogScheduler(request), result, responder);
  }

  /**
   * The scheduler of the dialog {@code request} belongs to, or null: a request inside one of our
   * dialogs runs there, where its CSeq was taken, so requests leave in CSeq order (RFC 3261
   * §12.2.1.1).
   */
  private Scheduler dialogScheduler(SipRequest request) {
    if (request.to() == null || request.to().tag() == null || request.from() == null) {
      return null;
    }
    DialogEntry entry = dialogs.get(
        new DialogId(request.callId(), request.from().tag(), request.to().tag()));
    return entry == null ? null : entry.scheduler;
  }

  /** As {@link #send(SipRequest, Hop, CompletableFuture, Responder)}, on {@code scheduler} if not null. */
  void send(SipRequest request, Hop hop, Scheduler scheduler, CompletableFuture<?> result,
      Responder responder) {
    ClientTransaction.Listener listener = new ClientTransaction.Listener() {
      @Override
      public void onResponse(ClientTransaction tx, SipResponse response) {
        int code = response.statusCode();
        if ((code == 401 || code == 407) && credentials != null) {
          SipRequest retry;
          try {
            retry = digest.authorize(request, response, credentials);
          } catch (RuntimeException e) {
            retry = null;
          }
          if (retry != null) {
            send(retry, hop, scheduler, result, responder);
            return;
          }
        }
        responder.accept(tx, response);
      }

      @Override
      public void onTimeout(ClientTransaction tx) {
        result.completeExceptionally(new SipFailure(408, "Request Timeout (no final response)"));
      }

      @Override
      public void onTransportError(ClientTransaction tx, Throwable cause) {
        result.completeExceptionally(new SipFailure(503, "transport error: " + cause.getMessage()));
      }

      @Override
      public void onTerminated(ClientTransaction tx) {
        responder.terminated(tx);
      }
    };
    ClientTransaction tx;
    try {
      tx = scheduler == null ? transactions.sendRequest(request, hop, listener)
          : transactions.sendRequest(request, hop, listener, scheduler);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    responder.sent(tx);
  }

  /** Where requests in {@code dialog} go first: the first route, or the remote target. */
  static Hop nextHop(Dialog dialog) {
    return dialog.routeSet().isEmpty()
        ? Hops.of(dialog.remoteTarget()) : Hops.of(dialog.routeSet().get(0).uri());
  }

  /** Closes the transport (every listener and connection). */
  @Override
  public void close() {
    transport.close();
  }

  /** Builds a {@link UserAgent}; not thread-safe. */
  public static final class Builder {
    private final TransportLayer transport;
    private Handler handler = invite -> invite.reject(480);
    private TransactionConfig transactionConfig = TransactionConfig.defaults();
    private int maxDialogs = 100_000;
    private String contactUser = "parley";
    private CredentialsProvider credentials;
    private String advertisedHost;

    private Builder(TransportLayer transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Who answers requests. Default: every INVITE gets 480, OPTIONS 200, others 405. */
    public Builder handler(Handler handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    public Builder transactionConfig(TransactionConfig config) {
      this.transactionConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Most dialogs kept at once; beyond it new INVITEs get 503 (default {@code 100000}). */
    public Builder maxDialogs(int maxDialogs) {
      if (maxDialogs < 1) {
        throw new IllegalArgumentException("maxDialogs out of range: " + maxDialogs);
      }
      this.maxDialogs = maxDialogs;
      return this;
    }

    /** The user part of our Contact URIs (default "parley"). */
    public Builder contactUser(String user) {
      this.contactUser = Objects.requireNonNull(user, "user");
      return this;
    }

    /** Who answers digest challenges (401/407) to our requests; none by default. */
    public Builder credentials(CredentialsProvider credentials) {
      this.credentials = credentials;
      return this;
    }

    /**
     * The host written in our Contact URIs (a public address or name behind NAT, or the address
     * to use when listening on 0.0.0.0); default: the listen point's address, or loopback for a
     * wildcard listen point.
     */
    public Builder advertisedHost(String host) {
      if (host != null && (host.isBlank() || host.indexOf(' ') >= 0)) {
        throw new IllegalArgumentException("advertisedHost is not a host: \"" + host + "\"");
      }
      this.advertisedHost = host;
      return this;
    }

    public UserAgent build() {
      return new UserAgent(this);
    }
  }
}
