package dev.parley.dialog;

import dev.parley.auth.CredentialsProvider;
import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.Transaction;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transaction.TransactionUser;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.Scheduler;
import dev.parley.transport.Transport;
import dev.parley.transport.TransportLayer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
 * <p>It is a composition of one-concept parts: the {@code DialogTable} (dialogs by id, bounded),
 * the {@code UasDispatcher} (what the transaction layer hands up), the {@code RequestSender}
 * (client transactions with digest retry), {@code DialogRequests} (the INVITE that makes a dialog
 * and the requests inside one: re-INVITE and UPDATE through {@code DialogOffers}, BYE, REFER) and
 * {@code OutgoingSubscription}/{@code Subscription} (RFC 6665, RFC 3515); this class keeps the
 * public API, the product it names ({@code Product}), the Contact we advertise ({@code Contacts})
 * and the end of a dialog.
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
     * with Allow, SUBSCRIBE 489 Bad Event, REFER 603, anything else 405 Method Not Allowed (naming
     * no product: {@link UserAgent#answerByDefault} is this answer with the user agent's Server).
     */
    default void onRequest(ServerTransaction transaction, SipRequest request) {
      answer(transaction, request, Product.NONE);
    }

    /** A re-INVITE inside {@code dialog} (a session change). Default: 488 Not Acceptable Here. */
    default void onReInvite(Dialog dialog, IncomingInvite invite) {
      invite.reject(488);
    }

    /**
     * A request inside a dialog other than INVITE, ACK, BYE and PRACK (UPDATE, INFO, MESSAGE, a
     * SUBSCRIBE that is no refresh, REFER...; NOTIFYs go to their subscriptions). Default: 200,
     * SUBSCRIBE 489, REFER 603 (naming no product, see {@link Builder#product}).
     */
    default void onDialogRequest(Dialog dialog, ServerTransaction transaction, SipRequest request) {
      SipMethod m = request.method();
      int status = m.equals(SipMethod.SUBSCRIBE) ? 489 : m.equals(SipMethod.REFER) ? 603 : 200;
      transaction.respond(request.response(status).build());
    }

    /** A dialog ended: BYE received ({@code bye} non-null) or sent, or no ACK came for our 2xx. */
    default void onDialogEnded(Dialog dialog, SipRequest bye) {}
  }

  /** The methods Parley's user agent core accepts. */
  public static final String ALLOW =
      "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, PRACK, SUBSCRIBE, NOTIFY, REFER";
  /** The option tag of reliable provisional responses (RFC 3262). */
  public static final String OPTION_100REL = "100rel";
  /** The extensions we support, as a Supported header value. */
  public static final String SUPPORTED = OPTION_100REL;

  private final TransportLayer transport;
  private final Product product;
  private final TransactionLayer transactions;
  private final Handler handler;
  private final DialogTable dialogs;
  private final UasDispatcher uas;
  private final RequestSender sender;
  private final DialogRequests dialogRequests;
  private final SubscriptionTable subscriptions;
  /** Whether this user agent made its transaction layer and so owns the transport. */
  private final boolean ownsTransport;
  private final Contacts contacts;

  private UserAgent(Builder b) {
    this.transport = b.transport;
    this.product = b.product;
    this.handler = b.handler;
    this.contacts = new Contacts(b.transport, b.contactUser, b.advertisedHost);
    this.dialogs = new DialogTable(b.maxDialogs);
    this.subscriptions = new SubscriptionTable(b.subscriptions);
    this.uas = new UasDispatcher(this, b.handler, dialogs);
    this.dialogRequests = new DialogRequests(this, dialogs);
    this.ownsTransport = b.sharedTransactions == null;
    if (ownsTransport) {
      this.transactions = TransactionLayer.builder(transport, this)
          .config(b.transactionConfig).build();
      transport.setListener(transactions);
    } else {
      this.transactions = b.sharedTransactions;
    }
    this.sender = new RequestSender(transactions, b.credentials);
  }

  /** A builder for a user agent on {@code transport} (not yet started). */
  public static Builder builder(TransportLayer transport) {
    return new Builder(transport);
  }

  /**
   * Starts the transport (binds the listen points); does nothing on a {@link
   * Builder#sharedTransactions shared} transaction layer, whose owner starts it.
   */
  public CompletableFuture<Void> start() {
    return ownsTransport ? transport.start() : CompletableFuture.completedFuture(null);
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
    return uas.pendingInviteCount();
  }

  /** Subscriptions alive (RFC 6665), as notifier and as subscriber. */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  SubscriptionTable subscriptions() {
    return subscriptions;
  }

  TransactionConfig config() {
    return transactions.config();
  }

  /** A Contact for messages sent over {@code t}: {@code <sip:user@host:port;transport=t>}. */
  public Address contact(Transport t) {
    return contacts.of(t);
  }

  /** {@link #contact} over {@code t} with its text as a header value, both made once. */
  Contacts.Contact contactWithText(Transport t) {
    return contacts.contact(t);
  }

  /** The Contact for our requests in {@code entry}'s dialog: the one it was set up with. */
  Address contactIn(DialogEntry entry) {
    Address c = entry.dialog.localContact();
    return c != null ? c : contact(entry.nextHop().transport());
  }

  // ------------------------------------------------------------------------------------------
  // UAS side (TransactionUser callbacks, on the event loop): the UasDispatcher

  @Override
  public void onRequest(ServerTransaction tx, SipRequest request) {
    uas.onRequest(tx, request);
  }

  @Override
  public void onAck(SipRequest ack, Inbound inbound) {
    uas.onAck(ack, inbound);
  }

  @Override
  public void onCancel(ServerTransaction tx, SipRequest cancel) {
    uas.onCancel(tx, cancel);
  }

  @Override
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    uas.onStrayResponse(response, inbound);
  }

  @Override
  public void onTerminated(Transaction transaction) {
    uas.onTerminated(transaction);
  }

  // ------------------------------------------------------------------------------------------
  // The dialog table and a dialog's end, for IncomingInvite, OutgoingInvite and DialogEntry

  DialogEntry find(DialogId id) {
    return dialogs.find(id);
  }

  /** Adds a dialog; false when the table is full (bounded: {@link Builder#maxDialogs}). */
  boolean register(DialogEntry entry) {
    return dialogs.register(entry);
  }

  /** Drops a dialog silently (an early dialog that never became confirmed). */
  void forget(DialogEntry entry) {
    dialogs.forget(entry);
  }

  void answered(ServerTransaction tx) {
    uas.answered(tx);
  }

  void end(DialogEntry entry, SipRequest bye) {
    if (close(entry)) {
      ended(entry, bye);
    }
  }

  /**
   * Takes a dialog out of the table, terminated, without telling the handler yet; true if it was
   * there. A BYE's 200 goes out between this and {@link #ended}: when the peer has our 200, the
   * dialog is gone, and the handler hears of the end once the 200 is sent.
   */
  boolean close(DialogEntry entry) {
    boolean known = dialogs.remove(entry);
    entry.dialog.terminate();
    entry.stopRetransmitting();
    SubscriptionTable.dialogClosed(entry);
    return known;
  }

  /** Tells the handler a dialog {@link #close}d has ended. */
  void ended(DialogEntry entry, SipRequest bye) {
    handler.onDialogEnded(entry.dialog, bye);
  }

  /** Ends a dialog from our side with BYE (used when an ACK never came or a fork must go). */
  void endWithBye(DialogEntry entry) {
    SipRequest bye = inDialog(entry.dialog, SipMethod.BYE, 0).build();
    end(entry, null);
    request(bye, entry.nextHop(), entry.scheduler);
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
        .header(HeaderName.FROM, from.tag() == null ? from.withTag(Tags.random()) : from)
        .header(HeaderName.CALL_ID, Tags.random() + Tags.random())
        .header(HeaderName.CSEQ, new CSeq(1, method));
    if (method.isInvite() || method.equals(SipMethod.SUBSCRIBE) || method.equals(SipMethod.REFER)) {
      b.header(HeaderName.CONTACT, contact(transport));
    }
    if (method.isInvite()) {
      b.header(HeaderName.SUPPORTED, SUPPORTED).header(HeaderName.ALLOW, ALLOW);
    }
    return product.on(b);
  }

  /** {@link Dialog#newRequest} with our User-Agent: every request the dialog layer sends in one. */
  SipRequest.Builder inDialog(Dialog dialog, SipMethod method, long cseqForAck) {
    return product.on(dialog.newRequest(method, cseqForAck));
  }

  /** {@code request}'s response ({@link SipRequest#response(int)}) with our Server header. */
  public SipResponse.Builder response(SipRequest request, int status) {
    return product.response(request, status, null);
  }

  /** As {@link #response(SipRequest, int)}, with {@code toTag} ({@link SipRequest#response(int, String)}). */
  public SipResponse.Builder response(SipRequest request, int status, String toTag) {
    return product.response(request, status, toTag);
  }

  /** {@link Handler#onRequest}'s default answer to {@code request}, with our Server header. */
  public void answerByDefault(ServerTransaction transaction, SipRequest request) {
    answer(transaction, request, product);
  }

  private static void answer(ServerTransaction transaction, SipRequest request, Product product) {
    SipMethod m = request.method();
    int status = m.equals(SipMethod.OPTIONS) ? 200 : m.equals(SipMethod.SUBSCRIBE) ? 489
        : m.equals(SipMethod.REFER) ? 603 : 405;
    transaction.respond(product.response(request, status, Tags.random())
        .header(HeaderName.ALLOW, ALLOW).header(HeaderName.SUPPORTED, SUPPORTED).build());
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
    return dialogRequests.invite(invite, hop, provisionals);
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
    return offer(dialog, SipMethod.INVITE, type, () -> body);
  }

  /**
   * As {@link #reinvite(Dialog, MediaType, byte[])}, with the body asked of {@code body} for each
   * attempt (on the dialog's event loop: it must not block), so that a retry after 491 carries the
   * offer as it is then, not as it was (the peer's own offer may have been taken meanwhile). A
   * supplier that throws fails the future with its exception.
   */
  public CompletableFuture<SipResponse> reinvite(Dialog dialog, MediaType type,
      java.util.function.Supplier<byte[]> body) {
    return offer(dialog, SipMethod.INVITE, type, body);
  }

  /** Sends an UPDATE in {@code dialog} with an offer (RFC 3311), with the same glare rules. */
  public CompletableFuture<SipResponse> update(Dialog dialog, MediaType type, byte[] body) {
    return offer(dialog, SipMethod.UPDATE, type, () -> body);
  }

  private CompletableFuture<SipResponse> offer(Dialog dialog, SipMethod method, MediaType type,
      java.util.function.Supplier<byte[]> body) {
    return dialogRequests.offer(dialog, method, type, body);
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
    return dialogRequests.bye(dialog, reason);
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
    return dialogRequests.request(dialog, method, customizer);
  }

  /**
   * Sends a non-INVITE request and completes with its final response (any status); fails with
   * {@link SipFailure} on timeout (408) or transport error (503).
   */
  public CompletableFuture<SipResponse> request(SipRequest request, Hop hop) {
    return request(request, hop, dialogs.schedulerOf(request));
  }

  /** As {@link #request(SipRequest, Hop)}, on {@code scheduler} if not null. */
  CompletableFuture<SipResponse> request(SipRequest request, Hop hop, Scheduler scheduler) {
    return sender.request(request, hop, scheduler);
  }

  /**
   * Sends {@code request} in a client transaction, on its dialog's scheduler if it belongs to
   * one of ours; see {@link RequestSender#send}.
   */
  void send(SipRequest request, Hop hop, CompletableFuture<?> result,
      RequestSender.Responder responder) {
    sender.send(request, hop, dialogs.schedulerOf(request), result, responder);
  }

  // ------------------------------------------------------------------------------------------
  // Subscriptions (RFC 6665) and REFER (RFC 3515): see Subscription and OutgoingSubscription

  /**
   * Accepts a SUBSCRIBE (out of a dialog, or new in one): 200 with Expires within {@code expiry}
   * and the dialog set up (RFC 6665 §4.2.1) with {@code contact} (null: ours, or the dialog's);
   * the owner sends the first NOTIFY. When refused (503 beyond {@link
   * SubscriptionConfig#maxSubscriptions}, 423, 489) the subscription returned has ended.
   */
  public Subscription acceptSubscription(ServerTransaction tx, SipRequest subscribe,
      Subscription.Expiry expiry, Address contact, Subscription.Listener listener) {
    return Subscription.accept(this, tx, subscribe, expiry, contact, listener, false);
  }

  /**
   * Accepts a REFER with 202 (RFC 3515 §2.4.2), {@code contact} as for {@link
   * #acceptSubscription}: the notifier of its implicit subscription, or one already ended
   * ({@code norefersub}) when it asked for none (RFC 4488).
   */
  public Subscription acceptRefer(ServerTransaction tx, SipRequest refer, Address contact,
      Subscription.Listener listener) {
    return Subscription.accept(this, tx, refer, Subscription.Expiry.of(Subscription.REFER_EXPIRES),
        contact, listener, true);
  }

  /**
   * Sends a SUBSCRIBE or a REFER made with {@link #newRequest} (Event, Expires, Accept, Refer-To
   * added) and follows its subscription; {@code listener} may be null for {@code Refer-Sub: false}.
   */
  public OutgoingSubscription subscribe(SipRequest request, Hop hop,
      OutgoingSubscription.Listener listener) {
    if (listener == null && !request.method().equals(SipMethod.REFER)) {
      throw new IllegalArgumentException("listener is null");
    }
    return OutgoingSubscription.send(this, request, hop, listener);
  }

  /**
   * Sends a REFER inside {@code dialog} (RFC 3515); {@code referredBy} may be null; a null
   * {@code listener} asks for no subscription ({@code Refer-Sub: false}, RFC 4488).
   */
  public OutgoingSubscription refer(Dialog dialog, Address referTo, Address referredBy,
      OutgoingSubscription.Listener listener) {
    return dialogRequests.refer(dialog, referTo, referredBy, listener);
  }

  /**
   * Closes the transport (every listener and connection); does nothing on a {@link
   * Builder#sharedTransactions shared} transaction layer, whose owner closes it.
   */
  @Override
  public void close() {
    if (ownsTransport) {
      transport.close();
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
    private String advertisedHost;
    private SubscriptionConfig subscriptions = SubscriptionConfig.defaults();
    private Product product = Product.NONE;
    private TransactionLayer sharedTransactions;

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

    /**
     * The product named on what we build: User-Agent on our requests, Server on our responses
     * (RFC 3261 §20.41, §20.35); null or empty (the default): none. The {@link Handler}'s default
     * answers name none (see {@link UserAgent#answerByDefault}); the transaction layer's own
     * messages (CANCEL, the ACK for a non-2xx, 100 Trying) neither.
     */
    public Builder product(String product) {
      this.product = Product.of(product);
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

    /** Subscription limits and Allow-Events (default {@link SubscriptionConfig#defaults()}). */
    public Builder subscriptions(SubscriptionConfig config) {
      this.subscriptions = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Runs on a transaction layer someone else owns (a server that hands this user agent only
     * the requests meant for it, such as a conference focus inside {@code parley server}): the
     * user agent then neither makes its own layer nor becomes the transport's listener, {@link
     * #start()} and {@link #close()} leave the transport alone, and the owner must forward the
     * {@link TransactionUser} callbacks meant for this user agent to it. The layer must run on
     * {@code transport}; its configuration replaces {@link #transactionConfig}.
     */
    public Builder sharedTransactions(TransactionLayer layer) {
      this.sharedTransactions = Objects.requireNonNull(layer, "layer");
      return this;
    }

    public UserAgent build() {
      return new UserAgent(this);
    }
  }
}
