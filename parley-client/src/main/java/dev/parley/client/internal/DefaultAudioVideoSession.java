package dev.parley.client.internal;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.ParticipantState;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionException;
import dev.parley.client.SessionType;
import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.SipFailure;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.DtmfEvent;
import dev.parley.media.RtpSocket;
import dev.parley.media.StreamParameters;
import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AudioVideoSession}: the SDP of its audio line comes from the endpoint's
 * {@link AudioOffers}, each completed exchange (the first answer, early media in a 183, a
 * re-INVITE either way) becomes {@link StreamParameters} that its {@link AudioLeg} applies.
 * Offer/answer state is guarded by the endpoint's lock.
 */
final class DefaultAudioVideoSession extends DefaultSession implements AudioVideoSession {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultAudioVideoSession.class);

  private final AudioOffers offers;
  private final AudioLeg leg;
  // Under the lock.
  private SessionDescription local; // the last description we sent in a completed exchange
  private StreamParameters parameters; // the audio of that exchange, or null
  private SessionDescription lastSent; // the last we sent at all: its version is the base
  private String mediaAddress;
  private boolean onHold;
  private boolean heldByPeer;
  private boolean reofferPending;
  private boolean exchanged;

  DefaultAudioVideoSession(DefaultEndpoint endpoint, SessionContext context, boolean incoming) {
    super(endpoint, SessionType.AUDIO_VIDEO, context, incoming);
    EndpointAudio audio = endpoint.config.audio();
    this.offers = audio.offers();
    this.leg = new AudioLeg(endpoint.media, () -> audio.source().apply(this),
        () -> audio.sink().apply(this), this::dtmfReceived);
  }

  // ------------------------------------------------------------------------------ first exchange

  @Override
  CompletableFuture<SessionDescription> offer(SipUri contact) {
    return leg.socket().thenApply(s -> {
      synchronized (endpoint.lock) {
        mediaAddress = address(s, contact);
        lastSent = offers.offerSession(null, mediaAddress, s.localRtpAddress().getPort(),
            rtcpPort(s), Direction.SENDRECV);
        return lastSent;
      }
    });
  }

  @Override
  CompletableFuture<SessionDescription> answer(SessionDescription offer, SipUri contact) {
    return leg.socket().thenApply(s -> {
      synchronized (endpoint.lock) {
        mediaAddress = address(s, contact);
        lastSent = offers.answer(offer, null, mediaAddress, s.localRtpAddress().getPort(),
            rtcpPort(s), Direction.SENDRECV);
        return lastSent;
      }
    });
  }

  /** The address our SDP gives: the socket's, or the contact's when it binds every address. */
  private static String address(RtpSocket s, SipUri contact) {
    InetSocketAddress a = s.localRtpAddress();
    if (!a.getAddress().isAnyLocalAddress()) {
      return a.getAddress().getHostAddress();
    }
    String host = contact.host();
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static int rtcpPort(RtpSocket s) {
    InetSocketAddress rtcp = s.localRtcpAddress();
    return rtcp == null || s.rtcpMux() ? 0 : rtcp.getPort();
  }

  @Override
  void provisionalLocked(SipResponse response) {
    SessionDescription answer = Offers.answerIn(response);
    SessionDescription offer = localOfferLocked();
    if (answer != null && offer != null && !exchanged) {
      negotiated(offer, answer, true); // early media (RFC 3960): the stream runs from the 183
    }
  }

  @Override
  void negotiated(SessionDescription ours, SessionDescription theirs, boolean localIsOfferer) {
    super.negotiated(ours, theirs, localIsOfferer);
    if (ours == null || theirs == null) {
      return;
    }
    StreamParameters p = audioParameters(ours, theirs, localIsOfferer);
    boolean changed = exchanged && (p == null ? parameters != null
        : parameters == null || !p.changes(parameters).isEmpty());
    local = ours;
    exchanged = true;
    parameters = p;
    heldByPeer = p != null && p.heldByPeer();
    if (p != null) {
      leg.apply(p);
    }
    if (changed) {
      mediaChangedLocked(); // a later exchange changed the audio: hold, resume, codec, address
    }
  }

  /** The first audio line the exchange runs, or null when it runs none. */
  private static StreamParameters audioParameters(SessionDescription ours,
      SessionDescription theirs, boolean localIsOfferer) {
    int n = Math.min(ours.media().size(), theirs.media().size());
    StreamParameters refused = null;
    for (int i = 0; i < n; i++) {
      try {
        StreamParameters p = StreamParameters.of(ours, theirs, localIsOfferer, i);
        if (!p.rejected()) {
          return p;
        }
        if (refused == null && ours.media().get(i).media().equals("audio")) {
          refused = p;
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("audio line {} of the exchange cannot run: {}", i, e.getMessage());
      }
    }
    return refused;
  }

  private void mediaChangedLocked() {
    endpoint.deliver(listeners, l -> {
      if (l instanceof AudioVideoSession.Listener a) {
        a.onMediaChanged(this);
      }
    });
  }

  private void dtmfReceived(char digit) {
    synchronized (endpoint.lock) {
      if (isTerminated()) {
        return;
      }
      endpoint.deliver(listeners, l -> {
        if (l instanceof AudioVideoSession.Listener a) {
          a.onDtmfReceived(this, digit);
        }
      });
    }
    endpoint.kick();
  }

  @Override
  CompletableFuture<Void> releaseLocked() {
    return leg.close();
  }

  /** Closes the stream on the calling thread: the endpoint is closing (no lock held). */
  void closeMediaNow() {
    leg.closeNow();
  }

  // ------------------------------------------------------------------------------ re-INVITEs

  @Override
  void onReInvite(DefaultParticipant p, IncomingInvite invite) {
    SessionDescription answer;
    try {
      answer = answerReInvite(invite);
    } catch (RuntimeException e) {
      // an offer the parser let through but we cannot answer (an audio line without c=, ...)
      LOG.info("re-INVITE refused with 488: {}", e.getMessage());
      answer = null;
    }
    endpoint.kick();
    if (answer == null) {
      invite.reject(488); // RFC 3264 8: the session stays as it was
      return;
    }
    boolean offerless = invite.request().bodyLength() == 0;
    SessionDescription sent = answer;
    invite.accept(MediaType.APPLICATION_SDP, answer.encode()).whenComplete((d, e) -> {
      if (e != null) {
        LOG.info("our answer to a re-INVITE was not acknowledged: {}", e.getMessage());
      } else if (offerless) {
        ackAnswered(sent, invite.ack());
      }
    });
  }

  /**
   * The ACK of our 2xx to an offerless re-INVITE carries the answer to the offer that 2xx made
   * (RFC 3264 5): applied as any other exchange. An ACK without one (a broken peer) leaves the
   * streams as they were.
   */
  private void ackAnswered(SessionDescription offer, dev.parley.sip.SipRequest ack) {
    SessionDescription answer = null;
    if (ack != null && ack.bodyLength() > 0 && ack.contentType() != null
        && ack.contentType().is(MediaType.APPLICATION_SDP)) {
      try {
        answer = SessionDescription.parse(ack.body());
      } catch (RuntimeException e) {
        LOG.info("the ACK's SDP answer is unreadable, the streams go on as they were: {}",
            e.getMessage());
      }
    }
    if (answer == null) {
      return;
    }
    synchronized (endpoint.lock) {
      if (!isTerminated()) {
        negotiated(offer, answer, true);
      }
    }
    endpoint.kick();
  }

  /** Our answer to a re-INVITE, applied; null to refuse it. */
  private SessionDescription answerReInvite(IncomingInvite invite) {
    RtpSocket s = leg.openSocket();
    synchronized (endpoint.lock) {
      if (isTerminated() || s == null || local == null) {
        return null;
      }
      if (invite.request().bodyLength() == 0) {
        // an offerless re-INVITE (RFC 3261 14.2): our current description, in a new version, is
        // the offer (every codec again, so the peer may change it); the answer comes in the ACK
        return reofferLocked(onHold);
      }
      SessionDescription offer;
      try {
        offer = SessionDescription.parse(invite.request().body());
      } catch (RuntimeException e) {
        LOG.info("re-INVITE with an unreadable SDP offer: {}", e.getMessage());
        return null;
      }
      if (!acceptsAudio(offer)) {
        return null;
      }
      SessionDescription answer = offers.answer(offer, lastSent, mediaAddress,
          s.localRtpAddress().getPort(), rtcpPort(s),
          onHold ? Direction.SENDONLY : Direction.SENDRECV);
      lastSent = answer;
      negotiated(answer, offer, false);
      return answer;
    }
  }

  private boolean acceptsAudio(SessionDescription offer) {
    for (int i = 0; i < offer.media().size(); i++) {
      if (offers.accepts(offer, i)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CompletableFuture<Void> hold() {
    return reoffer(true);
  }

  @Override
  public CompletableFuture<Void> resume() {
    return reoffer(false);
  }

  /** Offers the audio again, on hold or not (RFC 3264 8.4, RFC 6337 5.3). */
  private CompletableFuture<Void> reoffer(boolean hold) {
    Dialog dialog;
    synchronized (endpoint.lock) {
      DefaultParticipant p = remotes.isEmpty() ? null : remotes.get(0);
      dialog = p == null ? null : p.dialogLocked();
      if (isTerminated() || p == null || p.state() != ParticipantState.CONNECTED
          || dialog == null) {
        throw new IllegalStateException("the session is not connected");
      }
      if (!carriesAudioLocked()) {
        throw new IllegalStateException("the session carries no audio");
      }
      if (onHold == hold) {
        return CompletableFuture.completedFuture(null);
      }
      if (reofferPending) {
        throw new IllegalStateException("a hold or resume is already in progress");
      }
      reofferPending = true;
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    SessionDescription[] sent = new SessionDescription[1];
    CompletableFuture<SipResponse> answered;
    try {
      // asked again for each attempt: after a 491 the peer's own offer may have changed things
      answered = endpoint.ua.reinvite(dialog, MediaType.APPLICATION_SDP, () -> {
        synchronized (endpoint.lock) {
          sent[0] = reofferLocked(hold);
          return sent[0].encode();
        }
      });
    } catch (RuntimeException e) {
      answered = CompletableFuture.failedFuture(e);
    }
    answered.whenComplete((response, error) -> reoffered(hold, sent[0], response, error, result));
    return result;
  }

  /**
   * Under the lock: our re-offer, every line of our last description kept in its place (RFC 3264
   * 8: lines are never removed), the audio line offered again with the hold's direction.
   */
  private SessionDescription reofferLocked(boolean hold) {
    RtpSocket s = leg.openSocket();
    if (s == null || !carriesAudioLocked()) {
      throw new IllegalStateException("the session carries no audio any more");
    }
    Direction direction = !hold ? Direction.SENDRECV
        : heldByPeer ? Direction.INACTIVE : Direction.SENDONLY;
    List<MediaDescription> lines = new ArrayList<>(lastSent.media());
    lines.set(parameters.mLineIndex(), offers.offer(mediaAddress, s.localRtpAddress().getPort(),
        rtcpPort(s), direction));
    lastSent = AudioOffers.session(lastSent, mediaAddress, lines);
    return lastSent;
  }

  /** Under the lock: whether the last exchange runs an audio stream. */
  private boolean carriesAudioLocked() {
    return parameters != null && !parameters.rejected() && leg.openSocket() != null;
  }

  private void reoffered(boolean hold, SessionDescription offer, SipResponse response,
      Throwable error, CompletableFuture<Void> result) {
    synchronized (endpoint.lock) {
      reofferPending = false;
      SessionDescription answer = error == null ? Offers.answerIn(response) : null;
      if (error == null && response.isSuccess() && answer != null && offer != null) {
        onHold = hold;
        negotiated(offer, answer, true);
        endpoint.complete(result, null);
      } else {
        int code = error != null ? statusOf(error) : response.statusCode();
        String why = error != null ? String.valueOf(Registration.unwrap(error).getMessage())
            : response.statusCode() + " " + response.reasonPhrase()
                + (response.isSuccess() ? " without an SDP answer" : "");
        endpoint.fail(result, new SessionException(
            (hold ? "hold" : "resume") + " refused: " + why, code));
      }
    }
    endpoint.kick();
  }

  private static int statusOf(Throwable error) {
    Throwable cause = Registration.unwrap(error);
    return cause instanceof SipFailure f ? f.statusCode() : 500;
  }

  @Override
  public boolean isOnHold() {
    synchronized (endpoint.lock) {
      return onHold;
    }
  }

  @Override
  public boolean isHeldByPeer() {
    synchronized (endpoint.lock) {
      return heldByPeer;
    }
  }

  // ------------------------------------------------------------------------------ the stream

  @Override
  public void setMuted(boolean muted) {
    leg.mute(muted);
  }

  @Override
  public boolean isMuted() {
    return leg.isMuted();
  }

  @Override
  public void sendDtmf(String digits) {
    Objects.requireNonNull(digits, "digits");
    if (digits.isEmpty()) {
      throw new IllegalArgumentException("digits is empty");
    }
    for (int i = 0; i < digits.length(); i++) {
      try {
        DtmfEvent.eventOf(digits.charAt(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("digits: '" + digits.charAt(i)
            + "' is not a DTMF digit (0-9 * # A-D): " + digits, e);
      }
    }
    synchronized (endpoint.lock) {
      if (parameters == null || parameters.rejected()) {
        throw new IllegalStateException("no audio stream is running yet");
      }
      if (parameters.sendTelephoneEventPayloadType() < 0) {
        throw new IllegalStateException("the peer accepted no telephone-event at the rate of "
            + parameters.sendCodec() + ": DTMF cannot be sent");
      }
    }
    leg.sendDtmf(digits);
  }

  @Override
  public Optional<AudioStreamStats> audioStats() {
    return leg.stats();
  }

  @Override
  public CompletableFuture<dev.parley.client.ConferenceSession> escalateToConference(
      SipUri... extra) {
    throw new UnsupportedOperationException("an AUDIO_VIDEO session cannot be escalated yet:"
        + " conference audio is not in the client yet (escalate an INSTANT_MESSAGING session)");
  }
}
