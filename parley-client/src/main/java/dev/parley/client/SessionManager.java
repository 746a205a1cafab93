package dev.parley.client;

import dev.parley.sip.MediaType;
import java.util.List;

/**
 * Creates outgoing sessions and delivers incoming invitations (UCCAPI's {@code IUccSessionManager}).
 * Obtained from {@link Endpoint#sessionManager()}.
 *
 * <pre>{@code
 * endpoint.sessionManager().setListener((source, invitation) -> {
 *   if (invitation.inviter().state() != ParticipantState.CONNECTED) {
 *     return;                                   // the inviter already gave up
 *   }
 *   if (!askUser("Accept incoming session from " + invitation.inviter().uri() + "?")) {
 *     invitation.reject(RejectReason.DECLINE);
 *     return;
 *   }
 *   invitation.accept();
 * });
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface SessionManager {
  /**
   * Sets the one listener that receives invitations (replacing any previous one; null removes it).
   * Without a listener, invitations are rejected at once with 480 Temporarily Unavailable.
   */
  void setListener(Listener listener);

  /**
   * Creates an outgoing session; nothing is sent until {@link Session#addParticipant}. When
   * {@code context} has no {@link SessionContext#CONVERSATION_ID}, a new one (a random UUID) is
   * added. Every session created must end with {@link Session#terminate} or by its participant
   * leaving.
   *
   * @throws NullPointerException if an argument is null
   */
  Session createSession(SessionType type, SessionContext context);

  /** The sessions not yet ended (incoming ones included from their invitation on). */
  List<Session> sessions();

  /**
   * Declares a non-SDP content type this application handles: an INVITE with such a body becomes
   * an {@link SessionType#APPLICATION} invitation.
   */
  void registerApplicationContentType(MediaType type);

  /** Session manager events (UCCAPI's {@code _IUccSessionManagerEvents}). */
  @FunctionalInterface
  interface Listener {
    /**
     * An invitation arrived (UCCAPI's {@code OnIncomingSession}). Runs on the endpoint's event
     * executor; it may block (only this endpoint's events wait). Answer with
     * {@link IncomingSessionEvent#accept()} or {@link IncomingSessionEvent#reject}, now or later.
     */
    void onIncomingSession(Endpoint source, IncomingSessionEvent event);

    /** A session this endpoint created sent its first invitation (UCCAPI's {@code OnOutgoingSession}). */
    default void onOutgoingSession(Endpoint source, Session session) {}
  }

}
