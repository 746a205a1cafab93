package dev.parley.client;

import dev.parley.media.AudioStreamStats;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A two-party {@link SessionType#AUDIO_VIDEO} session that carries audio (RTP, RFC 3550): what
 * {@code createSession(AUDIO_VIDEO, ...)} returns and what an accepted audio invitation becomes.
 *
 * <p>From the moment the offer/answer exchange completes (the 200 OK, or a 183 Session Progress
 * with an answer: early media) the session sends what its endpoint's
 * {@link Endpoint.Builder#audioSource audio source} gives and hands what it receives to its
 * {@link Endpoint.Builder#audioSink audio sink}, in 20 ms frames, with the codec the answer put
 * first (Opus, PCMU or PCMA); ending the session stops the stream and frees its ports. Video lines
 * in an offer are refused with port 0 (the session connects with its audio).
 *
 * <pre>{@code
 * AudioVideoSession call = (AudioVideoSession) endpoint.sessionManager()
 *     .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
 * call.addListener(new AudioVideoSession.Listener() {
 *   public void onDtmfReceived(AudioVideoSession s, char digit) { System.out.println("DTMF " + digit); }
 * });
 * call.addParticipant(SipUri.parse("sip:bob@example.com")).join();
 * call.sendDtmf("123#");
 * call.hold().join();                          // re-INVITE, a=sendonly: nothing flows to us
 * call.resume().join();
 * System.out.println(call.audioStats().orElseThrow());
 * }</pre>
 *
 * <p>A {@link ConferenceSession} is one too: its audio, when it carries any, is its leg to the
 * focus's mixer, with the same operations.
 *
 * <p>Thread-safe; futures complete and listeners run on the endpoint's executor.
 */
public interface AudioVideoSession extends Session {
  /**
   * Puts the call on hold (RFC 3264 §8.4, RFC 6337 §5.3): a re-INVITE whose audio is
   * {@code sendonly} (or {@code inactive} when the peer holds us too). We stop receiving; the
   * peer plays what we send or nothing. Completes when the peer's answer is applied; completes at
   * once when already on hold.
   *
   * @return fails with {@link SessionException} (its status code) when the peer refuses the
   *     re-INVITE; the session then stays as it was
   * @throws IllegalStateException if the session is not connected or carries no audio
   */
  CompletableFuture<Void> hold();

  /**
   * Takes the call off hold: a re-INVITE with {@code sendrecv}. Completes when the answer is
   * applied; completes at once when not on hold.
   *
   * @return fails with {@link SessionException} when the peer refuses the re-INVITE
   * @throws IllegalStateException if the session is not connected or carries no audio
   */
  CompletableFuture<Void> resume();

  /** Whether we put the call on hold ({@link #hold()}, not yet {@link #resume()}d). */
  boolean isOnHold();

  /** Whether the peer put the call on hold: its description says it will not receive. */
  boolean isHeldByPeer();

  /**
   * Mutes or unmutes our audio: while muted no audio RTP is sent (DTMF still is). Takes effect
   * at the next 20 ms frame; may be called before the stream starts. In a two-party call the peer
   * is not told (no re-INVITE). In a {@link ConferenceSession} the focus is told as well: a
   * re-INVITE with our audio {@code recvonly} ({@code inactive} on hold), {@code sendrecv} (or
   * {@code sendonly}) again on unmute, so that the roster shows the others our mute; a conference
   * entered muted offers {@code recvonly} from the start.
   */
  void setMuted(boolean muted);

  /** Whether our audio is muted. */
  boolean isMuted();

  /**
   * Sends DTMF digits as RFC 4733 telephone-events, after any still being sent.
   *
   * @param digits {@code 0-9 * # A-D}, at most 64 waiting at once
   * @throws IllegalArgumentException naming {@code digits} if one is not a DTMF digit
   * @throws DtmfUnavailableException (an {@link IllegalStateException}) with its
   *     {@link DtmfUnavailableException#reason() reason} if no audio stream runs yet, its audio
   *     has ended, or the peer's answer lists no telephone-event. An Opus call to a peer with
   *     only {@code telephone-event/8000} sends the events at 8000 Hz (docs/media.md, "DTMF")
   */
  void sendDtmf(String digits);

  /**
   * The audio stream's statistics: packets and bytes each way, loss, jitter, round-trip time,
   * codec, DTMF counts. Empty until a stream has started; after the session ends, the figures at
   * its end (so an {@link Session.Listener#onTerminated} listener reads the final ones).
   */
  Optional<AudioStreamStats> audioStats();

  /** Audio session events; every method is optional, each runs on the endpoint's executor. */
  interface Listener extends Session.Listener {
    /** The peer sent a DTMF digit ({@code 0-9 * # A-D}) as an RFC 4733 event; once per digit. */
    default void onDtmfReceived(AudioVideoSession session, char digit) {}

    /**
     * The audio changed after a new offer/answer exchange: hold or resume (either side), a new
     * codec or address; read {@link #isOnHold()}, {@link #isHeldByPeer()}, {@link #streams()}.
     */
    default void onMediaChanged(AudioVideoSession session) {}
  }
}
