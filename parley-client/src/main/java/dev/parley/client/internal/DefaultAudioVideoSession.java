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
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.net.InetSocketAddress;
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
  private SessionDescription remote; // the peer's in that exchange
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
    boolean changed = exchanged && heldByPeer != (p != null && p.heldByPeer());
    local = ours;
    remote = theirs;
    exchanged = true;
    heldByPeer = p != null && p.heldByPeer();
    if (p != null) {
      leg.apply(p);
    }
    if (changed) {
      mediaChangedLocked();
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
  void endedLocked() {
    leg.close();
  }

  // ------------------------------------------------------------------------------ re-INVITEs

  @Override
  void onReInvite(DefaultParticipant p, IncomingInvite invite) {
    RtpSocket s = leg.openSocket();
    SessionDescription answer;
    SessionDescription offer = null;
    synchronized (endpoint.lock) {
      if (isTerminated() || s == null || local == null) {
        invite.reject(488);
        return;
      }
      if (invite.request().bodyLength() == 0) {
        // an offerless re-INVITE (RFC 3261 14.2): our current description is the offer, the
        // answer in the ACK confirms it; the streams go on as they are
        answer = local;
      } else {
        try {
          offer = SessionDescription.parse(invite.request().body());
        } catch (RuntimeException e) {
          LOG.info("re-INVITE with an unreadable SDP offer refused with 488: {}", e.getMessage());
        }
        if (offer == null || !acceptsAudio(offer)) {
          invite.reject(488); // RFC 3264 8: the session stays as it was
          return;
        }
        answer = offers.answer(offer, lastSent, mediaAddress, s.localRtpAddress().getPort(),
            rtcpPort(s), onHold ? Direction.SENDONLY : Direction.SENDRECV);
        lastSent = answer;
        negotiated(answer, offer, false);
      }
    }
    endpoint.kick();
    invite.accept(MediaType.APPLICATION_SDP, answer.encode()).whenComplete((d, e) -> {
      if (e != null) {
        LOG.info("our answer to a re-INVITE was not acknowledged: {}", e.getMessage());
      }
    });
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
    RtpSocket s = leg.openSocket();
    Dialog dialog;
    SessionDescription offer;
    synchronized (endpoint.lock) {
      DefaultParticipant p = remotes.isEmpty() ? null : remotes.get(0);
      dialog = p == null ? null : p.dialogLocked();
      if (isTerminated() || p == null || p.state() != ParticipantState.CONNECTED
          || dialog == null) {
        throw new IllegalStateException("the session is not connected");
      }
      if (s == null || !leg.isRunning()) {
        throw new IllegalStateException("the session carries no audio");
      }
      if (onHold == hold) {
        return CompletableFuture.completedFuture(null);
      }
      if (reofferPending) {
        throw new IllegalStateException("a hold or resume is already in progress");
      }
      Direction direction = !hold ? Direction.SENDRECV
          : heldByPeer ? Direction.INACTIVE : Direction.SENDONLY;
      offer = offers.offerSession(lastSent, mediaAddress, s.localRtpAddress().getPort(),
          rtcpPort(s), direction);
      lastSent = offer;
      reofferPending = true;
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    endpoint.ua.reinvite(dialog, MediaType.APPLICATION_SDP, offer.encode())
        .whenComplete((response, error) -> reoffered(hold, offer, response, error, result));
    return result;
  }

  private void reoffered(boolean hold, SessionDescription offer, SipResponse response,
      Throwable error, CompletableFuture<Void> result) {
    synchronized (endpoint.lock) {
      reofferPending = false;
      SessionDescription answer = error == null ? Offers.answerIn(response) : null;
      if (error == null && response.isSuccess() && answer != null) {
        onHold = hold;
        boolean peerHeld = heldByPeer;
        negotiated(offer, answer, true);
        if (peerHeld == heldByPeer) {
          mediaChangedLocked(); // negotiated() reported it already when the peer's hold changed
        }
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
    leg.sendDtmf(digits);
  }

  @Override
  public Optional<AudioStreamStats> audioStats() {
    return leg.stats();
  }
}
