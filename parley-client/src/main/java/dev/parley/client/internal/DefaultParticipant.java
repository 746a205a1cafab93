package dev.parley.client.internal;

import dev.parley.client.DeliveryResult;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.ParticipantStateChangeReason;
import dev.parley.client.ParticipantStateChangedEvent;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.DialogId;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.sip.HeaderName;
import dev.parley.sip.MediaType;
import dev.parley.sip.Reason;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Uri;
import dev.parley.transport.Hop;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link Participant} and its signalling leg (the INVITE sent or received, then the dialog), the
 * one owner of its state: the session and the invitation ask it to move through the transition
 * methods below, which refuse a move its state machine does not allow, and it raises the state
 * events. The application sees {@link ParticipantState}; our hang-up is two states of
 * DISCONNECTING here:
 *
 * <pre>
 *  IDLE --INVITE sent--> CONNECTING --2xx (or pager mode)--> CONNECTED
 *                        |  ^ 1xx (RINGING, TRYING)               |
 *                        |                                        | our hang-up
 *                        +--our hang-up: CANCEL--> HANGING_UP <---+
 *                                                      | BYE sent (once there is a dialog)
 *                                                      V
 *   any state --failure, BYE or CANCEL from          BYE_SENT --BYE transaction ends--+
 *   the other side, reject, expiry, no ACK--> DISCONNECTED <--------------------------+
 * </pre>
 *
 * <p>The inviter of an incoming session starts CONNECTED; the local participant goes IDLE,
 * CONNECTED, DISCONNECTED and raises no events. DISCONNECTED is final: what the network brings
 * later (a provisional, a 2xx, a BYE) moves nothing, as the other side may answer after we gave
 * up; a move out of order from our own code throws {@link IllegalStateException}. Guarded by the endpoint's lock, except {@link
 * #state()} and the pager route, which read without it.
 */
final class DefaultParticipant implements Participant {
  private enum State {
    IDLE(ParticipantState.IDLE),
    CONNECTING(ParticipantState.CONNECTING),
    CONNECTED(ParticipantState.CONNECTED),
    /** We end the leg: CANCEL sent (or sent once the INVITE is), or the BYE waits for the dialog. */
    HANGING_UP(ParticipantState.DISCONNECTING),
    /** Our BYE is out: the leg ends when its transaction does, not when the dialog does. */
    BYE_SENT(ParticipantState.DISCONNECTING),
    DISCONNECTED(ParticipantState.DISCONNECTED);

    final ParticipantState view;

    State(ParticipantState view) {
      this.view = view;
    }
  }

  /**
   * Where our pager-mode MESSAGEs go.
   *
   * @param target their Request-URI (its Contact, or its address of record)
   * @param hop where they are sent, or null to resolve the target (or use the server)
   */
  record PagerRoute(Uri target, Hop hop) {
    PagerRoute {
      Objects.requireNonNull(target, "target");
    }
  }

  final DefaultSession session;
  private final Uri uri;
  private final String displayName;
  private final boolean local;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile State state;
  private ParticipantStateChangeReason lastReason = ParticipantStateChangeReason.NORMAL;
  /** Completes when CONNECTED (outgoing); fails with the outcome otherwise. */
  private final CompletableFuture<Participant> connected = new CompletableFuture<>();
  /**
   * Completes when DISCONNECTED; made when first asked for ({@link #disconnection()}), under the
   * lock: most participants (an inviter rejected, the local one) are never asked, and a future
   * nobody holds need not be made nor completed on the executor.
   */
  private CompletableFuture<Void> disconnected;

  // the leg
  /** The invitation it sent us, when it is the inviter of an incoming session. */
  private AbstractInvitation<?> invitation;
  /** Set when it talks in pager mode: MESSAGE outside any dialog. */
  private volatile PagerRoute pagerRoute;
  /** The INVITE we sent it. */
  private OutgoingInvite outgoing;
  /** The dialog once connected. */
  private Dialog dialog;
  /** The dialog's id, known before the dialog when we accept its invitation. */
  private DialogId dialogId;
  /**
   * The last in-dialog MESSAGE/INFO sent to this participant: the next one waits for its final
   * response, so CSeq order is wire order (RFC 3261 §12.2.2 answers a lower CSeq 500) even when
   * two requests would leave from different event loops.
   */
  private CompletableFuture<?> inDialogTail = CompletableFuture.completedFuture(null);
  /** Why this side ends the leg: the Reason header of our BYE or CANCEL; null for none (a normal hang-up). */
  private RejectReason hangupReason;

