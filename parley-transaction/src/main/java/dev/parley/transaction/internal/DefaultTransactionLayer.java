package dev.parley.transaction.internal;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipStatus;
import dev.parley.sip.Via;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.Transaction;
import dev.parley.transaction.TransactionConfig;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transaction.TransactionUser;
import dev.parley.transport.Flow;
import dev.parley.transport.Hop;
import dev.parley.transport.Inbound;
import dev.parley.transport.ListenPoint;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TransportLayer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link TransactionLayer}: concurrent tables of live transactions keyed as RFC 3261
 * §17.1.3 and §17.2.3 say, the dispatch of inbound messages to them (on each transaction's own
 * scheduler), and the requests the layer answers itself: CANCEL (§9.2), merged requests
 * (§8.2.2.2) and overload (503 with Retry-After).
 *
 * <p>Thread-safe: the tables are concurrent maps; everything else a transaction owns is confined
 * to its scheduler.
 */
public final class DefaultTransactionLayer implements TransactionLayer {
  private static final Logger log = LoggerFactory.getLogger(TransactionLayer.class);

  private final TransportLayer transport;
  private final TransactionUser user;
  private final TransactionConfig config;
  private final long t1;
  private final long t2;
  private final long t4;
  private final long timerD;
  private final long tryingDelay;
  private final long timeout;
  private final ConcurrentHashMap<TransactionKeys.ClientKey, AbstractClientTransaction> clients =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Object, AbstractServerTransaction> servers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<TransactionKeys.MergeKey, AbstractServerTransaction> merged =
      new ConcurrentHashMap<>();
  /** Whether new requests are being refused, so the log says so once per episode. */
  private final AtomicBoolean overloaded = new AtomicBoolean();
  /** Responses sent by status class (index 0: 1xx), first transmissions only. */
  private final LongAdder[] responsesSent = {
      new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
      new LongAdder()};
  /** Transactions past their final response that only absorb retransmissions. */
  private final AtomicInteger lingering = new AtomicInteger();
  /** Entries of clients and servers, so no hot path inlines ConcurrentHashMap.size() (decisions). */
  private final AtomicInteger entries = new AtomicInteger();

