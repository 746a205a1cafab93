package dev.parley.client;

import dev.parley.sip.SipUri;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A conference (UCCAPI's {@code IUccConferenceSession}, RFC 4579): one INVITE dialog with a focus,
 * which relays instant messages to every other participant and reports who is in the conference
 * (the RFC 4575 roster). Every session of type {@link SessionType#CONFERENCE} is one: cast the
 * {@link Session}.
 *
 * <pre>{@code
 * ConferenceSession conf = (ConferenceSession) manager.createSession(
 *     SessionType.CONFERENCE, SessionContext.EMPTY);
 * conf.addListener(new ConferenceSession.Listener() {
 *   public void onRosterChanged(ConferenceSession s) {
 *     s.participants().forEach(p -> System.out.println(p.uri() + " " + p.state()));
 *   }
 *   public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
 *     System.out.println(m.sender().uri() + ": " + m.text());   // the participant who wrote it
 *   }
 * });
 * SipUri uri = conf.enter().join();                 // an ad hoc conference at the factory
 * conf.addParticipant(SipUri.parse("sip:carol@example.com"));   // the focus dials out
 * conf.send("hello all").thenAccept(results -> results.forEach(System.out::println));
 * conf.leave();
 * }</pre>
 *
 * <p><b>Participants.</b> {@link #participants()} is the local participant and then the others
 * in the conference as the roster says (the focus's {@code conference} event package): each
 * roster user is a {@link Participant} whose state follows its roster status (dialing-out and
 * alerting CONNECTING; connected, on-hold and muted-via-focus CONNECTED; disconnecting
 * DISCONNECTING; disconnected DISCONNECTED, after which it leaves the collection), with the usual
 * {@link Session.Listener#onParticipantAdded}, {@link Participant.Listener#onStateChanged} and
 * {@link Session.Listener#onParticipantRemoved} events. The focus itself is not one of them: it is
 * {@link #focus()}, the signalling leg, and the session ends when that leg does.
 *
 * <p><b>Instant messages.</b> {@link #send} sends one MESSAGE to the focus, which relays it to
 * every other participant; the future completes with one {@link DeliveryResult} per recipient as
 * the focus reports them. Messages the focus relays reach
 * {@link InstantMessagingSession.Listener#onMessageReceived} with the participant who wrote them as
 * the sender. Composing indications go to everyone the same way.
 *
 * <p><b>Audio.</b> A conference carries audio when the application asks for it:
 * {@link #enter(Media, Media...) enter(Media.AUDIO)} (or {@link #enter(SipUri, Media...)}), or
 * {@link IncomingSessionEvent#accept(Media...) accept(Media.AUDIO)} for an invitation from a
 * focus (a plain {@code accept()} of an invitation that {@code replaces()} an audio call takes
 * the audio line too: the conference continues the call, muted if the call was). Without it
 * (the default) the session offers instant messaging only and opens no RTP socket. With it, the INVITE to the focus offers an audio line beside {@code m=message}, and
 * once the focus has answered, the session runs audio as a two-party {@link AudioVideoSession}
 * does: the endpoint's {@link Endpoint.Builder#audioSource audio source} and
 * {@link Endpoint.Builder#audioSink audio sink} functions are called with this session, what the
 * source gives is mixed into what everyone else hears, the sink gets the mix of everyone but us;
 * {@link #hold()} (a {@code sendonly} re-INVITE: the focus leaves us out of the mix and sends us
 * nothing), {@link #setMuted} (local at once, and a re-INVITE with our audio {@code recvonly}, or
 * {@code sendrecv} again, so that the roster shows everyone our mute), {@link #sendDtmf} (to the
 * focus) and {@link #audioStats()} work on it; {@link #audioState(Participant)} is each
 * participant's audio as the roster says it; leaving stops the stream and frees its ports. {@link #carriesAudio()} says whether the
 * focus took the audio line. The audio operations of an IM-only conference throw
 * {@link IllegalStateException}, but {@link #setMuted}: called before entering with audio it is
 * kept (the audio line starts muted), and {@link #isMuted()} is false until there is audio.
 *
 * <p>Thread-safe. Listener methods run on the endpoint's event executor.
 */
public interface ConferenceSession extends InstantMessagingSession, AudioVideoSession {
  /** What a conference session carries beside instant messaging, which it always does. */
  enum Media {
    /** An audio line to the focus's mixer (RTP: Opus, PCMU, PCMA, telephone-event). */
    AUDIO
  }

  /**
   * Creates an ad hoc conference as {@link #enter()} does, offering {@code media} (and
   * {@code more}) too. (Not a plain varargs method, so that {@code enter(null)} still means
   * {@link #enter(SipUri)}.)
   *
   * @param media {@link Media#AUDIO} to talk and listen
   * @throws IllegalStateException as {@link #enter()}
   * @throws NullPointerException if {@code media}, {@code more} or one of its elements is null
   */
  CompletableFuture<SipUri> enter(Media media, Media... more);

  /**
   * Enters the conference at {@code conferenceUri} as {@link #enter(SipUri)} does, offering
   * {@code media} too.
   *
   * @throws IllegalStateException as {@link #enter()}
   * @throws NullPointerException if an argument or one of {@code media}'s elements is null
   */
  CompletableFuture<SipUri> enter(SipUri conferenceUri, Media... media);

  /**
   * A participant's audio in the conference (close to UCCAPI's {@code UCC_CONFERENCE_MEDIA_STATE}
   * of a conference participant endpoint: its CONNECTED and HOLD; NONE is its DISCONNECTED). It
   * is no {@link ParticipantState}: a muted or held participant is in the conference, CONNECTED.
   */
  enum AudioState {
    /** No audio in the conference: instant messaging only, not connected, or not listed. */
    NONE,
    /** Talks and listens ({@code sendrecv}). */
    CONNECTED,
    /** Muted itself: it listens and does not talk (its audio {@code recvonly}). */
    MUTED,
    /** On hold: it holds the focus ({@code sendonly}, {@code inactive}, or {@code on-hold}). */
    ON_HOLD,
    /** The focus mutes it (RFC 4575 {@code muted-via-focus}: the organizer's mute). */
    MUTED_BY_FOCUS;

    /** Whether it does not talk: {@link #MUTED} or {@link #MUTED_BY_FOCUS}. */
    public boolean isMuted() {
      return this == MUTED || this == MUTED_BY_FOCUS;
    }

    /** Whether it is {@link #ON_HOLD}. */
    public boolean isOnHold() {
      return this == ON_HOLD;
    }
  }

  /**
   * {@code participant}'s audio in the conference: for the others, as the focus's roster says it
   * (each endpoint's audio {@code <media><status>}, from the participant's side, and its endpoint
   * status; {@link Listener#onRosterChanged} follows each change, with no participant state
   * change); for the local participant, our own ({@link #isOnHold()}, {@link #isMuted()}, NONE
   * without audio). NONE for the focus and for participants who left.
   *
   * @throws IllegalArgumentException if {@code participant} is not of this session
   * @throws NullPointerException if {@code participant} is null
   */
  AudioState audioState(Participant participant);

  /**
   * Whether the session carries audio: it asked for {@link Media#AUDIO} and the focus's answer
   * took the audio line (false before the answer, and for a focus that does not mix).
   */
  boolean carriesAudio();

  /**
   * Creates an ad hoc conference at the endpoint's conference factory
   * ({@link Endpoint.Builder#conferenceFactory}, by default {@code sip:conference@DOMAIN}) and
   * enters it as its organizer: an INVITE to the factory offering instant messaging, with the
   * session's conversation ID, which the conference keeps.
   *
   * @return completes with the conference URI (what others {@link #enter(SipUri) enter}) once the
   *     focus accepted; fails with {@link InvitationRejectedException} when it refused (403 not
   *     allowed, 503 too many conferences...) or could not be reached, after which the session has
   *     ended
   * @throws IllegalStateException if this session entered (or was invited into) a conference
   *     already, or has ended
   */
  CompletableFuture<SipUri> enter();

  /**
   * Enters (dials in to) the conference at {@code conferenceUri} (UCCAPI's {@code Enter}): an
   * INVITE to it offering instant messaging.
   *
   * @return completes with {@code conferenceUri} once the focus accepted; fails with
   *     {@link InvitationRejectedException} (404 unknown conference, 403 not allowed, 503 full...),
   *     after which the session has ended
   * @throws IllegalStateException as {@link #enter()}
   * @throws NullPointerException if {@code conferenceUri} is null
   */
  CompletableFuture<SipUri> enter(SipUri conferenceUri);

  /**
   * Leaves the conference (UCCAPI's {@code Leave}): BYE to the focus; the session ends. The same
   * as {@link #terminate()}.
   */
  CompletableFuture<Void> leave();

  /**
   * The conference URI, {@code sip:conf-ID@DOMAIN}: known once {@link #enter()} succeeded, given
   * to {@link #enter(SipUri)}, or, for an invitation from a focus, its From. Empty before.
   */
  Optional<SipUri> conferenceUri();

  /**
   * The focus: the signalling leg of this session, from {@code enter} (or the invitation) on;
   * empty before. CONNECTING while our INVITE is out, CONNECTED in the conference, DISCONNECTED
   * at the end (the session ends with it). Its URI is the one the INVITE went to (the factory for
   * an ad hoc conference); for an invitation, the conference's.
   */
  Optional<Participant> focus();

  /**
   * The participants: the local one first, then the others as the roster lists them (the focus
   * is {@link #focus()}, not one of them). A snapshot.
   */
  @Override
  List<Participant> participants();

  /**
   * Asks the focus to invite {@code uri} into the conference (dial-out, RFC 4579 §5.5): a REFER
   * to the focus naming {@code uri}, with {@code Referred-By} us. The participant appears at once
   * (CONNECTING), and follows the roster from then on.
   *
   * @return completes with the participant once the focus reports its INVITE answered with a 2xx;
   *     fails with {@link InvitationRejectedException} when the focus refused to dial out (403: not
   *     a user of the domain, too many dial-outs) or the invitee rejected it (486, 603...)
   * @throws IllegalStateException if the session is not in a conference (not entered yet, ended)
   * @throws NullPointerException if {@code uri} is null
   */
  @Override
  CompletableFuture<Participant> addParticipant(SipUri uri);

  /**
   * Asks the focus to remove {@code participant} from the conference: a REFER with
   * {@code Refer-To: <URI;method=BYE>}. Only the organizer may; the focus refuses others (403).
   *
   * @return completes when the focus reports the participant's BYE answered, or the roster says
   *     it left; fails with {@link SessionException} carrying the status when the focus refused
   * @throws IllegalArgumentException if {@code participant} is local or not of this session
   * @throws IllegalStateException if the session is not in a conference
   */
  @Override
  CompletableFuture<Void> removeParticipant(Participant participant);

  /**
   * Conference events on top of the IM session's; add it with {@link Session#addListener}. Every
   * method is optional.
   */
  interface Listener extends InstantMessagingSession.Listener, AudioVideoSession.Listener {
    /** The focus accepted us: the session is in the conference at {@code conferenceUri}. */
    default void onEntered(ConferenceSession session, SipUri conferenceUri) {}

    /**
     * A roster notification was applied (after the participant events it caused): read
     * {@link ConferenceSession#participants()} for the whole list.
     */
    default void onRosterChanged(ConferenceSession session) {}
  }
}