  private DefaultParticipant(DefaultSession session, Uri uri, String displayName, boolean local,
      State initial) {
    this.session = session;
    this.uri = Objects.requireNonNull(uri, "uri");
    this.displayName = displayName;
    this.local = local;
    this.state = initial;
  }

  /** The local participant of {@code session}: IDLE until a remote one connects. */
  static DefaultParticipant local(DefaultSession session, Uri uri, String displayName) {
    return new DefaultParticipant(session, uri, displayName, true, State.IDLE);
  }

  /** A participant we are about to invite: IDLE. */
  static DefaultParticipant invitee(DefaultSession session, Uri uri) {
    return invitee(session, uri, null);
  }

  /** A participant we are about to invite, or a conference's roster member: IDLE. */
  static DefaultParticipant invitee(DefaultSession session, Uri uri, String displayName) {
    return new DefaultParticipant(session, uri, displayName, false, State.IDLE);
  }

  /** The inviter of an incoming session: CONNECTED, since it is in the session it created. */
  static DefaultParticipant inviter(DefaultSession session, Uri uri, String displayName) {
    return new DefaultParticipant(session, uri, displayName, false, State.CONNECTED);
  }

  @Override
  public Uri uri() {
    return uri;
  }

  @Override
  public String displayName() {
    return displayName;
  }

  @Override
  public ParticipantState state() {
    return state.view;
  }

