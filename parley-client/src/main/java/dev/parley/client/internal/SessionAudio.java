package dev.parley.client.internal;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.DtmfUnavailableException;
import dev.parley.client.ParticipantState;
import dev.parley.client.SessionException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audio of one session ({@link DefaultAudioVideoSession}, or a {@link DefaultConferenceSession}
 * entered with audio): the SDP of its audio line comes from the endpoint's {@link AudioOffers},
 * each completed exchange (the first answer, early media in a 183, a re-INVITE either way) becomes
 * {@link StreamParameters} that its {@link AudioLeg} applies; hold and resume are re-offers
 * (RFC 3264 §8.4). The session's other lines (a conference's {@code m=message}) come from its
 * {@link OtherLines} and are kept in place in every re-offer. Offer/answer state is guarded by the
 * endpoint's lock.
 */
final class SessionAudio {
  private static final Logger LOG = LoggerFactory.getLogger(SessionAudio.class);

  /** The lines of a session's SDP beside its audio line. */
  interface OtherLines {
    /** Nothing beside the audio line: a two-party call. */
    OtherLines NONE = new OtherLines() {
      @Override
      public List<MediaDescription> offered(SipUri contact) {
        return List.of();
      }

      @Override
      public MediaDescription answer(SessionDescription offer, int index, SipUri contact) {
        return null;
      }
    };

    /** The lines our first offer puts before its audio line. */
    List<MediaDescription> offered(SipUri contact);

    /** Our answer to offered line {@code index} (not the audio line we take), or null: refused. */
    MediaDescription answer(SessionDescription offer, int index, SipUri contact);
  }

  private final DefaultSession session;
  private final AudioVideoSession self;
  private final DefaultEndpoint endpoint;
  private final OtherLines others;
  private final Supplier<DefaultParticipant> peer; // under the lock: the leg our re-offers go to
  private final AudioOffers offers;
  private final AudioLeg leg;
  // Under the lock.
  private SessionDescription local; // the last description we sent in a completed exchange
  private StreamParameters parameters; // the audio of that exchange, or null
  private SessionDescription lastSent; // the last we sent at all: its version is the base
  private String mediaAddress;
  private SipUri contact;
  private boolean onHold;
  private boolean heldByPeer;
  private boolean reofferPending;
  private boolean exchanged;
  /** A conference's: our mute is our audio's direction (recvonly), so the focus's roster shows it. */
  private boolean signalsMute;
  /** Whether the last description we sent said we are muted (recvonly or inactive). */
  private boolean signalledMuted;
  /** The re-offer that signals a mute, while it is out, or null. */
  private CompletableFuture<Void> muteReoffer;

  /**
   * @param session the session, an {@link AudioVideoSession}: the endpoint's audio source and sink
   *     functions are given it
   * @param others the session's lines beside audio
   * @param peer under the lock: the participant whose dialog carries the audio, or null
   */
  <S extends DefaultSession & AudioVideoSession> SessionAudio(S session, OtherLines others,
      Supplier<DefaultParticipant> peer) {
    this.session = session;
    this.self = session;
    this.endpoint = session.endpoint;
    this.others = others;
    this.peer = peer;
    EndpointAudio audio = endpoint.config.audio();
    this.offers = audio.offers();
    this.leg = new AudioLeg(endpoint.media, () -> audio.source().apply(session),
        () -> audio.sink().apply(session), this::dtmfReceived);
  }

  /**
   * Our mute is signalled from now on (a conference's audio to its focus): every description we
   * send says {@code recvonly} while muted ({@code inactive} when on hold too), and
   * {@link #setMuted} re-offers when that changes. A two-party call's mute stays local.
   */
  void signalMute() {
    synchronized (endpoint.lock) {
      signalsMute = true;
    }
  }

  /** Under the lock: whether our descriptions are to say that we are muted. */
  private boolean mutedLocked() {
    return signalsMute && leg.isMuted();
  }

  // ------------------------------------------------------------------------------ first exchange