  /** Use {@link TransactionLayer#builder}. */
  public DefaultTransactionLayer(TransportLayer transport, TransactionUser user, TransactionConfig config) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.user = Objects.requireNonNull(user, "user");
    this.config = Objects.requireNonNull(config, "config");
    this.t1 = config.t1().toMillis();
    this.t2 = config.t2().toMillis();
    this.t4 = config.t4().toMillis();
    this.timerD = config.timerD().toMillis();
    this.tryingDelay = config.tryingDelay().toMillis();
    this.timeout = config.timeoutMillis();
  }

  @Override
  public TransactionConfig config() {
    return config;
  }

  @Override
  public int clientCount() {
    return clients.size();
  }

  @Override
  public int serverCount() {
    return servers.size();
  }

  @Override
  public long responsesSent(int statusClass) {
    if (statusClass < 1 || statusClass > 6) {
      throw new IllegalArgumentException("statusClass must be 1..6: " + statusClass);
    }
    return responsesSent[statusClass - 1].sum();
  }

  /** Counts a response sent the first time (not a retransmission). */
  void responseSent(int statusCode) {
    int statusClass = statusCode / 100;
    if (statusClass >= 1 && statusClass <= 6) {
      responsesSent[statusClass - 1].increment();
    }
  }

  // ---------------------------------------------------------------- client side (§17.1)

  @Override
  public ClientTransaction sendRequest(SipRequest request, Hop hop, ClientTransaction.Listener listener) {
    return sendRequest(request, hop, listener, transport.nextScheduler());
  }

  @Override
  public ClientTransaction sendRequest(SipRequest request, Hop hop, ClientTransaction.Listener listener,
      Scheduler scheduler) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(hop, "hop");
    Objects.requireNonNull(listener, "listener");
    SipMethod method = request.method();
    if (method.isAck()) {
      throw new IllegalArgumentException("an ACK is not a transaction; use sendAck: " + request.startLine());
    }
    if (method.isCancel()) {
      throw new IllegalArgumentException("use cancel(invite) to send a CANCEL: " + request.startLine());
    }
    if (request.cseq() == null || !request.cseq().method().equals(method)) {
      throw new IllegalArgumentException("CSeq method does not match the request method " + method
          + ": " + request.cseq());
    }
    checkCapacity();
    String branch = Identifiers.newBranch();
    SipRequest withVia = withNewVia(request, hop, branch);
    AbstractClientTransaction tx = method.isInvite()
        ? new InviteClientTransaction(this, scheduler, withVia, branch, hop, listener)
        : new NonInviteClientTransaction(this, scheduler, withVia, branch, hop, listener, false);
    if (clients.put((TransactionKeys.ClientKey) tx.key, tx) == null) {
      entries.incrementAndGet();
    }
    scheduler.run(tx::start);
    return tx;
  }

  @Override
  public CompletableFuture<SipResponse> cancel(ClientTransaction invite, String reason) {
    Objects.requireNonNull(invite, "invite");
    if (!(invite instanceof InviteClientTransaction tx) || tx.layer != this) {
      throw new IllegalArgumentException("not an INVITE client transaction of this layer: " + invite);
    }
    if (reason != null && (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0)) {
      throw new IllegalArgumentException("reason contains a line break: " + reason);
    }
    CompletableFuture<SipResponse> result = new CompletableFuture<>();
    tx.scheduler.run(() -> {
      if (tx.isTerminated()) {
        result.completeExceptionally(
            new IllegalStateException("INVITE transaction has terminated; CANCEL not sent"));
      } else {
        tx.requestCancel(reason, result);
      }
    });
    return result;
  }

  /**
   * Starts the client transaction of a CANCEL built by an INVITE transaction, whose top Via (and
   * so {@code branch}) is the INVITE's (§9.1). On its scheduler.
   */
  void startCancel(SipRequest cancel, String branch, Hop hop, Scheduler scheduler,
      ClientTransaction.Listener listener) {
    AbstractClientTransaction tx =
        new NonInviteClientTransaction(this, scheduler, cancel, branch, hop, listener, true);
    if (clients.put((TransactionKeys.ClientKey) tx.key, tx) == null) {
      entries.incrementAndGet();
    }
    tx.start();
  }

  @Override
  public CompletableFuture<Flow> sendAck(SipRequest ack, Hop hop) {
    Objects.requireNonNull(ack, "ack");
    if (!ack.method().isAck()) {
      throw new IllegalArgumentException("not an ACK: " + ack.startLine());
    }
    return sendRequestStateless(ack, hop);
  }

  @Override
  public CompletableFuture<Flow> sendRequestStateless(SipRequest request, Hop hop) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(hop, "hop");
    SipRequest withVia = withNewVia(request, hop, Identifiers.newBranch());
    try {
      return transport.send(withVia, hop);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Prepends our Via (RFC 3261 §8.1.1.7, §18.1.1; rport of RFC 3581) with a fresh {@code branch}. */
  private SipRequest withNewVia(SipRequest request, Hop hop, String branch) {
    ListenPoint lp = transport.listenPoint(hop.transport());
    if (lp == null) {
      throw new IllegalArgumentException("no listen point for transport " + hop.transport()
          + " to send to " + hop);
    }
    String value = LayerMessages.ownViaText(hop.transport().viaToken(), lp.hostText(),
        lp.address().getPort(), branch);
    return LayerMessages.withFirstVia(request, value);
  }

  /** Counts a transaction entering a lingering state; false when it must end at once instead. */
  boolean admitLingering(boolean mayCutShort) {
    if (mayCutShort && lingering.get() >= config.maxLingeringTransactions()) {
      return false;
    }
    lingering.incrementAndGet();
    return true;
  }

  void lingerEnded() {
    lingering.decrementAndGet();
  }

  /** Transactions still doing work: all of them but the lingering ones. */
  private int activeCount() {
    return entries.get() - lingering.get();
  }

  private void checkCapacity() {
    int live = activeCount();
    if (live >= config.maxTransactions()) {
      throw new IllegalStateException("too many live transactions: " + live + " (maxTransactions "
          + config.maxTransactions() + ")");
    }
  }

  // ---------------------------------------------------------------- inbound (§17.1.3, §17.2.3)

  @Override
  public void onMessage(Inbound inbound) {
    SipMessage message = inbound.message();
    try {
      if (message instanceof SipResponse response) {
        onResponse(response, inbound);
      } else {
        onRequest((SipRequest) message, inbound);
      }
    } catch (SipParseException | IllegalArgumentException e) {
      log.debug("dropping malformed message from {}: {}", inbound.flow(), e.getMessage());
      if (message instanceof SipRequest request && !request.method().isAck()) {
        sendStateless(request, SipStatus.BAD_REQUEST.code(), inbound.flow(), null);
      }
    }
  }

  private void onResponse(SipResponse response, Inbound inbound) {
    Via via = response.topVia();
    AbstractClientTransaction tx = null;
    if (via != null && via.branch() != null && response.cseq() != null) {
      tx = clients.get(TransactionKeys.client(via.branch(), response.cseq().method()));
    }
    if (tx == null) {
      inbound.scheduler().run(() -> strayToUser(response, inbound));
      return;
    }
    AbstractClientTransaction matched = tx;
    matched.scheduler.run(() -> {
      if (!matched.isTerminated()) {
        matched.receive(response);
      } else {
        strayToUser(response, inbound);
      }
    });
  }

  private void onRequest(SipRequest request, Inbound inbound) {
    request.checkMandatoryHeaders(); // §8.2, §17.2.3: throws to get a 400
    SipMethod method = request.method();
    if (method.isAck()) {
      AbstractServerTransaction tx = findServer(request, SipMethod.INVITE);
      if (tx instanceof InviteServerTransaction invite) {
        invite.scheduler.run(() -> invite.receiveAck(request, inbound));
      } else {
        ackToUser(request, inbound);
      }
      return;
    }
    Object key = TransactionKeys.server(request, method); // made once: lookup, then the new one's
    AbstractServerTransaction existing = findServer(request, key);
    if (existing != null) {
      existing.scheduler.run(() -> existing.receiveRetransmission(request));
      return;
    }
    int active = activeCount();
    if (active >= config.maxTransactions()) {
      if (overloaded.compareAndSet(false, true)) {
        log.warn("maxTransactions ({}) reached: answering new requests 503 (first: {} from {})",
            config.maxTransactions(), method, inbound.flow());
      }
      sendStateless(request, SipStatus.SERVICE_UNAVAILABLE.code(), inbound.flow(), null);
      return;
    }
    // Hysteresis: leave overload only below 90% of the limit, so the log does not flap.
    if (overloaded.get() && active < config.maxTransactions() / 10 * 9
        && overloaded.compareAndSet(true, false)) {
      log.info("below maxTransactions ({}) again: accepting new requests", config.maxTransactions());
    }
    if (method.isCancel()) {
      onCancel(request, inbound);
      return;
    }
    // §8.2.2.2 is a UAS core's check: a layer that lets merged requests pass (a proxy's) neither
    // makes nor keeps their keys (a Completed transaction would hold one for Timer J's 32 s)
    boolean mergeable = config.rejectMergedRequests() && request.to().tag() == null;
    TransactionKeys.MergeKey mergeKey = mergeable ? TransactionKeys.merge(request) : null;
    if (mergeable) {
      AbstractServerTransaction original = merged.get(mergeKey);
      if (original != null && !original.isTerminated()) {
        answerItself(request, inbound, SipStatus.LOOP_DETECTED.code(), null);
        return;
      }
    }
    if (answeredStatelessly(request, inbound)) {
      return;
    }
    AbstractServerTransaction tx = newServer(request, inbound, false, key);
    AbstractServerTransaction raced = servers.putIfAbsent(tx.key, tx);
    if (raced != null) {
      raced.scheduler.run(() -> raced.receiveRetransmission(request));
      return;
    }
    entries.incrementAndGet();
    if (mergeable && merged.putIfAbsent(mergeKey, tx) == null) {
      tx.mergeKey = mergeKey;
    }
    tx.scheduler.run(() -> {
      tx.start();
      try {
        user.onRequest(tx, request);
      } catch (RuntimeException e) {
        callbackFailed("onRequest", tx, e);
      }
    });
  }

  /**
   * Asks the TU whether it answers {@code request} statelessly (§8.2.7); if so, sends that answer
   * over the request's flow and returns true: no transaction, nothing kept.
   */
  private boolean answeredStatelessly(SipRequest request, Inbound inbound) {
    SipResponse response;
    try {
      response = user.answerStatelessly(request, inbound);
    } catch (RuntimeException e) {
      log.warn("answerStatelessly failed for {} from {}: {}", request.method(), inbound.flow(),
          e.toString());
      return false;
    }
    if (response == null) {
      return false;
    }
    if (response.isProvisional() || (request.method().isInvite() && response.isSuccess())) {
      log.warn("answerStatelessly gave {} to {}: not a stateless final answer, ignored",
          response.statusCode(), request.method());
      return false;
    }
    responseSent(response.statusCode());
    Flow flow = inbound.flow();
    CompletableFuture<Flow> sent;
    try {
      sent = transport.send(response, flow);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    // one callback for the failure's log and the fallback, not a supplier and two callbacks (a
    // proxy's 407 is sent here for every new request from one of its users)
    sent.whenComplete((f, e) -> {
      if (e == null) {
        return;
      }
      log.debug("stateless {} to {} failed: {}", response.statusCode(), flow, e.toString());
      Hop fallback = ResponseRoute.fallbackHop(request.topVia(), flow);
      if (fallback != null) { // §18.2.2: the connection closed, so the Via's sent-by
        sendStateless(response, fallback, () -> transport.send(response, fallback));
      }
    });
    return true;
  }

  /** Sends a response outside any transaction; a failure is logged and completes the future. */
  private static CompletableFuture<Flow> sendStateless(SipResponse response, Object where,
      Supplier<CompletableFuture<Flow>> send) {
    CompletableFuture<Flow> sent;
    try {
      sent = send.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((f, e) -> {
      if (e != null) {
        log.debug("stateless {} to {} failed: {}", response.statusCode(), where, e.toString());
      }
    });
    return sent;
  }

  /** §9.2: a CANCEL that matches gets 200 from the layer and goes to the TU; otherwise 481. */
  private void onCancel(SipRequest cancel, Inbound inbound) {
    AbstractServerTransaction target = findServer(cancel, SipMethod.INVITE);
    if (target == null) {
      answerItself(cancel, inbound, SipStatus.CALL_DOES_NOT_EXIST.code(), null);
      return;
    }
    answerItself(cancel, inbound, SipStatus.OK.code(), target.responseToTag);
    if (target instanceof InviteServerTransaction invite) {
      invite.scheduler.run(() -> invite.cancelled(cancel));
    }
  }

  /** Answers a request in a server transaction of its own that the TU never sees. */
  private void answerItself(SipRequest request, Inbound inbound, int status, String toTag) {
    AbstractServerTransaction tx = newServer(request, inbound, true,
        TransactionKeys.server(request, request.method()));
    AbstractServerTransaction raced = servers.putIfAbsent(tx.key, tx);
    if (raced != null) {
      raced.scheduler.run(() -> raced.receiveRetransmission(request));
      return;
    }
    entries.incrementAndGet();
    tx.scheduler.run(() -> {
      tx.start();
      tx.respondFromUser(request.response(status, tagOrNew(toTag)).build());
    });
  }

  private AbstractServerTransaction newServer(SipRequest request, Inbound inbound, boolean layerOwned,
      Object key) {
    return request.method().isInvite()
        ? new InviteServerTransaction(this, inbound.scheduler(), request, key, inbound.flow(), layerOwned)
        : new NonInviteServerTransaction(this, inbound.scheduler(), request, key, inbound.flow(), layerOwned);
  }

  /** §17.2.3: the server transaction created by a request of {@code method} that matches. */
  private AbstractServerTransaction findServer(SipRequest request, SipMethod method) {
    return findServer(request, TransactionKeys.server(request, method));
  }

  /** The server transaction keyed {@code key} (made from {@code request}) if it matches. */
  private AbstractServerTransaction findServer(SipRequest request, Object key) {
    AbstractServerTransaction tx = servers.get(key);
    if (tx != null && key instanceof TransactionKeys.LegacyKey && !tx.legacyToTagMatches(request)) {
      return null;
    }
    return tx;
  }

  /** {@code toTag}, or a fresh To tag for a response of the layer's own (§8.2.6.2). */
  private static String tagOrNew(String toTag) {
    return toTag != null ? toTag : Identifiers.newTag();
  }

  /** A response outside any transaction, over the request's flow (503, 400). */
  private void sendStateless(SipRequest request, int status, Flow flow, String toTag) {
    SipResponse.Builder b;
    try {
      b = request.response(status, tagOrNew(toTag));
    } catch (RuntimeException e) {
      log.debug("cannot answer {} to an unreadable request from {}: {}", status, flow, e.getMessage());
      return;
    }
    if (status == SipStatus.SERVICE_UNAVAILABLE.code()) {
      b.header(HeaderName.RETRY_AFTER, Integer.toString(config.overloadRetryAfterSeconds()));
    }
    responseSent(status);
    SipResponse response;
    try {
      response = b.build();
    } catch (RuntimeException e) {
      log.debug("stateless {} to {} failed: {}", status, flow, e.toString());
      return;
    }
    sendStateless(response, flow, () -> transport.send(response, flow));
  }

  // ---------------------------------------------------------------- for the machines

  TransportLayer transport() {
    return transport;
  }

  long t1() {
    return t1;
  }

  long t2() {
    return t2;
  }

  long t4() {
    return t4;
  }

  long timerD() {
    return timerD;
  }

  long tryingDelay() {
    return tryingDelay;
  }

  /** 64*T1. */
  long timeoutMillis() {
    return timeout;
  }

  /** Takes a terminated transaction out of the tables. */
  void remove(AbstractTransaction tx) {
    if (tx instanceof AbstractClientTransaction c) {
      if (clients.remove(c.key, c)) {
        entries.decrementAndGet();
      }
    } else if (tx instanceof AbstractServerTransaction s) {
      if (servers.remove(s.key, s)) {
        entries.decrementAndGet();
      }
      TransactionKeys.MergeKey mk = s.mergeKey;
      if (mk != null) {
        merged.remove(mk, s);
      }
    }
  }

  void terminatedForUser(AbstractTransaction tx) {
    if (tx.layerOwned) {
      return;
    }
    try {
      user.onTerminated(tx);
    } catch (RuntimeException e) {
      callbackFailed("onTerminated", tx, e);
    }
  }

  void ackToUser(SipRequest ack, Inbound inbound) {
    try {
      user.onAck(ack, inbound);
    } catch (RuntimeException e) {
      callbackFailed("onAck", null, e);
    }
  }

  void cancelToUser(InviteServerTransaction invite, SipRequest cancel) {
    if (invite.layerOwned) {
      return;
    }
    try {
      user.onCancel(invite, cancel);
    } catch (RuntimeException e) {
      callbackFailed("onCancel", invite, e);
    }
  }

  void timeoutToUser(ServerTransaction tx) {
    try {
      user.onTimeout(tx);
    } catch (RuntimeException e) {
      callbackFailed("onTimeout", (Transaction) tx, e);
    }
  }

  void userTransportError(ServerTransaction tx, Throwable cause) {
    try {
      user.onTransportError(tx, cause);
    } catch (RuntimeException e) {
      callbackFailed("onTransportError", (Transaction) tx, e);
    }
  }

  private void strayToUser(SipResponse response, Inbound inbound) {
    try {
      user.onStrayResponse(response, inbound);
    } catch (RuntimeException e) {
      callbackFailed("onStrayResponse", null, e);
    }
  }

  void responseDropped(AbstractServerTransaction tx, SipResponse response, String why) {
    log.debug("{}: dropping {} ({})", tx, response.startLine(), why);
  }

  /** A message kept as bytes for a retransmission did not parse again (a fault of ours). */
  void retransmissionFailed(AbstractTransaction tx, WireCopy copy, RuntimeException e) {
    log.warn("{}: cannot retransmit the message kept as {}", tx, copy, e);
  }

  void callbackFailed(String callback, Transaction tx, RuntimeException e) {
    log.warn("{} threw for {}", callback, tx, e);
  }
}
