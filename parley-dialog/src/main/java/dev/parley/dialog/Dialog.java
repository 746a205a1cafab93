package dev.parley.dialog;

import dev.parley.sip.Address;
import dev.parley.sip.CSeq;
import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A SIP dialog (RFC 3261 §12): the peer-to-peer relationship between two user agents that lasts for
 * some time, identified by Call-ID, local tag and remote tag, with its route set, remote target and
 * CSeq counters.
 *
 * <pre>
 *   1xx with To tag          2xx
 *  ----------------> EARLY ---------> CONFIRMED --- BYE / error ---> TERMINATED
 *  (or 2xx directly ------------------^)
 * </pre>
 *
 * <p>Not thread-safe: a dialog is confined to the scheduler (event loop) that owns it, like the
 * transactions it uses.
 */
public final class Dialog {
  /** The states of RFC 3261 §12: early (after a provisional response with a tag), confirmed, terminated. */
  public enum State { EARLY, CONFIRMED, TERMINATED }

  private final DialogId id;
  private final boolean uac;
  /** Null until first read for a UAS dialog made from our own response: see {@link #ourTo}. */
  private Address localAddress;
  /**
   * For a UAS dialog made from a response we build ({@link #asUas(SipRequest, String, Address,
   * boolean)}): the request's To (parsed by the request's check) to which our tag is added when
   * {@link #localAddress} is first read, else null. Most early dialogs of a UAS end with a
   * rejection and never read it.
   */
  private Address ourTo;
  private final Address remoteAddress;
  private final boolean secure;
  private State state;
  private List<Address> routeSet;
  private Uri remoteTarget;
  private long localSeq;
  private long remoteSeq;
  private final Address localContact;

  private Dialog(DialogId id, boolean uac, Address localAddress, Address remoteAddress,
      boolean secure, List<Address> routeSet, Uri remoteTarget, long localSeq, long remoteSeq,
      State state, Address localContact) {
    this.id = id;
    this.uac = uac;
    this.localAddress = localAddress;
    this.remoteAddress = remoteAddress;
    this.secure = secure;
    this.routeSet = routeSet;
    this.remoteTarget = remoteTarget;
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
    this.state = state;
    this.localContact = localContact;
  }

  /**
   * The dialog a UAS creates when it answers {@code request} with {@code response} (a 1xx with a
   * To tag or a 2xx): RFC 3261 §12.1.1.
   *
   * @throws IllegalArgumentException if the response has no To tag or the request no Contact
   */
  public static Dialog asUas(SipRequest request, SipResponse response) {
    String localTag = response.to().tag();
    if (localTag == null) {
      throw new IllegalArgumentException("response has no To tag: " + response.startLine());
    }
    List<Address> contacts = request.contacts();
    if (contacts.isEmpty() || contacts.get(0).isWildcard()) {
      throw new IllegalArgumentException("request has no Contact to use as remote target");
    }
    DialogId id = new DialogId(request.callId(), localTag, request.from().tag());
    boolean secure = request.requestUri() instanceof SipUri u && u.isSecure();
    return new Dialog(id, false, response.to(), request.from(), secure,
        List.copyOf(request.recordRoutes()), contacts.get(0).uri(), -1,
        request.cseq().sequence(), stateFor(response), firstContact(response.contacts()));
  }

  /**
   * As {@link #asUas(SipRequest, SipResponse)} for a response we build from {@code request}
   * ({@link SipRequest#response(int, String)} with {@code localTag}, whose To is the request's
   * plus that tag) with {@code localContact} as its Contact: the same dialog, without parsing
   * our own response's To and Contact again.
   */
  static Dialog asUas(SipRequest request, String localTag, Address localContact,
      boolean confirmed) {
    List<Address> contacts = request.contacts();
    if (contacts.isEmpty() || contacts.get(0).isWildcard()) {
      throw new IllegalArgumentException("request has no Contact to use as remote target");
    }
    Address to = request.to();
    DialogId id = new DialogId(request.callId(), localTag, request.from().tag());
    boolean secure = request.requestUri() instanceof SipUri u && u.isSecure();
    Dialog d = new Dialog(id, false, to.tag() == null ? null : to, request.from(), secure,
        List.copyOf(request.recordRoutes()), contacts.get(0).uri(), -1,
        request.cseq().sequence(), confirmed ? State.CONFIRMED : State.EARLY,
        localContact == null || localContact.isWildcard() ? null : localContact);
    if (to.tag() == null) {
      d.ourTo = to; // our tag is the id's local tag, added when localAddress() is first read
    }
    return d;
  }

