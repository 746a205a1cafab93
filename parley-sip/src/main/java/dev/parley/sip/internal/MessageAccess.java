package dev.parley.sip.internal;

import dev.parley.sip.SipMessage;

/**
 * Lets the transaction layer drop what a {@link SipMessage} caches, when it keeps a message for
 * long but reads it rarely (a server transaction absorbing retransmissions for 32 s).
 *
 * <p>The one instance is registered by {@link SipMessage}'s static initializer (the same pattern
 * as {@link UriAccess}). Not for use outside Parley.
 */
public abstract class MessageAccess {
  private static volatile MessageAccess instance;

  /** Registers the implementation; the first registration wins. */
  public static synchronized void register(MessageAccess access) {
    if (instance == null) {
      instance = access;
    }
  }

  /** The registered implementation. */
  public static MessageAccess get() {
    MessageAccess access = instance;
    if (access == null) {
      try {
        Class.forName(SipMessage.class.getName(), true, MessageAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new AssertionError(e);
      }
      access = instance;
    }
    return access;
  }

  /**
   * Forgets the typed header values parsed so far and, for a parsed message, the header values
   * decoded from its bytes: the message keeps only what it needs to decode them again, on the
   * next access, to equal values. Safe while other threads read the message.
   */
  public abstract void trim(SipMessage message);
}