  /** Our first offer: the other lines, then audio on a fresh RTP socket. */
  CompletableFuture<SessionDescription> offer(SipUri contact) {
    return leg.socket().thenApply(s -> {
      synchronized (endpoint.lock) {
        this.contact = contact;
        mediaAddress = AudioLines.address(s, contact);
        List<MediaDescription> lines = new ArrayList<>(others.offered(contact));
        signalledMuted = mutedLocked(); // a conference entered muted listens only from the start
        lines.add(offers.offer(mediaAddress, s.localRtpAddress().getPort(),
            AudioLines.rtcpPort(s), AudioLines.directionOf(false, signalledMuted)));
        lastSent = AudioOffers.session(null, mediaAddress, lines);
        return lastSent;
      }
    });
  }

  /** Our answer to the first offer, on a fresh RTP socket. */
  CompletableFuture<SessionDescription> answer(SessionDescription offer, SipUri contact) {
    return leg.socket().thenApply(s -> {
      synchronized (endpoint.lock) {
        this.contact = contact;
        mediaAddress = AudioLines.address(s, contact);
        signalledMuted = mutedLocked();
        lastSent = answerLocked(offer, s, AudioLines.directionOf(false, signalledMuted));
        return lastSent;
      }
    });
  }

  /**
   * Under the lock: our answer to {@code offer} (RFC 3264 §6): the first audio line we can take on
   * our socket, the other lines as {@link OtherLines} answers them, the rest refused with port 0.
   */
  private SessionDescription answerLocked(SessionDescription offer, RtpSocket s,
      Direction direction) {
    List<MediaDescription> lines = new ArrayList<>();
    boolean taken = false;
    for (int i = 0; i < offer.media().size(); i++) {
      MediaDescription m = offer.media().get(i);
      if (!taken && offers.accepts(offer, i)) {
        lines.add(offers.answerMedia(offer, i, mediaAddress, s.localRtpAddress().getPort(),
            AudioLines.rtcpPort(s), direction));
        taken = true;
        continue;
      }
      MediaDescription other = m.media().equals(MediaDescription.AUDIO) ? null
          : others.answer(offer, i, contact);
      lines.add(other != null ? other
          : MediaDescription.builder(m.media(), 0, m.proto()).formats(m.formats()).build());
    }
    return AudioOffers.session(lastSent, mediaAddress, lines);
  }

  /** Whether {@code offer} has an audio line we would take. */
  boolean acceptsAudio(SessionDescription offer) {
    for (int i = 0; i < offer.media().size(); i++) {
      if (offers.accepts(offer, i)) {
        return true;
      }
    }
    return false;
  }

  /** Under the lock: a provisional response to our INVITE; its answer starts early media. */
  void provisionalLocked(SipResponse response, SessionDescription offer) {
    SessionDescription answer = Offers.answerIn(response);
    if (answer != null && offer != null && !exchanged) {
      negotiatedLocked(offer, answer, true); // early media (RFC 3960): the stream runs from the 183
    }
  }

  /** Under the lock: an exchange completed; the stream follows it. */
  void negotiatedLocked(SessionDescription ours, SessionDescription theirs,
      boolean localIsOfferer) {
    if (ours == null || theirs == null) {
      return;
    }
    StreamParameters p = AudioLines.audioParameters(ours, theirs, localIsOfferer);
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

  private void mediaChangedLocked() {
    endpoint.deliver(session.listeners, l -> {
      if (l instanceof AudioVideoSession.Listener a) {
        a.onMediaChanged(self);
      }
    });
  }

  private void dtmfReceived(char digit) {
    synchronized (endpoint.lock) {
      if (session.isTerminated()) {
        return;
      }
      endpoint.deliver(session.listeners, l -> {
        if (l instanceof AudioVideoSession.Listener a) {
          a.onDtmfReceived(self, digit);
        }
      });
    }
    endpoint.kick();
  }

  /** Under the lock: stops the stream and frees its ports; see {@link AudioLeg#close()}. */
  CompletableFuture<Void> releaseLocked() {
    return leg.close();
  }

  /** Closes the stream on the calling thread: the endpoint is closing (no lock held). */
  void closeNow() {
    leg.closeNow();
  }

  // ------------------------------------------------------------------------------ re-INVITEs

  /** A re-INVITE in the audio's dialog, on an event loop: answered, or refused with 488. */
  void onReInvite(IncomingInvite invite) {
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
      if (!session.isTerminated()) {
        session.negotiated(offer, answer, true);
      }
    }
    endpoint.kick();
  }

