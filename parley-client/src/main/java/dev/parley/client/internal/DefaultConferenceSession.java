package dev.parley.client.internal;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.ConferenceSession;
import dev.parley.client.DeliveryResult;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.dialog.IncomingInvite;
import dev.parley.media.AudioStreamStats;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SessionDescription;
import dev.parley.sip.Address;
import dev.parley.sip.MediaType;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.sip.Uri;
import dev.parley.transaction.ServerTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ConferenceSession} (RFC 4579, the wire contract of issue 13): its one leg is the INVITE
 * dialog with the focus, kept as the session's only remote in {@link DefaultSession}'s sense (so
 * inviting, accepting, hanging up and the end work as for two-party sessions) but not listed;
 * the listed participants are the roster's members ({@link ConferenceRoster}). Instant messages
 * go to the focus and come from it relayed ({@link ConferenceMessages};
 * {@link DefaultInstantMessagingSession} does composing), dial-out and removal
 * are REFERs to it ({@link ConferenceReferrals}).
 */
final class DefaultConferenceSession extends DefaultInstantMessagingSession
    implements ConferenceSession {
  // guarded by the endpoint's lock
  private DefaultParticipant focus;
  private SipUri conferenceUri;
  private boolean entering;
  private boolean entered;
  private boolean wantsAudio; // the application asked for Media.AUDIO
  /** The audio leg to the mixer; opens nothing unless {@link #wantsAudio}. */
  private final SessionAudio audio;
  final ConferenceRoster roster = new ConferenceRoster(this);
  final ConferenceReferrals referrals = new ConferenceReferrals(this);
  private final ConferenceMessages messages = new ConferenceMessages(this);

  /** Under the lock: whether our own dial-out of {@code p} waits for the focus's report. */
  boolean dialingOutLocked(DefaultParticipant p) {
    return referrals.dialingLocked(p);
  }

  DefaultConferenceSession(DefaultEndpoint endpoint, SessionContext context, boolean incoming) {
    super(endpoint, SessionType.CONFERENCE, context, incoming);
    this.audio = new SessionAudio(this, new SessionAudio.OtherLines() {
      @Override
      public List<MediaDescription> offered(SipUri contact) {
        return List.of(Offers.messageLine(contact, endpoint.uri()));
      }

      @Override
      public MediaDescription answer(SessionDescription offer, int index, SipUri contact) {
        return Offers.isMessageLine(offer.media().get(index))
            ? Offers.messageLine(contact, endpoint.uri()) : null;
      }
    }, () -> focus);
    audio.signalMute(); // the focus's roster shows our mute (recvonly); a call's mute stays local
  }

  /**
   * This conference continues {@code call} (an escalated call, or the call a CONFERENCE
   * invitation replaces): an AUDIO_VIDEO call's audio goes on here (an application that wants
   * the conference without audio has no way to say so but to leave the call first), muted if the
   * call was (kept until the stream starts); an IM session's conference takes no audio. Returns
   * the media to enter or answer with; the caller passes them on ({@link #enterContinuing} or
   * {@link #mediaLocked}).
   */
  Media[] continues(DefaultSession call) {
    if (call.type() != SessionType.AUDIO_VIDEO) {
      return new Media[0];
    }
    if (((AudioVideoSession) call).isMuted()) {
      setMuted(true);
    }
    return new Media[] {Media.AUDIO};
  }

  /** Creates a conference at the focus and enters it as the continuation of {@code call}. */
  CompletableFuture<SipUri> enterContinuing(DefaultSession call) {
    return enter(endpoint.config.conferenceFactory(), true, continues(call));
  }

  /** Under the lock: the media the application asked for (before the offer or answer is made). */
  void mediaLocked(Media... media) {
    for (Media m : media) {
      if (m == Media.AUDIO) {
        wantsAudio = true;
      }
    }
  }

  // ------------------------------------------------------------------------------ entering

  @Override
  public CompletableFuture<SipUri> enter() {
    return enter(endpoint.config.conferenceFactory(), true, new Media[0]);
  }

  @Override
  public CompletableFuture<SipUri> enter(SipUri uri) {
    Objects.requireNonNull(uri, "conferenceUri");
    return enter(uri, false, new Media[0]);
  }

  @Override
  public CompletableFuture<SipUri> enter(Media media, Media... more) {
    Objects.requireNonNull(media, "media");
    Media[] all = new Media[checked(more).length + 1];
    all[0] = media;
    System.arraycopy(more, 0, all, 1, more.length);
    return enter(endpoint.config.conferenceFactory(), true, all);
  }

  @Override
  public CompletableFuture<SipUri> enter(SipUri uri, Media... media) {
    Objects.requireNonNull(uri, "conferenceUri");
    return enter(uri, false, checked(media));
  }

  private static Media[] checked(Media[] media) {
    Objects.requireNonNull(media, "media");
    for (int i = 0; i < media.length; i++) {
      Objects.requireNonNull(media[i], "media[" + i + "]");
    }
    return media.clone();
  }

  private CompletableFuture<SipUri> enter(SipUri target, boolean create, Media[] media) {
    synchronized (endpoint.lock) {
      if (isTerminated()) {
        throw new IllegalStateException("the session has ended");
      }
      if (entering) {
        throw new IllegalStateException("this session is in (or entering) a conference already: "
            + (conferenceUri != null ? conferenceUri : target) + "; create another session");
      }
      entering = true;
      mediaLocked(media);
      if (!create) {
        conferenceUri = target;
      }
    }
    return inviteLeg(target).thenApply(p -> conferenceUri().orElse(target));
  }

  /** Under the lock: an invitation from the focus of {@code conference} (its From) made this session. */
  void invitedLocked(Uri conference) {
    entering = true;
    if (conference instanceof SipUri u) {
      conferenceUri = u.toBuilder().parameters(dev.parley.sip.Parameters.EMPTY).build();
    }
  }

  @Override
  void addRemote(DefaultParticipant p) {
    if (focus == null) {
      focus = p; // the leg: our INVITE's invitee, or the inviter of the focus's INVITE
    }
    super.addRemote(p);
  }

  @Override
  boolean listedLocked(DefaultParticipant p) {
    return p != focus;
  }

  @Override
  CompletableFuture<SessionDescription> offer(SipUri contact) {
    synchronized (endpoint.lock) {
      if (wantsAudio) {
        return audio.offer(contact); // m=message, then m=audio on an RTP socket of ours
      }
    }
    return CompletableFuture.completedFuture(
        Offers.offer(SessionType.INSTANT_MESSAGING, contact, endpoint.uri()));
  }

  @Override
  CompletableFuture<SessionDescription> answer(SessionDescription offer, SipUri contact) {
    synchronized (endpoint.lock) {
      if (wantsAudio && audio.acceptsAudio(offer)) {
        return audio.answer(offer, contact);
      }
    }
    return CompletableFuture.completedFuture(
        Offers.answerMessagesOnly(offer, contact, endpoint.uri()));
  }

  @Override
  void negotiated(SessionDescription ours, SessionDescription theirs, boolean localIsOfferer) {
    super.negotiated(ours, theirs, localIsOfferer);
    if (wantsAudio) {
      audio.negotiatedLocked(ours, theirs, localIsOfferer);
    }
  }

  @Override
  void onReInvite(DefaultParticipant p, IncomingInvite invite) {
    boolean withAudio;
    synchronized (endpoint.lock) {
      withAudio = wantsAudio && p == focus && audio.carriesAudioLocked();
    }
    if (withAudio) {
      audio.onReInvite(invite);
    } else {
      super.onReInvite(p, invite);
    }
  }

  @Override
  CompletableFuture<Void> releaseLocked() {
    return audio.releaseLocked(); // at once when no socket was ever opened
  }

  @Override
  void closeMediaNow() {
    audio.closeNow();
  }

  // ------------------------------------------------------------------------------ audio

  @Override
  public boolean carriesAudio() {
    synchronized (endpoint.lock) {
      return wantsAudio && audio.carriesAudioLocked();
    }
  }

  /** Throws unless the application asked for audio: the IM-only case's clear message. */
  private void requireAudio() {
    synchronized (endpoint.lock) {
      if (!wantsAudio) {
        throw new IllegalStateException("this conference session carries no audio: enter it"
            + " with enter(Media.AUDIO), or accept its invitation with accept(Media.AUDIO)");
      }
    }
  }

  @Override
  public CompletableFuture<Void> hold() {
    requireAudio();
    return audio.reoffer(true);
  }

  @Override
  public CompletableFuture<Void> resume() {
    requireAudio();
    return audio.reoffer(false);
  }

  @Override
  public boolean isOnHold() {
    synchronized (endpoint.lock) {
      return audio.onHoldLocked();
    }
  }

  @Override
  public boolean isHeldByPeer() {
    synchronized (endpoint.lock) {
      return audio.heldByPeerLocked();
    }
  }

  @Override
  public void setMuted(boolean muted) {
    audio.setMuted(muted);
  }

  @Override
  public boolean isMuted() {
    // setMuted before enter(Media.AUDIO) is kept and applies to the audio line once there is
    // one; an IM-only conference is never muted
    synchronized (endpoint.lock) {
      if (!wantsAudio) {
        return false;
      }
    }
    return audio.isMuted();
  }

  @Override
  public AudioState audioState(Participant participant) {
    Objects.requireNonNull(participant, "participant");
    if (participant.session() != this) {
      throw new IllegalArgumentException("not a participant of this session: " + participant);
    }
    synchronized (endpoint.lock) {
      if (!participant.isLocal()) {
        return roster.audioLocked((DefaultParticipant) participant); // NONE for the focus
      }
      if (!wantsAudio || !audio.carriesAudioLocked()) {
        return AudioState.NONE;
      }
      if (audio.onHoldLocked()) {
        return AudioState.ON_HOLD;
      }
    }
    return audio.isMuted() ? AudioState.MUTED : AudioState.CONNECTED;
  }

  @Override
  public void sendDtmf(String digits) {
    requireAudio();
    audio.sendDtmf(digits);
  }

  @Override
  public Optional<AudioStreamStats> audioStats() {
    return audio.stats();
  }

  @Override
  void answeredLocked(DefaultParticipant p, SipResponse ok) {
    if (p != focus || conferenceUri != null) {
      return;
    }
    // an ad hoc conference: its URI is the user part of the focus's Contact at our domain
    SipUri factory = endpoint.config.conferenceFactory();
    Address contact = ok == null ? null : ok.contacts().stream()
        .filter(a -> !a.isWildcard() && a.uri() instanceof SipUri).findFirst().orElse(null);
    if (contact != null && ((SipUri) contact.uri()).user() != null) {
      // the factory's host, port and transport: the conference is where the factory is
      conferenceUri = factory.toBuilder().user(((SipUri) contact.uri()).user()).build();
    } else {
      conferenceUri = factory;
    }
  }

  @Override
  void connected() {
    super.connected();
    if (!entered) {
      entered = true;
      SipUri uri = conferenceUri;
      endpoint.deliver(listeners, l -> {
        if (l instanceof ConferenceSession.Listener c) {
          c.onEntered(this, uri);
        }
      });
      endpoint.afterUnlock(roster::subscribe);
      endpoint.afterUnlock(audio::syncMute); // a setMuted while the focus had not answered yet
    }
  }

  @Override
  boolean connectWithoutInviteLocked(DefaultParticipant p) {
    return false; // no pager mode in a conference
  }

  @Override
  boolean recoverLocked(DefaultParticipant p, dev.parley.dialog.SipFailure failure) {
    return false; // a focus that refuses is not a pager-mode peer
  }

  @Override
  public boolean isPagerMode() {
    return false;
  }

  // ------------------------------------------------------------------------------ reading

  @Override
  public Optional<SipUri> conferenceUri() {
    synchronized (endpoint.lock) {
      return Optional.ofNullable(conferenceUri);
    }
  }

  /** Under the lock: the conference URI, or null. */
  SipUri conferenceUriLocked() {
    return conferenceUri;
  }

  @Override
  public Optional<Participant> focus() {
    synchronized (endpoint.lock) {
      return Optional.ofNullable(focus);
    }
  }

  /** Under the lock: the focus's leg when it is connected, else null. */
  DefaultParticipant connectedFocusLocked() {
    return entered && focus != null && focus.state() == ParticipantState.CONNECTED
        && focus.dialogLocked() != null ? focus : null;
  }

  @Override
  public List<Participant> participants() {
    synchronized (endpoint.lock) {
      List<Participant> all = new ArrayList<>();
      if (!isTerminated()) {
        all.add(localParticipant());
      }
      all.addAll(roster.membersLocked());
      return List.copyOf(all);
    }
  }

  /** Under the lock: throws unless the session is in the conference. */
  DefaultParticipant requireFocusLocked() {
    if (isTerminated()) {
      throw new IllegalStateException("the session has ended");
    }
    DefaultParticipant f = connectedFocusLocked();
    if (f == null) {
      throw new IllegalStateException("not in a conference yet: enter() first, and wait for it");
    }
    return f;
  }

  // ------------------------------------------------------------------------------ participants

  @Override
  public CompletableFuture<Participant> addParticipant(SipUri uri) {
    Objects.requireNonNull(uri, "uri");
    return referrals.dialOut(uri);
  }

  @Override
  public CompletableFuture<Void> removeParticipant(Participant participant) {
    Objects.requireNonNull(participant, "participant");
    if (participant.session() != this || participant.isLocal()) {
      throw new IllegalArgumentException("not a remote participant of this session: " + participant);
    }
    if (participant == focus) {
      return leave();
    }
    return referrals.remove((DefaultParticipant) participant);
  }

  @Override
  public CompletableFuture<Void> leave() {
    return terminate();
  }

  // ------------------------------------------------------------------------------ messages

  @Override
  public CompletableFuture<List<DeliveryResult>> send(byte[] content, MediaType contentType) {
    return messages.send(content, contentType);
  }


  @Override
  List<DefaultParticipant> composingTargetsLocked() {
    DefaultParticipant f = connectedFocusLocked();
    return f == null ? List.of() : List.of(f);
  }

  @Override
  void onDialogRequest(DefaultParticipant p, ServerTransaction tx, SipRequest request) {
    if (!messages.onDialogRequest(p, tx, request)) {
      super.onDialogRequest(p, tx, request);
    }
  }

  // ------------------------------------------------------------------------------ the end

  @Override
  void endedLocked() {
    super.endedLocked();
    referrals.endedLocked();
    roster.endedLocked();
  }

  @Override
  public String toString() {
    SipUri uri = conferenceUri;
    return super.toString() + (uri != null ? " " + uri : "");
  }
}
