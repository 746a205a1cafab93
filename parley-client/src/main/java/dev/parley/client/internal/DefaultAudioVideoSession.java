package dev.parley.client.internal;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.dialog.IncomingInvite;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioStreamStats;
import dev.parley.media.StreamParameters;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link AudioVideoSession}: the SDP of its audio line comes from the endpoint's
 * {@link AudioOffers}, each completed exchange (the first answer, early media in a 183, a
 * re-INVITE either way) becomes {@link StreamParameters} that its {@link SessionAudio} applies.
 * Offer/answer state is guarded by the endpoint's lock.
 */
final class DefaultAudioVideoSession extends DefaultSession implements AudioVideoSession {
  /**
   * Made on first use ({@link #audio()}): an invitation rejected before it is accepted never
   * needs its audio (a media queue, a future, the leg's functions), and ending a session whose
   * audio was never made has nothing to release. Written under the lock.
   */
  private volatile SessionAudio audio;
  /** Under the lock: the session's media was released before its audio was made. */
  private boolean released;

  DefaultAudioVideoSession(DefaultEndpoint endpoint, SessionContext context, boolean incoming) {
    super(endpoint, SessionType.AUDIO_VIDEO, context, incoming);
  }

  private SessionAudio audio() {
    SessionAudio a = audio;
    if (a == null) {
      synchronized (endpoint.lock) {
        a = audio;
        if (a == null) {
          a = new SessionAudio(this, SessionAudio.OtherLines.NONE,
              () -> remotes.isEmpty() ? null : remotes.get(0));
          if (released) {
            a.releaseLocked(); // as the audio made at the start would be: no socket opens now
          }
          audio = a;
        }
      }
    }
    return a;
  }

  @Override
  CompletableFuture<SessionDescription> offer(SipUri contact) {
    return audio().offer(contact);
  }

  @Override
  CompletableFuture<SessionDescription> answer(SessionDescription offer, SipUri contact) {
    return audio().answer(offer, contact);
  }

  @Override
  void provisionalLocked(SipResponse response) {
    audio().provisionalLocked(response, localOfferLocked());
  }

  @Override
  void negotiated(SessionDescription ours, SessionDescription theirs, boolean localIsOfferer) {
    super.negotiated(ours, theirs, localIsOfferer);
    audio().negotiatedLocked(ours, theirs, localIsOfferer);
  }

  @Override
  CompletableFuture<Void> releaseLocked() {
    SessionAudio a = audio;
    if (a == null) {
      released = true;
      return CompletableFuture.completedFuture(null); // no socket was ever opened
    }
    return a.releaseLocked();
  }

  @Override
  void closeMediaNow() {
    SessionAudio a;
    synchronized (endpoint.lock) {
      a = audio;
      if (a == null) {
        released = true;
        return;
      }
    }
    a.closeNow();
  }

  @Override
  void onReInvite(DefaultParticipant p, IncomingInvite invite) {
    audio().onReInvite(invite);
  }

  @Override
  public CompletableFuture<Void> hold() {
    return audio().reoffer(true);
  }

  @Override
  public CompletableFuture<Void> resume() {
    return audio().reoffer(false);
  }

  @Override
  public boolean isOnHold() {
    synchronized (endpoint.lock) {
      return audio().onHoldLocked();
    }
  }

  @Override
  public boolean isHeldByPeer() {
    synchronized (endpoint.lock) {
      return audio().heldByPeerLocked();
    }
  }

  @Override
  public void setMuted(boolean muted) {
    audio().setMuted(muted);
  }

  @Override
  public boolean isMuted() {
    return audio().isMuted();
  }

  @Override
  public void sendDtmf(String digits) {
    audio().sendDtmf(digits);
  }

  @Override
  public Optional<AudioStreamStats> audioStats() {
    return audio().stats();
  }

  @Override
  public CompletableFuture<dev.parley.client.ConferenceSession> escalateToConference(
      SipUri... extra) {
    return Escalation.start(this, extra); // a conference with audio
  }
}