  /**
   * Why the peer's {@code request} cannot be taken on, or null when it can: an initial INVITE
   * ({@code creates}) must have a Contact that parses and gives a target (RFC 3261 §8.1.1.8,
   * §12.1.1) and a Record-Route that parses (the route set, {@link #asUas(SipRequest, String,
   * Address, boolean)}); a target refresh request (re-INVITE, UPDATE) a Contact that parses if
   * it has one ({@link #refreshTarget(SipRequest)}). (A Content-Type that does not parse is
   * answered for every request by {@link UasDispatcher}.) The reason names the field, as {@link
   * SipParseException#reason()} does ({@code "Record-Route: missing '>' after the URI"}), for a
   * 400's reason phrase. The values read stay cached in the request for the later reads.
   */
  static String unreadable(SipRequest request, boolean creates) {
    try {
      List<Address> contacts = request.contacts();
      if (creates) {
        if (contacts.isEmpty() || contacts.get(0).isWildcard()) {
          return "Contact: an INVITE needs one to use as the remote target";
        }
        request.recordRoutes();
      }
      return null;
    } catch (SipParseException e) {
      return e.reason();
    }
  }

  private static Address firstContact(List<Address> contacts) {
    return contacts.isEmpty() || contacts.get(0).isWildcard() ? null : contacts.get(0);
  }

  /**
   * The dialog a UAC creates from the response ({@code response}: 1xx with a To tag, or 2xx) to
   * its {@code request}: RFC 3261 §12.1.2. The route set is the Record-Route in reverse order.
   *
   * @throws IllegalArgumentException if the response has no To tag
   */
  public static Dialog asUac(SipRequest request, SipResponse response) {
    String remoteTag = response.to().tag();
    if (remoteTag == null) {
      throw new IllegalArgumentException("response has no To tag: " + response.startLine());
    }
    List<Address> rr = new ArrayList<>(response.recordRoutes());
    Collections.reverse(rr);
    List<Address> contacts = response.contacts();
    Uri target = contacts.isEmpty() || contacts.get(0).isWildcard()
        ? request.requestUri() : contacts.get(0).uri();
    DialogId id = new DialogId(request.callId(), request.from().tag(), remoteTag);
    boolean secure = request.requestUri() instanceof SipUri u && u.isSecure();
    return new Dialog(id, true, request.from(), response.to(), secure, List.copyOf(rr), target,
        request.cseq().sequence(), -1, stateFor(response), firstContact(request.contacts()));
  }

  private static State stateFor(SipResponse response) {
    return response.isSuccess() ? State.CONFIRMED : State.EARLY;
  }

  /** The dialog's id. */
  public DialogId id() {
    return id;
  }

  /** Whether this side created the dialog with its request (the UAC). */
  public boolean isUac() {
    return uac;
  }

  public State state() {
    return state;
  }

  /** The local party (From of our requests), with our tag. */
  public Address localAddress() {
    Address a = localAddress;
    if (a == null) {
      // a UAS dialog from our own response: the request's To plus our tag, as that response's
      // To reads (ourTo stays, so a racing read makes an equal value; both are immutable)
      a = ourTo.withTag(id.localTag());
      localAddress = a;
    }
    return a;
  }

  /**
   * The Contact this side gave when the dialog was set up (in our 2xx or our INVITE), or null;
   * later requests of ours in the dialog carry the same Contact (a focus keeps its conference
   * URI with {@code isfocus}, RFC 4579).
   */
  public Address localContact() {
    return localContact;
  }

  /** The remote party (To of our requests), with the remote tag. */
  public Address remoteAddress() {
    return remoteAddress;
  }

  /** Where requests in this dialog go (the remote Contact), refreshed by target refresh requests. */
  public Uri remoteTarget() {
    return remoteTarget;
  }

  /** The route set, in the order our requests carry it. */
  public List<Address> routeSet() {
    return routeSet;
  }

  /** The last CSeq number we sent, or -1. */
  public long localSeq() {
    return localSeq;
  }

  /** The last CSeq number the peer sent, or -1. */
  public long remoteSeq() {
    return remoteSeq;
  }

  /** Whether the dialog was set up over sips. */
  public boolean isSecure() {
    return secure;
  }

  /** A 2xx arrived or was sent for the dialog-creating INVITE: EARLY becomes CONFIRMED. */
  public void confirm(SipResponse response) {
    if (state == State.TERMINATED) {
      return;
    }
    state = State.CONFIRMED;
    if (uac) {
      List<Address> rr = new ArrayList<>(response.recordRoutes());
      Collections.reverse(rr);
      routeSet = List.copyOf(rr);
      refreshTarget(response.contacts());
    }
  }