  @Override
  public boolean isLocal() {
    return local;
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** Completes with this participant when it is CONNECTED by our invitation; fails otherwise. */
  CompletableFuture<Participant> connection() {
    return connected;
  }

  /** Completes when it is DISCONNECTED (at once when it is already). Takes the lock. */
  CompletableFuture<Void> disconnection() {
    synchronized (session.endpoint.lock) {
      if (disconnected == null) {
        disconnected = new CompletableFuture<>();
        if (state == State.DISCONNECTED) {
          disconnected.complete(null); // new: nothing depends on it yet, nothing runs here
        }
      }
      return disconnected;
    }
  }

  // ------------------------------------------------------------------------------ transitions

  /** IDLE -> CONNECTING (TRYING): we invite it. */
  void inviting() {
    expect("be invited", State.IDLE);
    move(State.CONNECTING, ParticipantStateChangeReason.TRYING, 0, null);
  }

  /** A provisional response to our INVITE: CONNECTING, RINGING (180, 182) or TRYING; ignored after our hang-up. */
  void provisional(int statusCode) {
    if (state == State.CONNECTING) {
      move(State.CONNECTING, statusCode == 180 || statusCode == 182
          ? ParticipantStateChangeReason.RINGING : ParticipantStateChangeReason.TRYING, statusCode,
          null);
    }
  }

  /**
   * IDLE or CONNECTING -> CONNECTED: its 2xx ({@code statusCode} 200), pager mode (0), or, for
   * the local participant, its first remote one; completes {@link #connection()}.
   */
  void connected(int statusCode) {
    if (state == State.DISCONNECTED || local && state == State.CONNECTED) {
      return;
    }
    expect("connect", State.IDLE, State.CONNECTING);
    move(State.CONNECTED, ParticipantStateChangeReason.NORMAL, statusCode, null);
    if (!local) {
      session.endpoint.complete(connected, this);
    }
  }

  /** Our invitation failed: {@link #connection()} fails with {@code why}. */
  void connectionFailed(Throwable why) {
    session.endpoint.fail(connected, why);
  }

  /**
   * Any state -> DISCONNECTED, with the other side's Reason header (RFC 3326) or null; completes
   * {@link #disconnection()}. False when it was DISCONNECTED already.
   */
  boolean disconnect(ParticipantStateChangeReason reason, int statusCode, Reason remoteReason) {
    if (state == State.DISCONNECTED) {
      return false;
    }
    move(State.DISCONNECTED, reason, statusCode, remoteReason);
    return true;
  }

  /**
   * We end the leg with {@code reason}, or normally when it is null (no Reason header on the BYE
   * or CANCEL; an invitation ours to answer is declined). Returns the action that sends what it
   * takes, to run outside the lock, or null. An IDLE or pager-mode participant is DISCONNECTED at
   * once; else it is HANGING_UP, and DISCONNECTED when the CANCEL's INVITE or our BYE ends.
   */
  Runnable hangUp(RejectReason reason) {
    if (state == State.HANGING_UP || state == State.BYE_SENT || state == State.DISCONNECTED) {
      return null;
    }
    if (invitation != null) {
      Runnable reject = invitation.rejectLocked(
          (reason == null ? RejectReason.DECLINE : reason).statusCode());
      if (reject != null) {
        return reject;
      }
      if (invitation.isAcceptingLocked()) {
        hangupReason = reason;
        move(State.HANGING_UP, ParticipantStateChangeReason.NORMAL, 0, null); // BYE once the ACK arrives
        return null;
      }
    }
    hangupReason = reason;
    if (state == State.IDLE || isPager() && state == State.CONNECTED) { // nothing sent or no dialog
      session.disconnected(this, ParticipantStateChangeReason.NORMAL, 0);
      return null;
    }
    boolean inviting = state == State.CONNECTING;
    move(State.HANGING_UP, ParticipantStateChangeReason.NORMAL, 0, null);
    if (inviting) {
      OutgoingInvite out = outgoing;
      Reason why = Reasons.of(reason);
      return out == null ? null : () -> out.cancel(why); // inviteSent() cancels once it is sent
    }
    return bye();
  }

  /**
   * HANGING_UP -> BYE_SENT: an action sending BYE on the dialog, with the Reason of our hang-up.
   * It is DISCONNECTED (and a two-party session ends) when the BYE's transaction completes: a
   * final response, a timeout (Timer F) or a transport error, so the trace then holds the
   * response. Also for a 2xx that came after it was DISCONNECTED. Null when there is no dialog.
   */
  Runnable bye() {
    expect("send BYE", State.HANGING_UP, State.DISCONNECTED);
    Dialog d = dialog;
    if (d == null) {
      return null;
    }
    if (state == State.HANGING_UP) {
      move(State.BYE_SENT, ParticipantStateChangeReason.NORMAL, 0, null);
    }
    Reason why = Reasons.of(hangupReason);
    DefaultEndpoint endpoint = session.endpoint;
    return () -> endpoint.ua.bye(d, why).whenComplete((r, e) -> {
      synchronized (endpoint.lock) { // answered, timed out, failed, or the dialog had ended
        session.disconnected(this, ParticipantStateChangeReason.NORMAL, 0);
      }
      endpoint.kick();
    });
  }

  private void expect(String what, State... allowed) {
    for (State s : allowed) {
      if (state == s) {
        return;
      }
    }
    throw new IllegalStateException("a participant " + state + " cannot " + what + ": " + this);
  }

  /** Moves to {@code to}, raising the event when the application sees a change. */
  private void move(State to, ParticipantStateChangeReason reason, int statusCode,
      Reason remoteReason) {
    State from = state;
    state = to;
    if (from.view == to.view && reason == lastReason) {
      return;
    }
    lastReason = reason;
    if (to == State.DISCONNECTED && disconnected != null) {
      session.endpoint.complete(disconnected, null);
    }
    if (local) {
      return;
    }
    ParticipantStateChangedEvent e = new ParticipantStateChangedEvent(from.view, to.view, reason,
        statusCode, Optional.ofNullable(remoteReason));
    session.endpoint.deliver(listeners, l -> l.onStateChanged(this, e));
  }

  // ------------------------------------------------------------------------------ the leg

  /** Whether we asked to end the leg and it has not ended yet. */
  boolean isHangingUp() {
    return state == State.HANGING_UP || state == State.BYE_SENT;
  }

  /** Whether our BYE is out (the leg ends with its transaction, not with the dialog). */
  boolean isByeSent() {
    return state == State.BYE_SENT;
  }

  /** Whether our INVITE waits for its final response and we have not hung up. */
  boolean isConnecting() {
    return state == State.CONNECTING;
  }

  /** It is the inviter of {@code invitation}, which is ours to answer. */
  void invitedUs(AbstractInvitation<?> invitation) {
    if (this.invitation != null) {
      throw new IllegalStateException("already invited us: " + this);
    }
    this.invitation = invitation;
  }

  /** Whether it is the inviter of an invitation still ours to answer. */
  boolean hasPendingInvitation() {
    return invitation != null && invitation.isPendingLocked();
  }

  /** It talks in pager mode: our MESSAGEs go outside any dialog, by {@code route}. */
  void talkInPagerMode(PagerRoute route) {
    this.pagerRoute = Objects.requireNonNull(route, "route");
  }

  boolean isPager() {
    return pagerRoute != null;
  }

  /** Where our pager-mode MESSAGEs go; null when it does not talk in pager mode. */
  PagerRoute pagerRoute() {
    return pagerRoute;
  }

  /**
   * Our INVITE to it is out. Returns the action that cancels it when we hung up meanwhile (run it
   * outside the lock), else null.
   */
  Runnable inviteSent(OutgoingInvite out) {
    outgoing = out;
    if (state != State.HANGING_UP) {
      return null;
    }
    Reason why = Reasons.of(hangupReason);
    return () -> out.cancel(why);
  }

  /** We accept its invitation: its dialog will have {@code id}. */
  void accepting(DialogId id) {
    dialogId = id;
  }

  /** The dialog of our answered INVITE, or of its invitation we accepted, is confirmed. */
  void dialogConfirmed(Dialog d) {
    dialog = d;
    if (dialogId == null) {
      dialogId = d.id();
    }
  }

  /** Under the lock: its dialog once confirmed, else null. */
  Dialog dialogLocked() {
    return dialog;
  }

  /** The id of its dialog, or null. */
  DialogId dialogId() {
    return dialogId;
  }

  /**
   * Outside the lock: sends {@code content} as {@code method} in its dialog, with {@code
   * conversation} as {@code Ms-Conversation-ID} (when not null), after the previous one has its
   * final response; completes with the delivery result, never fails.
   */
  CompletableFuture<DeliveryResult> sendInDialog(SipMethod method, byte[] content,
      MediaType type, String conversation) {
    CompletableFuture<SipResponse> sent = requestInDialog(method, b -> {
      b.body(type, content);
      if (conversation != null) {
        b.header(HeaderName.MS_CONVERSATION_ID, conversation);
      }
    });
    return sent == null
        ? CompletableFuture.completedFuture(new DeliveryResult(this, 0, "not sent: no dialog yet"))
        : sent.handle((response, error) -> Deliveries.result(this, response, error));
  }

  /**
   * Outside the lock: sends {@code method} in its dialog, completed by {@code customizer} (on an
   * event loop: quick), after the previous in-dialog request has its final response. Completes
   * with the final response or fails (timeout, transport, the dialog ended); null when there is no
   * dialog yet.
   */
  CompletableFuture<SipResponse> requestInDialog(SipMethod method,
      Consumer<SipRequest.Builder> customizer) {
    DefaultEndpoint endpoint = session.endpoint;
    synchronized (endpoint.lock) {
      Dialog d = dialog;
      if (d == null) {
        return null;
      }
      // One at a time, in call order: the CSeq is taken when the previous request has its final
      // response, so the peer never sees them out of order.
      CompletableFuture<SipResponse> sent = inDialogTail.handle((ignored, failure) -> null)
          .thenCompose(ignored -> endpoint.ua.request(d, method, customizer));
      inDialogTail = sent;
      return sent;
    }
  }

  // ------------------------------------------------------------------------------ roster members

  /**
   * Under the lock, a conference's roster member (no leg of its own): moves to {@code to} as the
   * focus reports it (RFC 4575 status mapped to our states), raising the state event; IDLE is
   * taken as CONNECTING. DISCONNECTED goes through {@link #disconnect}.
   */
  void followRoster(ParticipantState to, ParticipantStateChangeReason reason, int statusCode) {
    State target = switch (to) {
      case IDLE, CONNECTING -> State.CONNECTING;
      case CONNECTED -> State.CONNECTED;
      case DISCONNECTING -> State.HANGING_UP;
      case DISCONNECTED -> State.DISCONNECTED;
    };
    if (state == State.DISCONNECTED) {
      return;
    }
    if (target == State.DISCONNECTED) {
      disconnect(reason, statusCode, null);
      return;
    }
    move(target, reason, statusCode, null); // no event when neither state nor reason changed
    if (target == State.CONNECTED) {
      session.endpoint.complete(connected, this);
    }
  }

  @Override
  public String toString() {
    return "Participant[" + uri + " " + state.view + (local ? " local" : "") + "]";
  }
}
