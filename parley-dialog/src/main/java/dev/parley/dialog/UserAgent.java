package dev.parley.dialog;

import dev.parley.dialog.auth.CredentialsProvider;
import dev.parley.dialog.auth.DigestClient;
import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A SIP user agent core (RFC 3261 §8, §12-15): the transaction user that creates and keeps
 * dialogs, answers requests through a {@link Handler}, sends requests as a UAC, acknowledges 2xx
 * and retransmits its own 2xx to INVITE until the ACK arrives (§13.3.1.4); answers digest
 * challenges to its requests when given credentials (§22.2).
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
          .header(HeaderName.ALLOW, ALLOW).build());
    }

    /**
     * A request inside a dialog other than ACK and BYE (BYE ends the dialog by itself). Default:
     * re-INVITE gets 488 (no session description to offer yet), anything else 200.
     */
    default void onDialogRequest(Dialog dialog, ServerTransaction transaction, SipRequest request) {
      int status = request.method().isInvite() ? 488 : 200;
      transaction.respond(Responses.simple(request, status, null));
    }

    /** A dialog ended: BYE received ({@code bye} non-null) or sent, or no ACK came for our 2xx. */
    default void onDialogEnded(Dialog dialog, SipRequest bye) {}
  }

  /** The methods Parley's user agent core accepts. */
  public static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE";

  private final TransportLayer transport;
  private final TransactionLayer transactions;
  private final Handler handler;
  private final int maxDialogs;
  private final String contactUser;
  private final Map<DialogId, DialogEntry> dialogs = new ConcurrentHashMap<>();
  private final Map<ServerTransaction, IncomingInvite> invites = new ConcurrentHashMap<>();
  private final CredentialsProvider credentials;
  private final DigestClient digest = new DigestClient();

  private UserAgent(Builder b) {
    this.transport = b.transport;
    this.handler = b.handler;
    this.maxDialogs = b.maxDialogs;
    this.contactUser = b.contactUser;
    this.credentials = b.credentials;
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

  /** Dialogs currently known (early or confirmed). */
  public int dialogCount() {
    return dialogs.size();
  }

  /** INVITEs received and not yet answered with a final response. */
  public int pendingInviteCount() {
    return invites.size();
  }

  /** The transport layer (listen points, connection counts). */
  public TransportLayer transport() {
    return transport;
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
    SipUri.Builder uri = SipUri.builder().user(contactUser).host(lp.hostText())
        .port(lp.address().getPort());
    if (lp.transport() != Transport.UDP) {
      uri.transport(lp.transport().name().toLowerCase(java.util.Locale.ROOT));
    }
    return Address.of(uri.build());
  }

  // ------------------------------------------------------------------------------------------
  // UAS side (TransactionUser)

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    String toTag = request.to().tag();
    if (toTag != null) {
      inDialog(tx, request, toTag);
      return;
    }
    if (request.method().isInvite()) {
      IncomingInvite invite = new IncomingInvite(this, tx, request);
      invites.put(tx, invite);
      handler.onInvite(invite);
    } else {
      handler.onRequest(tx, request);
    }
  }

  private void inDialog(ServerTransaction tx, SipRequest request, String toTag) {
    DialogEntry entry = dialogs.get(new DialogId(request.callId(), toTag, request.from().tag()));
    if (entry == null) {
      tx.respond(Responses.simple(request, 481, null));
      return;
    }
    if (!entry.dialog.acceptRemoteRequest(request)) {
      tx.respond(Responses.simple(request, 500, null));
      return;
    }
    if (request.method().equals(SipMethod.BYE)) {
      tx.respond(Responses.simple(request, 200, null));
      end(entry, request);
      return;
    }
    handler.onDialogRequest(entry.dialog, tx, request);
  }

  @Override
  public void onAck(SipRequest ack, Inbound inbound) {
    String toTag = ack.to().tag();
    if (toTag == null) {
      return;
    }
    DialogEntry entry = dialogs.get(new DialogId(ack.callId(), toTag, ack.from().tag()));
    if (entry != null) {
      entry.scheduler.run(() -> entry.acked());
    }
  }

  @Override
  public void onCancel(ServerTransaction tx, SipRequest cancel) {
    IncomingInvite invite = invites.get(tx);
    if (invite != null) {
      invite.cancelled();
    }
  }

  @Override
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    if (!response.isSuccess() || !response.cseq().method().isInvite()) {
      return;
    }
    DialogEntry entry = dialogs.get(
        new DialogId(response.callId(), response.from().tag(), response.to().tag()));
    if (entry != null && entry.ack != null) {
      entry.scheduler.run(() -> transactions.sendAck(entry.ack, nextHop(entry.dialog)));
    }
  }

  @Override
  public void onTerminated(Transaction transaction) {
    if (transaction instanceof ServerTransaction st) {
      invites.remove(st);
    }
  }

  /** Registers the dialog an accepted INVITE created; false when the dialog table is full. */
  boolean register(DialogEntry entry) {
    if (dialogs.size() >= maxDialogs) {
      return false;
    }
    dialogs.put(entry.dialog.id(), entry);
    return true;
  }

  void answered(ServerTransaction tx) {
    invites.remove(tx);
  }

  void end(DialogEntry entry, SipRequest bye) {
    entry.dialog.terminate();
    entry.stopRetransmitting();
    dialogs.remove(entry.dialog.id());
    handler.onDialogEnded(entry.dialog, bye);
  }

  // ------------------------------------------------------------------------------------------
  // UAC side

  /**
   * A request outside any dialog (RFC 3261 §8.1.1): Request-URI {@code target}, To {@code to},
   * From {@code from} with a fresh tag, a fresh Call-ID, CSeq 1, Max-Forwards 70 and, for INVITE,
   * our Contact for {@code transport}. The transaction layer adds the Via when it is sent.
   */
  public SipRequest.Builder newRequest(SipMethod method, dev.parley.sip.Uri target, Address from,
      Address to, Transport transport) {
    SipRequest.Builder b = SipRequest.builder(method, target)
        .header(HeaderName.MAX_FORWARDS, "70")
        .header(HeaderName.TO, to)
        .header(HeaderName.FROM, from.tag() == null ? from.withTag(Responses.randomToken()) : from)
        .header(HeaderName.CALL_ID, Responses.randomToken() + Responses.randomToken())
        .header(HeaderName.CSEQ, new dev.parley.sip.CSeq(1, method));
    if (method.isInvite() || method.equals(SipMethod.SUBSCRIBE) || method.equals(SipMethod.REFER)) {
      b.header(HeaderName.CONTACT, contact(transport));
    }
    return b;
  }

  /**
   * Sends an INVITE and completes with the dialog once a 2xx arrives (and is acknowledged);
   * fails with {@link SipFailure} on a non-2xx final response, a timeout (408) or a transport
   * error (503).
   */
  public CompletableFuture<Dialog> invite(SipRequest invite, Hop hop) {
    Objects.requireNonNull(invite, "invite");
    Objects.requireNonNull(hop, "hop");
    if (!invite.method().isInvite()) {
      throw new IllegalArgumentException("not an INVITE: " + invite.method());
    }
    CompletableFuture<Dialog> result = new CompletableFuture<>();
    send(invite, hop, result, (tx, response) -> {
      if (response.isSuccess()) {
        acknowledge(tx, response, result);
      } else if (response.isFinal()) {
        result.completeExceptionally(new SipFailure(response));
      }
    });
    return result;
  }

  /**
   * Sends {@code request} in a client transaction; answers a 401 or 407 once per challenge with
   * credentials from the builder's provider (RFC 3261 §22.2), in a new transaction; hands every
   * other response to {@code responses}; fails {@code result} on timeout or transport error.
   */
  private void send(SipRequest request, Hop hop, CompletableFuture<?> result,
      java.util.function.BiConsumer<ClientTransaction, SipResponse> responses) {
    transactions.sendRequest(request, hop, new ClientTransaction.Listener() {
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
            send(retry, hop, result, responses);
            return;
          }
        }
        responses.accept(tx, response);
      }

      @Override
      public void onTimeout(ClientTransaction tx) {
        result.completeExceptionally(new SipFailure(408, "Request Timeout (no final response)"));
      }

      @Override
      public void onTransportError(ClientTransaction tx, Throwable cause) {
        result.completeExceptionally(new SipFailure(503, "transport error: " + cause.getMessage()));
      }
    });
  }

  private void acknowledge(ClientTransaction tx, SipResponse response, CompletableFuture<Dialog> result) {
    DialogId id = new DialogId(response.callId(), response.from().tag(), response.to().tag());
    DialogEntry entry = dialogs.get(id);
    if (entry == null) {
      Dialog dialog = Dialog.asUac(tx.request(), response);
      entry = new DialogEntry(this, dialog, tx.scheduler());
      entry.ack = dialog.newRequest(SipMethod.ACK, tx.request().cseq().sequence()).build();
      if (!register(entry)) {
        transactions.sendAck(entry.ack, nextHop(dialog));
        result.completeExceptionally(new SipFailure(503, "too many dialogs"));
        return;
      }
    }
    transactions.sendAck(entry.ack, nextHop(entry.dialog));
    result.complete(entry.dialog);
  }

  /**
   * Ends a dialog with BYE (RFC 3261 §15.1.1); completes with the final response to the BYE.
   * The dialog is terminated at once, whatever the response.
   */
  public CompletableFuture<SipResponse> bye(Dialog dialog) {
    DialogEntry entry = dialogs.get(dialog.id());
    if (entry == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("no such dialog: " + dialog.id()));
    }
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    entry.scheduler.run(() -> {
      try {
        SipRequest bye = entry.dialog.newRequest(SipMethod.BYE, 0).build();
        Hop hop = nextHop(entry.dialog);
        end(entry, null);
        request(bye, hop).whenComplete((r, e) -> {
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
   * Sends a non-INVITE request and completes with its final response (any status); fails with
   * {@link SipFailure} on timeout (408) or transport error (503).
   */
  public CompletableFuture<SipResponse> request(SipRequest request, Hop hop) {
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    send(request, hop, result, (tx, response) -> {
      if (response.isFinal()) {
        result.complete(response);
      }
    });
    return result;
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

  /** One dialog and its UAS/UAC bookkeeping, confined to {@link #scheduler}. */
  static final class DialogEntry {
    final UserAgent agent;
    final Dialog dialog;
    final Scheduler scheduler;
    SipRequest ack;
    ServerTransaction okTransaction;
    SipResponse ok;
    Scheduler.Timer retransmit;
    long interval;
    long deadline;
    CompletableFuture<Dialog> confirmed;

    DialogEntry(UserAgent agent, Dialog dialog, Scheduler scheduler) {
      this.agent = agent;
      this.dialog = dialog;
      this.scheduler = scheduler;
    }

    /** §13.3.1.4: retransmit our 2xx at T1, 2T1, ... up to T2 until the ACK, for 64*T1 at most. */
    void retransmitUntilAck(ServerTransaction tx, SipResponse response, CompletableFuture<Dialog> done) {
      this.okTransaction = tx;
      this.ok = response;
      this.confirmed = done;
      TransactionConfig c = agent.config();
      this.interval = c.t1().toMillis();
      this.deadline = scheduler.nowMillis() + 64 * c.t1().toMillis();
      retransmit = scheduler.schedule(this::retransmit, interval, TimeUnit.MILLISECONDS);
    }

    private void retransmit() {
      if (ok == null) {
        return;
      }
      if (scheduler.nowMillis() >= deadline) {
        // No ACK for 64*T1: the dialog is confirmed but the session ends (§13.3.1.4).
        ok = null;
        SipRequest bye = dialog.newRequest(SipMethod.BYE, 0).build();
        agent.end(this, null);
        agent.request(bye, nextHop(dialog));
        confirmed.completeExceptionally(new SipFailure(408, "no ACK for the 2xx within 64*T1"));
        return;
      }
      okTransaction.respond(ok);
      interval = Math.min(interval * 2, agent.config().t2().toMillis());
      retransmit = scheduler.schedule(this::retransmit, interval, TimeUnit.MILLISECONDS);
    }

    void acked() {
      if (ok == null) {
        return;
      }
      ok = null;
      stopRetransmitting();
      confirmed.complete(dialog);
    }

    void stopRetransmitting() {
      if (retransmit != null) {
        retransmit.cancel();
        retransmit = null;
      }
    }
  }

  /** Builds a {@link UserAgent}; not thread-safe. */
  public static final class Builder {
    private final TransportLayer transport;
    private Handler handler = invite -> invite.reject(480);
    private TransactionConfig transactionConfig = TransactionConfig.defaults();
    private int maxDialogs = 100_000;
    private String contactUser = "parley";
    private CredentialsProvider credentials;

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

    public UserAgent build() {
      return new UserAgent(this);
    }
  }
}