  /**
   * Our CSeq counter goes on from {@code seq} at least: a dialog a NOTIFY created (RFC 6665
   * §4.1.2.4) follows the SUBSCRIBE we sent, whose CSeq (after any digest retry) it must exceed.
   */
  void localSeqAtLeast(long seq) {
    if (seq > localSeq) {
      localSeq = seq;
    }
  }

  /** Ends the dialog (BYE sent or received, or a failure). */
  public void terminate() {
    state = State.TERMINATED;
  }

  /**
   * Builds a request within this dialog (RFC 3261 §12.2.1.1): To, From, Call-ID, a new CSeq
   * (except ACK and CANCEL, which reuse {@code cseqForAck}), Request-URI and Route from the route
   * set, loose or strict. The caller adds Contact, Max-Forwards, body and the transaction adds Via.
   *
   * @param method the method
   * @param cseqForAck for ACK: the INVITE's CSeq number; ignored otherwise
   */
  public SipRequest.Builder newRequest(SipMethod method, long cseqForAck) {
    Objects.requireNonNull(method, "method");
    long seq;
    if (method.isAck() || method.isCancel()) {
      seq = cseqForAck;
    } else {
      localSeq = localSeq < 0 ? 1 : localSeq + 1;
      seq = localSeq;
    }
    Uri requestUri = remoteTarget;
    List<Address> routes = routeSet;
    if (!routes.isEmpty() && !isLooseRoute(routes.get(0))) {
      // Strict routing (§12.2.1.1): the first route becomes the Request-URI, the remote target
      // goes last in Route.
      requestUri = routes.get(0).uri();
      List<Address> rest = new ArrayList<>(routes.subList(1, routes.size()));
      rest.add(Address.of(remoteTarget));
      routes = rest;
    }
    SipRequest.Builder b = SipRequest.builder(method, requestUri)
        .header(HeaderName.TO, remoteAddress)
        .header(HeaderName.FROM, localAddress())
        .header(HeaderName.CALL_ID, id.callId())
        .header(HeaderName.CSEQ, new CSeq(seq, method))
        .header(HeaderName.MAX_FORWARDS, "70");
    for (Address route : routes) {
      b.header(HeaderName.ROUTE, route);
    }
    return b;
  }

  private static boolean isLooseRoute(Address route) {
    return route.uri() instanceof SipUri u && u.isLooseRouting();
  }

  /**
   * Checks a request the peer sent within this dialog (RFC 3261 §12.2.2): its CSeq must not be
   * lower than the last one; target refresh requests (re-INVITE, UPDATE) update the remote target.
   * A user agent that may still refuse a target refresh request (491 in glare, 500 while another
   * INVITE is open) calls {@link #acceptRemoteSequence} and, once it takes the request on,
   * {@link #refreshTarget(SipRequest)} instead.
   *
   * @return true if the request is in order; false when it must be answered 500
   */
  public boolean acceptRemoteRequest(SipRequest request) {
    if (!acceptRemoteSequence(request)) {
      return false;
    }
    refreshTarget(request);
    return true;
  }

  /**
   * Checks the CSeq of a request the peer sent within this dialog (RFC 3261 §12.2.2) and
   * remembers it, without touching the remote target.
   *
   * @return true if the request is in order; false when it must be answered 500
   */
  public boolean acceptRemoteSequence(SipRequest request) {
    SipMethod m = request.method();
    if (m.isAck() || m.isCancel()) {
      return true;
    }
    long seq = request.cseq().sequence();
    if (remoteSeq >= 0 && seq <= remoteSeq) {
      return false;
    }
    remoteSeq = seq;
    return true;
  }

  /**
   * A target refresh request (re-INVITE, UPDATE) the user agent takes on: its Contact becomes the
   * remote target (RFC 3261 §12.2.2). A request of any other method changes nothing; neither does
   * one that is refused, which is why this is apart from {@link #acceptRemoteSequence}.
   */
  public void refreshTarget(SipRequest request) {
    SipMethod m = request.method();
    if (m.isInvite() || m.equals(SipMethod.UPDATE)) {
      refreshTarget(request.contacts());
    }
  }

  /** A 2xx to our re-INVITE or UPDATE refreshes the remote target (RFC 3261 §12.2.1.2). */
  public void targetRefreshed(SipResponse response) {
    refreshTarget(response.contacts());
  }

  private void refreshTarget(List<Address> contacts) {
    if (!contacts.isEmpty() && !contacts.get(0).isWildcard()) {
      remoteTarget = contacts.get(0).uri();
    }
  }

  @Override
  public String toString() {
    return "Dialog[" + id + " " + state + (uac ? " uac" : " uas") + "]";
  }
}
