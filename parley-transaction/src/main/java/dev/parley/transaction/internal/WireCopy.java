package dev.parley.transaction.internal;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.ParserConfig;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import java.util.Objects;

/**
 * A message kept as its wire bytes while its transaction lingers (Completed, Confirmed, Accepted:
 * up to 32 s after the final response): one array, which a young collection copies without
 * scanning, instead of the parsed or built message's graph of objects. Read back by parsing the
 * bytes with the message's own compliance policy, to a message equal to the one kept;
 * that happens rarely (a retransmission to answer, the transaction user asking for the request
 * again). Immutable.
 */
final class WireCopy {
  /** Limits no message that was parsed or built once can exceed: the copy is ours. */
  private static final ParserConfig NO_LIMITS = ParserConfig.builder()
      .maxMessageSize(Integer.MAX_VALUE).maxHeaderSectionSize(Integer.MAX_VALUE)
      .maxHeaderCount(Integer.MAX_VALUE).maxLineLength(Integer.MAX_VALUE).build();

  private final byte[] bytes;
  private final CompliancePolicy policy;

  private WireCopy(byte[] bytes, CompliancePolicy policy) {
    this.bytes = bytes;
    this.policy = policy;
  }

  /**
   * The wire form of {@code message}, or null for null or when its bytes do not parse back
   * under its policy (a builder accepts what a strict parse refuses, e.g. a Request-URI with
   * headers taken from a Contact): the caller then keeps the message itself. The check parses
   * the framing and the start line once; the header values are read lazily.
   */
  static WireCopy of(SipMessage message) {
    if (message == null) {
      return null;
    }
    WireCopy copy = new WireCopy(message.encode(), message.policy());
    try {
      copy.message();
    } catch (RuntimeException e) {
      return null;
    }
    return copy;
  }

  /** The size kept, in bytes. */
  int length() {
    return bytes.length;
  }

  /**
   * The message again, parsed from the bytes kept. The message reads its values from that array
   * without copying it: safe, since neither this copy nor a message ever writes to it.
   *
   * @throws dev.parley.sip.SipParseException if the bytes do not parse again (a fault of the
   *     message's encoding, not of the peer)
   */
  SipMessage message() {
    return SipParser.builder().config(NO_LIMITS).policy(policy).build().parse(bytes);
  }

  /** {@link #message} as the request it was. */
  dev.parley.sip.SipRequest request() {
    return (dev.parley.sip.SipRequest) message();
  }

  /** {@link #message} as the response it was. */
  dev.parley.sip.SipResponse response() {
    return (dev.parley.sip.SipResponse) message();
  }

  @Override
  public String toString() {
    return "WireCopy[" + bytes.length + " B, " + Objects.toString(policy) + "]";
  }
}
