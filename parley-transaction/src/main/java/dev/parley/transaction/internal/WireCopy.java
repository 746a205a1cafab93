package dev.parley.transaction.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.parley.sip.CompliancePolicy;
import dev.parley.sip.HeaderName;
import dev.parley.sip.Headers;
import dev.parley.sip.ParserConfig;
import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParser;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A message kept as its wire bytes while its transaction lingers (Completed, Confirmed, Accepted:
 * up to 32 s after the final response): one array, which a young collection copies without
 * scanning, instead of the parsed or built message's graph of objects. For a received message
 * the transport left alone, that array is the one it arrived in, kept as it came. Read back by
 * parsing the bytes with the message's own compliance policy, to a message equal to the one
 * kept; that happens rarely (a retransmission to answer, the transaction user asking for the
 * request again). Immutable.
 */
final class WireCopy {
  /** Limits no message that was parsed or built once can exceed: the copy is ours. */
  private static final ParserConfig NO_LIMITS = ParserConfig.builder()
      .maxMessageSize(Integer.MAX_VALUE).maxHeaderSectionSize(Integer.MAX_VALUE)
      .maxHeaderCount(Integer.MAX_VALUE).maxLineLength(Integer.MAX_VALUE).build();

  /**
   * The parser of the last policy asked for (a server runs with one): parsers are immutable, so
   * one is shared instead of a builder and a parser made for every copy checked or read.
   */
  private static volatile SipParser lastParser = parser(CompliancePolicy.STRICT);

  /** The encoded form of a built or changed message; null when {@link #verbatim} is kept. */
  private final byte[] bytes;
  /**
   * The bytes a received message was parsed from (read-only): unchanged, or, when {@link
   * #stampedVia} is not null, with its top Via value at [position, limit); else null.
   */
  private final ByteBuffer verbatim;
  /** The stamped top Via value that replaces {@link #verbatim}'s [position, limit); else null. */
  private final String stampedVia;
  private final CompliancePolicy policy;

  private WireCopy(byte[] bytes, ByteBuffer verbatim, CompliancePolicy policy) {
    this(bytes, verbatim, null, policy);
  }

  private WireCopy(byte[] bytes, ByteBuffer verbatim, String stampedVia, CompliancePolicy policy) {
    this.bytes = bytes;
    this.verbatim = verbatim;
    this.stampedVia = stampedVia;
    this.policy = policy;
  }

  /**
   * The wire form of {@code message}, or null for null or when its bytes do not parse back
   * under its policy (a builder accepts what a strict parse refuses, e.g. a Request-URI with
   * headers taken from a Contact): the caller then keeps the message itself.
   *
   * <p>A message parsed from bytes and not changed since (a received request the transport left
   * alone) keeps those bytes ({@link SipMessage#verbatimBytes()}): nothing is encoded or parsed,
   * since they parsed once under the same policy. A received request whose only change is the
   * transport's Via stamp ({@link dev.parley.sip.SipRequest#isStampedParse()}) keeps the bytes it
   * was received as and its stamped top Via value, spliced together only when read ({@link
   * dev.parley.sip.SipRequest#receivedBytes()}: they parse back to it); when its top Via field
   * came folded, and it was read without violations, it is encoded and not checked: its encoding
   * is the text it was parsed with, which parses back. So is a received response whose only
   * change is its top Via removed ({@link dev.parley.sip.SipResponse#isParseWithoutTopVia()}).
   * Any other message is encoded, and the check parses the framing and the start line once; the
   * header values are read lazily.
   */
  static WireCopy of(SipMessage message) {
    return of(message, null);
  }

  /**
   * {@link #of(SipMessage)} with the encoding made to send {@code message} ({@code
   * message.encode()}, which nobody writes to), or null: a built message is not encoded again,
   * only checked.
   */
  static WireCopy of(SipMessage message, byte[] sent) {
    if (message == null) {
      return null;
    }
    ByteBuffer verbatim = message.verbatimBytes();
    if (verbatim != null) {
      return new WireCopy(null, verbatim, message.policy());
    }
    if (sent == null && message instanceof dev.parley.sip.SipRequest r) {
      ByteBuffer received = r.receivedBytes();
      if (received != null) {
        Headers h = r.headers();
        return new WireCopy(null, received, h.value(h.indexOf(HeaderName.VIA, 0)), r.policy());
      }
    }
    WireCopy copy = new WireCopy(sent != null ? sent : message.encode(), null, message.policy());
    if (parsesBack(message)) {
      return copy;
    }
    try {
      copy.message();
    } catch (RuntimeException e) {
      return null;
    }
    return copy;
  }

  /**
   * Whether {@code message}'s encoding is known to parse back to an equal message without
   * parsing it: a parsed request changed only by the Via stamp, or a parsed response changed only
   * by its top Via removed (a proxy's relayed response), with no violation repaired (so its start
   * line and framing are those a strict parse accepts).
   */
  private static boolean parsesBack(SipMessage message) {
    return (message instanceof dev.parley.sip.SipRequest r && r.isStampedParse()
        || message instanceof dev.parley.sip.SipResponse s && s.isParseWithoutTopVia())
        && message.violations().isEmpty();
  }

  /** The size kept, in bytes. */
  int length() {
    if (bytes != null) {
      return bytes.length;
    }
    return stampedVia == null ? verbatim.remaining()
        : verbatim.capacity() - verbatim.remaining() + stampedVia.getBytes(UTF_8).length;
  }

  /** Whether the bytes kept are {@code array} itself (for tests: an encoding shared, not made again). */
  boolean holds(byte[] array) {
    return bytes != null && bytes == array;
  }

  /** Whether the bytes kept are the ones the message was received as (not encoded again). */
  boolean isVerbatim() {
    return verbatim != null && stampedVia == null;
  }

  /** Whether the bytes kept are the received ones with the stamped top Via value to splice in. */
  boolean isSpliced() {
    return stampedVia != null;
  }

  /**
   * The message again, parsed from the bytes kept. An encoded copy is read without copying (safe:
   * neither this copy nor a message ever writes to it); received bytes are copied out of their
   * read-only view first, with the stamped top Via value in place of the received one (rare: a
   * retransmission to answer, the request asked for again).
   *
   * @throws dev.parley.sip.SipParseException if the bytes do not parse again (a fault of the
   *     message's encoding, not of the peer)
   */
  SipMessage message() {
    byte[] data = bytes;
    if (data == null && stampedVia == null) {
      data = new byte[verbatim.remaining()];
      verbatim.duplicate().get(data);
    } else if (data == null) {
      data = spliced();
    }
    SipParser parser = lastParser;
    if (parser.policy() != policy) {
      parser = parser(policy);
      lastParser = parser;
    }
    return parser.parse(data);
  }

  /** The received bytes with {@link #stampedVia} in place of the received top Via value. */
  private byte[] spliced() {
    byte[] via = stampedVia.getBytes(UTF_8);
    int from = verbatim.position();
    int to = verbatim.limit();
    ByteBuffer all = verbatim.duplicate().clear();
    byte[] data = new byte[all.remaining() - (to - from) + via.length];
    all.get(data, 0, from);
    System.arraycopy(via, 0, data, from, via.length);
    all.position(to).get(data, from + via.length, data.length - from - via.length);
    return data;
  }

  private static SipParser parser(CompliancePolicy policy) {
    return SipParser.builder().config(NO_LIMITS).policy(policy).build();
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
    return "WireCopy[" + length() + " B"
        + (isVerbatim() ? " verbatim, " : isSpliced() ? " spliced, " : ", ")
        + Objects.toString(policy) + "]";
  }
}
