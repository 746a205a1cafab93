package dev.parley.client;

import dev.parley.sip.MediaType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An application session (UCCAPI's {@code IUccApplicationSession}): data of application-defined
 * content types exchanged inside an INVITE dialog, as INFO requests (RFC 6086's method, without an
 * Info-Package). Every session of type {@link SessionType#APPLICATION} implements it: cast the
 * {@link Session}.
 *
 * <p>An incoming INVITE is an application invitation when its SDP has an {@code m=application}
 * line, or when its body has a content type the application declared with
 * {@link SessionManager#registerApplicationContentType}; that body is
 * {@link #invitationData()}. An outgoing application session offers
 * {@code m=application <port> sip <our AOR>}.
 *
 * <pre>{@code
 * manager.registerApplicationContentType(MediaType.parse("application/x-game"));
 * ApplicationSession game = (ApplicationSession) manager.createSession(SessionType.APPLICATION, ctx);
 * game.addListener(new ApplicationSession.Listener() {
 *   public void onDataReceived(ApplicationSession s, ApplicationData d) { play(d.data()); }
 * });
 * game.addParticipant(bob).join();
 * game.sendData("e2-e4".getBytes(UTF_8), MediaType.parse("application/x-game"));
 * }</pre>
 *
 * <p>Thread-safe; listeners run on the endpoint's event executor.
 */
public interface ApplicationSession extends Session {
  /**
   * Sends {@code data} of {@code contentType} to every connected remote participant, as an INFO in
   * its dialog.
   *
   * @return completes (never fails) with one result per remote participant
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the session has ended
   */
  CompletableFuture<List<DeliveryResult>> sendData(byte[] data, MediaType contentType);

  /**
   * The body of the INVITE that opened this session when it was of a registered application
   * content type (not SDP); empty otherwise and for outgoing sessions.
   */
  Optional<ApplicationData> invitationData();

  /** Application-session events on top of the session's; add it with {@link Session#addListener}. */
  interface Listener extends Session.Listener {
    /** Data arrived from a remote participant (an INFO or MESSAGE with a body in the dialog). */
    default void onDataReceived(ApplicationSession session, ApplicationData data) {}
  }
}
