package dev.parley.transport.internal;

import dev.parley.sip.SipMessage;
import dev.parley.sip.SipParseException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import java.net.InetSocketAddress;

/**
 * What a SIP decoder emits: one message's bytes as they were on the wire and, when they parsed,
 * the message. A failure is a failed {@link DecoderResult} holding the {@link SipParseException};
 * {@link #isFramingError()} says the stream cannot be read past it and the connection must close.
 *
 * <p>Immutable; holds no buffer (nothing to release).
 */
public final class SipFrame implements DecoderResultProvider {
  private final byte[] wire;
  private final SipMessage message;
  private final InetSocketAddress sender;
  private final boolean framingError;
  private DecoderResult result;

  private SipFrame(byte[] wire, SipMessage message, DecoderResult result,
      InetSocketAddress sender, boolean framingError) {
    this.wire = wire;
    this.message = message;
    this.result = result;
    this.sender = sender;
    this.framingError = framingError;
  }

  /** A message that parsed. */
  public static SipFrame of(byte[] wire, SipMessage message, InetSocketAddress sender) {
    return new SipFrame(wire, message, DecoderResult.SUCCESS, sender, false);
  }

  /** Bytes that were framed but did not parse; the stream goes on after them. */
  public static SipFrame malformed(byte[] wire, SipParseException cause, InetSocketAddress sender) {
    return new SipFrame(wire, null, DecoderResult.failure(cause), sender, false);
  }

  /** Bytes that could not be framed: the connection must close after answering. */
  public static SipFrame framingError(byte[] wire, SipParseException cause) {
    return new SipFrame(wire, null, DecoderResult.failure(cause), null, true);
  }

  /** The bytes as on the wire (the header section only, for a framing error). */
  public byte[] wire() {
    return wire;
  }

  /** The message, or null when decoding failed. */
  public SipMessage message() {
    return message;
  }

  /** The datagram's sender, or null on a connection. */
  public InetSocketAddress sender() {
    return sender;
  }

  /** Whether the stream cannot be read past these bytes. */
  public boolean isFramingError() {
    return framingError;
  }

  /** The parse failure, or null. */
  public SipParseException cause() {
    return result.isFailure() ? (SipParseException) result.cause() : null;
  }

  @Override
  public DecoderResult decoderResult() {
    return result;
  }

  @Override
  public void setDecoderResult(DecoderResult result) {
    this.result = result;
  }
}