  /** Our answer to a re-INVITE, applied; null to refuse it. */
  private SessionDescription answerReInvite(IncomingInvite invite) {
    RtpSocket s = leg.openSocket();
    synchronized (endpoint.lock) {
      if (session.isTerminated() || s == null || local == null) {
        return null;
      }
      if (invite.request().bodyLength() == 0) {
        // an offerless re-INVITE (RFC 3261 14.2): our current description, in a new version, is
        // the offer (every codec again, so the peer may change it); the answer comes in the ACK
        signalledMuted = mutedLocked();
        return reofferLocked(onHold, signalledMuted);
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
      signalledMuted = mutedLocked();
      SessionDescription answer = answerLocked(offer, s,
          AudioLines.directionOf(onHold, signalledMuted));
      lastSent = answer;
      session.negotiated(answer, offer, false);
      return answer;
    }
  }

  /**
   * Puts the audio on hold ({@code true}) or takes it off: a re-offer (RFC 3264 8.4). While a
   * conference's mute re-offer is out, it goes once that one is answered.
   */
  CompletableFuture<Void> reoffer(boolean hold) {
    Dialog dialog;
    synchronized (endpoint.lock) {
      DefaultParticipant p = peer.get();
      dialog = p == null ? null : p.dialogLocked();
      if (session.isTerminated() || p == null || p.state() != ParticipantState.CONNECTED
          || dialog == null) {
        throw new IllegalStateException("the session is not connected");
      }
      if (!carriesAudioLocked()) {
        throw new IllegalStateException("the session carries no audio");
      }
      if (onHold == hold) {
        return CompletableFuture.completedFuture(null);
      }
      if (reofferPending && muteReoffer != null) {
        return muteReoffer.handle((v, e) -> null).thenCompose(v -> reoffer(hold));
      }
      if (reofferPending) {
        throw new IllegalStateException("a hold or resume is already in progress");
      }
      reofferPending = true;
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    send(dialog, hold, false, result);
    return result;
  }

  /**
   * A conference whose last description does not say the mute the application wants now
   * re-offers with it (recvonly when muted, sendrecv when not; inactive or sendonly on hold),
   * unless another re-offer is out (its end calls this again) or the audio is not up yet (the
   * first exchange and every later one say the mute of their time). Outside the lock.
   */
  void syncMute() {
    Dialog dialog;
    boolean hold;
    CompletableFuture<Void> result = new CompletableFuture<>();
    synchronized (endpoint.lock) {
      DefaultParticipant p = peer.get();
      dialog = p == null ? null : p.dialogLocked();
      if (!signalsMute || reofferPending || session.isTerminated() || dialog == null
          || p.state() != ParticipantState.CONNECTED || !carriesAudioLocked()
          || signalledMuted == leg.isMuted()) {
        return;
      }
      reofferPending = true;
      hold = onHold;
      muteReoffer = result;
    }
    send(dialog, hold, true, result);
  }

  /** Sends the re-offer (the glare retries of the dialog layer asking for it again each time). */
  private void send(Dialog dialog, boolean hold, boolean forMute, CompletableFuture<Void> result) {
    SessionDescription[] sent = new SessionDescription[1];
    boolean[] muted = new boolean[1];
    CompletableFuture<SipResponse> answered;
    try {
      // asked again for each attempt: after a 491 the peer's own offer may have changed things
      answered = endpoint.ua.reinvite(dialog, MediaType.APPLICATION_SDP, () -> {
        synchronized (endpoint.lock) {
          muted[0] = mutedLocked();
          sent[0] = reofferLocked(hold, muted[0]);
          return sent[0].encode();
        }
      });
    } catch (RuntimeException e) {
      answered = CompletableFuture.failedFuture(e);
    }
    answered.whenComplete((response, error) ->
        reoffered(hold, forMute, muted[0], sent[0], response, error, result));
  }

  /**
   * Under the lock: our re-offer, every line of our last description kept in its place (RFC 3264
   * 8: lines are never removed), the audio line offered again with the hold's direction (and,
   * in a conference, the mute's).
   */
  private SessionDescription reofferLocked(boolean hold, boolean muted) {
    RtpSocket s = leg.openSocket();
    if (s == null || !carriesAudioLocked()) {
      throw new IllegalStateException("the session carries no audio any more");
    }
    Direction direction = !hold ? AudioLines.directionOf(false, muted)
        : heldByPeer ? Direction.INACTIVE : AudioLines.directionOf(true, muted);
    List<MediaDescription> lines = new ArrayList<>(lastSent.media());
    lines.set(parameters.mLineIndex(), offers.offer(mediaAddress, s.localRtpAddress().getPort(),
        AudioLines.rtcpPort(s), direction));
    lastSent = AudioOffers.session(lastSent, mediaAddress, lines);
    return lastSent;
  }

  /** Under the lock: whether the last exchange runs an audio stream. */
  boolean carriesAudioLocked() {
    return parameters != null && !parameters.rejected() && leg.openSocket() != null;
  }

  private void reoffered(boolean hold, boolean forMute, boolean muted, SessionDescription offer,
      SipResponse response, Throwable error, CompletableFuture<Void> result) {
    boolean again;
    synchronized (endpoint.lock) {
      reofferPending = false;
      if (forMute) {
        muteReoffer = null;
      }
      SessionDescription answer = error == null ? Offers.answerIn(response) : null;
      boolean ok = error == null && response.isSuccess() && answer != null && offer != null;
      // the mute changed while this was out; or it succeeded and a mute is still to be said
      // (a failed mute is not tried again until the application changes it: no loop)
      again = signalsMute && (ok || muted != leg.isMuted());
      if (ok) {
        onHold = hold;
        signalledMuted = muted;
        session.negotiated(offer, answer, true);
        endpoint.complete(result, null);
      } else {
        int code = error != null ? statusOf(error) : response.statusCode();
        String why = error != null ? String.valueOf(Registration.unwrap(error).getMessage())
            : response.statusCode() + " " + response.reasonPhrase()
                + (response.isSuccess() ? " without an SDP answer" : "");
        String what = forMute ? (muted ? "mute" : "unmute") : hold ? "hold" : "resume";
        if (forMute) {
          LOG.info("the {} re-INVITE was refused (our audio stays {} locally): {}", what,
              muted ? "muted" : "unmuted", why);
        }
        endpoint.fail(result, new SessionException(what + " refused: " + why, code));
      }
    }
    endpoint.kick();
    if (again) {
      syncMute();
    }
  }

  private static int statusOf(Throwable error) {
    Throwable cause = Registration.unwrap(error);
    return cause instanceof SipFailure f ? f.statusCode() : 500;
  }

  /** Under the lock: whether we put the audio on hold. */
  boolean onHoldLocked() {
    return onHold;
  }

  /** Under the lock: whether the peer put it on hold. */
  boolean heldByPeerLocked() {
    return heldByPeer;
  }

  // ------------------------------------------------------------------------------ the stream

  /**
   * Mutes or unmutes the stream from its next frame; a conference also tells the focus, by a
   * re-offer ({@link #syncMute}).
   */
  void setMuted(boolean muted) {
    leg.mute(muted);
    syncMute();
  }

  boolean isMuted() {
    return leg.isMuted();
  }

  /** See {@link AudioVideoSession#sendDtmf}. */
  void sendDtmf(String digits) {
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
        throw new DtmfUnavailableException(DtmfUnavailableException.Reason.NO_AUDIO,
            "DTMF cannot be sent: no audio stream runs in this session"
                + (parameters == null ? " yet" : " (the audio line was refused)"));
      }
      if (parameters.sendTelephoneEventPayloadType() < 0) {
        throw new DtmfUnavailableException(DtmfUnavailableException.Reason.NO_TELEPHONE_EVENT,
            "DTMF cannot be sent: the peer's answer lists no telephone-event (RFC 4733) that we"
                + " support (sending " + parameters.sendCodec().name() + "/"
                + parameters.sendCodec().clockRate() + "; Parley has no SIP INFO fallback)");
      }
    }
    leg.sendDtmf(digits);
  }

  Optional<AudioStreamStats> stats() {
    return leg.stats();
  }
}
