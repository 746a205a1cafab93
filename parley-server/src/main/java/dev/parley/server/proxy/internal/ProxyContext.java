package dev.parley.server.proxy.internal;

import dev.parley.sip.Address;
import dev.parley.sip.HeaderName;
import dev.parley.sip.Headers;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Tags;
import dev.parley.sip.Uri;
import dev.parley.transaction.ClientTransaction;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transport.Hop;
import dev.parley.transport.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response context of one proxied request (RFC 3261 §16.6-16.10): its branches (one client
 * transaction per target, forked in parallel), the provisional and 2xx responses forwarded at
 * once, the best final response when every branch failed, Timer C, and CANCEL both ways.
 *
 * <pre>
 *   request ──► [ branch 1: resolve hop ─► client tx ] ──► 1xx (not 100) forwarded
 *            └► [ branch 2: resolve hop ─► client tx ] ──► first 2xx forwarded, others CANCELed
 *                                                          ("Call completed elsewhere"); every
 *                                                          later 2xx forwarded too (§16.7 step 5)
 *   all branches final without 2xx ──► best response (§16.7 step 6)
 *   6xx ──► pending branches CANCELed, best response (the 6xx) when they end
 *   CANCEL from upstream ──► pending branches CANCELed; those without a provisional count as 487
 * </pre>
 *
 * <p>Upstream is a server transaction (a proxied request), or a future (a request the server
 * originates itself, {@link ProxyCore#originate}): the future completes with the status code of
 * the response that would have gone upstream (the first 2xx, else the best final response), and
 * provisional responses go nowhere.
 *
 * <p>Confined to one scheduler (the server transaction's, or one the proxy picks for an
 * originated request), which its client transactions share: their callbacks run on it in order,
 * so a 180 is never forwarded after the 200 of the same branch, and a branch is started, and its
 * responses relayed, without a hand-off to another event loop. The context
 * leaves the proxy's table ({@link ProxyCore#released}) when the final response has gone
 * upstream; branches still open after that only forward 2xx.
 */
final class ProxyContext {
  private static final Logger log = LoggerFactory.getLogger(ProxyContext.class);
  static final String COMPLETED_ELSEWHERE = "SIP;cause=200;text=\"Call completed elsewhere\"";

  private final ProxyCore core;
  private final ServerTransaction server;
  private final CompletableFuture<Integer> result;
  private final SipRequest received;
  private final SipRequest base;
  /** Our Record-Route signature ({@link RouteSigner}), or null when we do not record-route. */
  private final String signature;
  private final long loopHash;
  private final Scheduler scheduler;
  private final boolean invite;
  private final List<Branch> branches = new ArrayList<>();
  private final List<SipResponse> finals = new ArrayList<>();
  private int open;
  private boolean finalSent;
  private boolean cancelled;
  private boolean released;

  /**
   * @param received the request as it arrived (synthesised responses copy its Via)
   * @param base the request to fork: Max-Forwards decremented, our Route and credentials removed
   * @param signature our Record-Route signature for this dialog, or null not to record-route
   * @param loopHash what our branches remember for loop detection
   */
  ProxyContext(ProxyCore core, ServerTransaction server, SipRequest received, SipRequest base,
      String signature, long loopHash) {
    this(core, server, null, server.scheduler(), received, base, signature, loopHash);
  }

  /**
   * A context for a request the server originates: {@code result} completes with the final
   * status, on {@code scheduler}.
   */
  ProxyContext(ProxyCore core, Scheduler scheduler, SipRequest request, long loopHash,
      CompletableFuture<Integer> result) {
    this(core, null, result, scheduler, request, request, null, loopHash);
  }

  private ProxyContext(ProxyCore core, ServerTransaction server, CompletableFuture<Integer> result,
      Scheduler scheduler, SipRequest received, SipRequest base, String signature,
      long loopHash) {
    this.core = core;
    this.server = server;
    this.result = result;
    this.received = received;
    this.base = base;
    this.signature = signature;
    this.loopHash = loopHash;
    this.scheduler = scheduler;
    this.invite = received.method().isInvite();
  }

  /** The server transaction upstream, or null for an originated request. */
  ServerTransaction server() {
    return server;
  }

  /** Forks to {@code targets} in parallel. */
  void start(List<ProxyTarget> targets) {
    scheduler.run(() -> guarded(() -> {
      open = targets.size();
      for (ProxyTarget t : targets) {
        branches.add(new Branch(t));
      }
      for (Branch b : List.copyOf(branches)) {
        b.resolve();
      }
      maybeFinish();
    }));
  }

  /** A CANCEL matched our server transaction (§16.10); the layer has answered it 200. */
  void cancel(String reason) {
    scheduler.run(() -> guarded(() -> {
      if (finalSent || cancelled) {
        return;
      }
      cancelled = true;
      for (Branch b : branches) {
        if (!b.done) {
          b.cancel(reason);
          if (!b.provisional) {
            outcome(b, synthesised(487)); // nothing sent or nothing heard: no 487 will come
          }
        }
      }
      maybeFinish();
    }));
  }

  private void onResponse(Branch b, SipResponse r) {
    int code = r.statusCode();
    b.provisional = true;
    if (code == 100 || (server != null && !ProxyMessages.hasSecondVia(r))) {
      return; // 100 is hop by hop (§16.7 step 4); a response with only our Via goes nowhere
    }
    SipResponse up = server != null ? r.withoutTopVia() : r;
    if (signature != null && server != null && code > 100 && code < 300) {
      up = resigned(up, b);
    }
    if (server != null && b.hop != null && ProxyMessages.hasIdentity(up)
        && !core.isTrusted(b.hop.address().getAddress())) {
      up = ProxyMessages.withoutIdentity(up); // RFC 3325: only trusted hops assert identities
    }
    if (r.isProvisional()) {
      if (invite && !b.done) {
        b.startTimerC();
      }
      if (!finalSent) {
        upstream(up);
      }
    } else if (r.isSuccess()) {
      b.finished();
      upstream(up); // every 2xx goes upstream, even after the first (§16.7 step 5)
      if (invite && signature != null && server != null) {
        core.dialogs().confirmed(r.callId(), r.from().tag(), r.to().tag(), r.from(), r.to(),
            System.currentTimeMillis());
      }
      if (!finalSent) {
        finalSent = true;
        if (invite) {
          cancelPending(COMPLETED_ELSEWHERE);
        }
        release();
      }
    } else {
      outcome(b, up);
      if (invite && code >= 600 && !finalSent) {
        cancelPending("SIP;cause=" + code + ";text=\"" + r.reasonPhrase().replace("\"", "") + "\"");
      }
    }
  }

  /**
   * {@code response} with our Record-Route signature re-made for the callee's Contact (RFC 3261
   * §16.7 step 4: a proxy may rewrite its own Record-Route in a response): the caller may then
   * send in this dialog only to the callee ({@link RouteSigner}).
   */
  private SipResponse resigned(SipResponse response, Branch branch) {
    Headers h = response.headers();
    String ours = ";" + RouteSigner.PARAMETER + "=" + signature;
    int first = h.indexOf(HeaderName.RECORD_ROUTE, 0);
    while (first >= 0 && !h.value(first).contains(ours)) {
      first = h.indexOf(HeaderName.RECORD_ROUTE, first + 1);
    }
    if (first < 0) {
      return response;
    }
    // the callee reached over the flow of its binding: the caller's requests go there too
    Uri contact = response.contacts().isEmpty() ? null : response.contacts().get(0).uri();
    String theirs = branch.signedFor(contact);
    if (theirs == null) { // the 180 and the 200 of a call usually carry one Contact: signed once
      String flow = branch.target.flowToken();
      String callee = core.signer().sign(received.callId(), received.from().tag(), contact, flow);
      theirs = ";" + RouteSigner.PARAMETER + "=" + callee
          + (flow == null ? "" : ";" + RouteSigner.FLOW_PARAMETER + "=" + flow);
      branch.signed(contact, theirs);
    }
    // each field that carries ours is rewritten in place (one copy of the field table each, the
    // other fields as they came: the callee's bytes, not decoded); the others stay as they are
    SipResponse out = response;
    for (int i = first; i >= 0; i = h.indexOf(HeaderName.RECORD_ROUTE, i + 1)) {
      String v = h.value(i);
      if (v.contains(ours)) {
        out = out.withHeaderValue(i, v.replace(ours, theirs));
      }
    }
    return out;
  }

  /** A branch's final outcome other than 2xx: received, or synthesised on timeout or error. */
  private void outcome(Branch b, SipResponse response) {
    if (b.done) {
      return;
    }
    b.finished();
    finals.add(response);
    maybeFinish();
  }

  private void maybeFinish() {
    if (!finalSent && open == 0 && !branches.isEmpty()) {
      finalSent = true;
      upstream(ProxyMessages.best(finals, received));
      release();
    }
  }

  private void cancelPending(String reason) {
    for (Branch b : branches) {
      if (!b.done) {
        b.cancel(reason);
      }
    }
  }

  private void release() {
    if (!released) {
      released = true;
      for (Branch b : branches) {
        b.stopTimerC();
      }
      core.released(this);
    }
  }

  /** Sends a response upstream: over the server transaction, or a final status to the future. */
  private void upstream(SipResponse response) {
    if (server != null) {
      core.respond(server, response);
    } else if (response.isFinal()) {
      result.complete(response.statusCode());
    }
  }

  private SipResponse synthesised(int code) {
    return received.response(code, Tags.random()).build();
  }

  /** Runs {@code task}; a bug answers 500 rather than leaving the caller and the table hanging. */
  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("proxying {} failed", received.startLine(), e);
      if (!finalSent) {
        finalSent = true;
        upstream(synthesised(500));
      }
      release();
    }
  }

  /** One target of the fork: its hop resolution, client transaction and Timer C. */
  private final class Branch implements ClientTransaction.Listener {
    final ProxyTarget target;
    ClientTransaction tx;
    boolean provisional;
    boolean done;
    Scheduler.Timer timerC;
    Hop hop;
    /** The callee Contact our Record-Route was last signed for in a response, and that text. */
    private Uri signedContact;
    private String signedText;

    Branch(ProxyTarget target) {
      this.target = target;
    }

    /** Our Record-Route text signed for {@code contact} in an earlier response, else null. */
    String signedFor(Uri contact) {
      return signedText != null && Objects.equals(contact, signedContact) ? signedText : null;
    }

    void signed(Uri contact, String text) {
      signedContact = contact;
      signedText = text;
    }

    void resolve() {
      Hop now = core.hops().now(target);
      if (now != null) {
        // a fixed hop or an IP literal: no future, we are on the scheduler already
        guarded(() -> send(now));
        return;
      }
      core.hops().resolve(target).whenComplete((hop, error) -> scheduler.run(() -> guarded(() -> {
        if (error != null) {
          log.debug("cannot locate {}: {}", target.hopUri(), error.toString());
          outcome(this, synthesised(target.binding() ? 480 : 503));
        } else {
          send(hop);
        }
      })));
    }

    private void send(Hop hop) {
      if (done || cancelled || finalSent) {
        outcome(this, synthesised(487));
        return;
      }
      // base is built: the target and our Record-Route are edits of it that share its fields
      SipRequest out = base.withRequestUri(target.requestUri());
      if (!target.pushRoutes().isEmpty()) {
        List<Address> routes = new ArrayList<>(target.pushRoutes());
        routes.addAll(base.routes());
        SipRequest.Builder b = out.toBuilder();
        ProxyMessages.setRoutes(b, routes);
        out = b.build();
      }
      if (signature != null) {
        OwnAddresses.RecordRoute inbound =
            core.own().cachedRecordRoute(server.flow().transport(), server.flow().local());
        OwnAddresses.RecordRoute outbound = core.own().cachedRecordRoute(hop.transport(), null);
        out = out.withFirstHeader(HeaderName.RECORD_ROUTE, inbound.signed(signature));
        if (!outbound.address().equals(inbound.address())) {
          // double RR (RFC 5658)
          out = out.withFirstHeader(HeaderName.RECORD_ROUTE, outbound.signed(signature));
        }
      }
      this.hop = hop;
      try {
        tx = core.forward(out, hop, this, loopHash, scheduler);
      } catch (RuntimeException e) { // table full, or no listener for the hop's transport
        log.debug("cannot forward to {}: {}", hop, e.toString());
        outcome(this, synthesised(target.binding() ? 480 : 503));
        return;
      }
      if (invite && !done) { // done: the transaction failed at once, on this loop
        startTimerC();
      }
    }

    void startTimerC() {
      stopTimerC();
      timerC = scheduler.schedule(() -> guarded(this::timerCFired), core.timerCMillis(),
          TimeUnit.MILLISECONDS);
    }

    void stopTimerC() {
      if (timerC != null) {
        timerC.cancel();
        timerC = null;
      }
    }

    /** §16.8: CANCEL the branch; without a provisional it counts as 408 at once. */
    private void timerCFired() {
      timerC = null;
      if (done || finalSent) {
        return;
      }
      cancel(null);
      if (!provisional) {
        outcome(this, synthesised(408));
      }
    }

    void cancel(String reason) {
      if (tx != null && invite) {
        core.cancel(tx, reason);
      }
    }

    void finished() {
      if (!done) {
        done = true;
        open--;
        stopTimerC();
      }
    }

    @Override
    public void onResponse(ClientTransaction t, SipResponse response) {
      scheduler.run(() -> guarded(() -> ProxyContext.this.onResponse(this, response)));
    }

    @Override
    public void onTimeout(ClientTransaction t) {
      scheduler.run(() -> guarded(() -> outcome(this, synthesised(408))));
    }

    @Override
    public void onTransportError(ClientTransaction t, Throwable cause) {
      // §16.9 says 503; for a registered contact the user is just not reachable: 480
      scheduler.run(() -> guarded(() -> outcome(this, synthesised(target.binding() ? 480 : 503))));
    }

    @Override
    public void onTerminated(ClientTransaction t) {
      core.branchEnded(t);
    }

    /** Completed (Timer D, K): only the end matters; the context is not kept for those seconds. */
    @Override
    public ClientTransaction.Listener afterFinalResponse() {
      return core.branchEnd; // one per core: nothing per call for Timer D's 32 s
    }
  }

  /** The listener {@link #branchEnd(ProxyCore)} gives: {@code core}'s. */
  static ClientTransaction.Listener branchEnd(ProxyCore core) {
    return new BranchEnd(core);
  }

  /** What a branch's lingering client transaction keeps of the proxy: its branch's removal. */
  private record BranchEnd(ProxyCore core) implements ClientTransaction.Listener {
    @Override
    public void onResponse(ClientTransaction t, dev.parley.sip.SipResponse response) {}

    @Override
    public void onTerminated(ClientTransaction t) {
      core.branchEnded(t);
    }

    /** Only the branch is read at the end: Timer D's 32 s keep the ACK's bytes, not the INVITE. */
    @Override
    public boolean readsRequestWhileLingering() {
      return false;
    }
  }
}
