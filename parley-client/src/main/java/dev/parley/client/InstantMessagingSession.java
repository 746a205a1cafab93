package dev.parley.client;

import dev.parley.sip.MediaType;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An instant-messaging session (UCCAPI's {@code IUccInstantMessagingSession}): text and other
 * content to the remote participant, messages and composing indications from it. Every session of
 * type {@link SessionType#INSTANT_MESSAGING} implements it: cast the {@link Session}.
 *
 * <pre>{@code
 * InstantMessagingSession im = (InstantMessagingSession) manager.createSession(
 *     SessionType.INSTANT_MESSAGING, SessionContext.EMPTY);
 * im.addListener(new InstantMessagingSession.Listener() {
 *   public void onMessageReceived(InstantMessagingSession s, InstantMessage m) {
 *     System.out.println(m.sender().uri() + ": " + m.text());
 *   }
 *   public void onComposing(InstantMessagingSession s, Participant p) {
 *     System.out.println(p.uri() + " is typing...");
 *   }
 * });
 * im.addParticipant(SipUri.parse("sip:bob@example.com")).join();
 * im.send("Hello").thenAccept(results -> results.forEach(System.out::println));  // sip:bob@...: 200 OK
 * }</pre>
 *
 * <p><b>Session mode and pager mode.</b> Between Parley endpoints the session is an INVITE dialog
 * whose SDP has {@code m=message <port> sip <uri>}; messages are MESSAGE requests inside it (RFC
 * 3428). Peers without IM sessions (baresip, Linphone, JsSIP) send and take bare MESSAGE requests
 * outside any dialog ("pager mode"): their first MESSAGE reaches {@code onIncomingSession} as an
 * invitation carrying it ({@link IncomingSessionEvent#message()}), and an outgoing session falls
 * back to pager mode when the peer answers the INVITE with 405, 415, 488, 501 or 606, or at once
 * when the context sets {@link SessionContext#PAGER_MODE}. The API is the same in both modes.
 *
 * <p>Thread-safe. Listener methods run on the endpoint's event executor. Add listeners before
 * {@link IncomingSessionEvent#accept()}: messages that arrive until then are delivered right
 * after the acceptance.
 */
public interface InstantMessagingSession extends Session {
  /** The content type of {@link #send(String)}: {@code text/plain;charset=UTF-8}. */
  MediaType TEXT_PLAIN_UTF8 = MediaType.parse("text/plain;charset=UTF-8");
  /** The content type of composing indications (RFC 3994): {@code application/im-iscomposing+xml}. */
  MediaType IS_COMPOSING = MediaType.parse("application/im-iscomposing+xml");

  /**
   * Sends {@code text} as {@code text/plain;charset=UTF-8}.
   *
   * @see #send(byte[], MediaType)
   * @throws NullPointerException if {@code text} is null
   */
  CompletableFuture<List<DeliveryResult>> send(String text);

  /**
   * Sends {@code content} of {@code contentType} (UCCAPI's {@code SendMessage}) to every remote
   * participant: a MESSAGE in the dialog, or outside any dialog to a pager-mode peer, with the
   * conversation's {@code Ms-Conversation-ID}. Our composing state goes idle without an
   * indication (RFC 3994 §3.2: the message itself tells the peer).
   *
   * @return completes (never fails) with one result per remote participant once every MESSAGE has
   *     its final response; participants not CONNECTED get status 0 and nothing is sent to them
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code contentType} is {@link #IS_COMPOSING} (use
   *     {@link #setComposing})
   * @throws IllegalStateException if the session has ended
   */
  CompletableFuture<List<DeliveryResult>> send(byte[] content, MediaType contentType);

  /**
   * Reports that the local user is typing ({@code true}; call it again on later keystrokes) or
   * stopped ({@code false}), as RFC 3994 is-composing indications: {@code active} when typing
   * starts, refreshed every {@link Endpoint.Builder#composingRefresh} while it goes on, and
   * {@code idle} when {@code false} is given or no keystroke came for
   * {@link Endpoint.Builder#composingIdleTimeout}. UCCAPI's {@code StartComposing}/{@code StopComposing}.
   *
   * @throws IllegalStateException if the session has ended
   */
  void setComposing(boolean composing);

  /**
   * Whether {@code participant} is composing now (UCCAPI's {@code IsComposing}): an {@code active}
   * indication arrived and neither an {@code idle}, a message, nor its refresh time came since.
   */
  boolean isComposing(Participant participant);

  /** Whether messages go as MESSAGE requests outside any dialog (the peer has no IM sessions). */
  boolean isPagerMode();

  /**
   * Instant-messaging events (UCCAPI's {@code _IUccInstantMessagingSessionParticipantEvents}) on top
   * of the session's; add it with {@link Session#addListener}. Every method is optional.
   */
  interface Listener extends Session.Listener {
    /** A message arrived (UCCAPI's {@code OnInstantMessageReceived}); the sender is no longer composing. */
    default void onMessageReceived(InstantMessagingSession session, InstantMessage message) {}

    /** {@code participant} started typing (UCCAPI's {@code OnComposing}). */
    default void onComposing(InstantMessagingSession session, Participant participant) {}

    /**
     * {@code participant} stopped typing (UCCAPI's {@code OnIdle}): an {@code idle} indication, or
     * its {@code active} indication was not refreshed in time. Not raised when a message ends the
     * composing state (the message says it).
     */
    default void onIdle(InstantMessagingSession session, Participant participant) {}
  }
}
