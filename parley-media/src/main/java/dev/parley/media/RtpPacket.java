package dev.parley.media;

import dev.parley.media.MediaPacketException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An RTP data packet (RFC 3550 section 5.1): version 2, padding, header extension, marker, payload
 * type, sequence number, timestamp, SSRC, CSRC list and payload.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p><b>A view, not a copy.</b> {@link #parse} does not copy the payload or the header extension:
 * the packet keeps read-only slices of the bytes it was parsed from, and {@link Builder#payload}
 * keeps the bytes it is given. Those bytes must not change while the packet is in use; call
 * {@link #copy()} to detach a packet that must outlive its buffer. Within that contract the packet
 * is immutable and thread-safe. Unsigned 32-bit fields (timestamp, SSRC, CSRC) are {@code long}s
 * in 0..2<sup>32</sup>-1; the sequence number is an {@code int} in 0..65535.
 *
 * <p>The header extension (5.3.1) is kept opaque: its 16-bit profile field and its data (a whole
 * number of 32-bit words). RFC 8285's one- and two-byte forms are not interpreted here. Padding is
 * kept as its length only ({@link #paddingLength()}); written padding is zeros then the count.
 */
public final class RtpPacket {
  /** The only RTP version there is (RFC 3550 5.1). */
  public static final int VERSION = 2;
  /** Length of the fixed header, without CSRCs or extension. */
  public static final int FIXED_HEADER_LENGTH = 12;
  /** Most CSRCs a packet can carry: the 4-bit CC field. */
  public static final int MAX_CSRCS = 15;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
  private static final long[] NO_CSRCS = new long[0];

  private final boolean marker;
  private final int payloadType;
  private final int sequenceNumber;
  private final long timestamp;
  private final long ssrc;
  private final long[] csrcs;
  private final int extensionProfile;
  private final ByteBuffer extension; // null when X = 0; read-only, position 0
  private final ByteBuffer payload; // read-only, position 0
  private final int paddingLength;

  private RtpPacket(boolean marker, int payloadType, int sequenceNumber, long timestamp,
      long ssrc, long[] csrcs, int extensionProfile, ByteBuffer extension, ByteBuffer payload,
      int paddingLength) {
    this.marker = marker;
    this.payloadType = payloadType;
    this.sequenceNumber = sequenceNumber;
    this.timestamp = timestamp;
    this.ssrc = ssrc;
    this.csrcs = csrcs;
    this.extensionProfile = extensionProfile;
    this.extension = extension;
    this.payload = payload;
    this.paddingLength = paddingLength;
  }

  /** Parses a whole array as one RTP packet; see {@link #parse(ByteBuffer)}. */
  public static RtpPacket parse(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes is null");
    }
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Parses {@code length} bytes of {@code bytes} from {@code offset} as one RTP packet, without
   * copying: the packet views the array.
   *
   * @throws MediaPacketException if the bytes are not a valid packet (see {@link #parse(ByteBuffer)})
   * @throws IllegalArgumentException if the array is null or the range lies outside it
   */
  public static RtpPacket parse(byte[] bytes, int offset, int length) {
    checkRange(bytes, offset, length);
    return parse(ByteBuffer.wrap(bytes, offset, length));
  }

  /**
   * Parses the bytes between {@code buffer}'s position and limit as one RTP packet, without
   * copying and without moving the buffer's position: the packet views the buffer's content.
   *
   * <p>Checked, in order (RFC 3550 5.1 and the validity checks of A.1): at least the 12-octet
   * fixed header ({@link Reason#TOO_SHORT}); version 2 ({@link Reason#BAD_VERSION}); the CC
   * CSRCs fit ({@link Reason#CSRC_OVERRUN}); if X is set, the extension header and the data its
   * length announces fit ({@link Reason#EXTENSION_OVERRUN}); if P is set, the last octet's padding
   * count is at least 1 and no more than the octets after the header ({@link Reason#BAD_PADDING}).
   * The payload type is not checked against a profile: that is the stream's business, as is
   * RTP/RTCP demultiplexing ({@link RtcpPacket#isRtcp(ByteBuffer)}).
   *
   * @throws MediaPacketException if a check fails
   * @throws IllegalArgumentException if {@code buffer} is null
   */
  public static RtpPacket parse(ByteBuffer buffer) {
    if (buffer == null) {
      throw new IllegalArgumentException("buffer is null");
    }
    ByteBuffer b = buffer.slice();
    int length = b.remaining();
    if (length < FIXED_HEADER_LENGTH) {
      throw new MediaPacketException(Reason.TOO_SHORT,
          length + " octets, the fixed header has " + FIXED_HEADER_LENGTH);
    }
    int first = b.get(0) & 0xff;
    int version = first >>> 6;
    if (version != VERSION) {
      throw new MediaPacketException(Reason.BAD_VERSION, "version " + version);
    }
    boolean padding = (first & 0x20) != 0;
    boolean hasExtension = (first & 0x10) != 0;
    int csrcCount = first & 0x0f;
    int second = b.get(1) & 0xff;
    int header = FIXED_HEADER_LENGTH + 4 * csrcCount;
    if (header > length) {
      throw new MediaPacketException(Reason.CSRC_OVERRUN,
          "CC " + csrcCount + " needs " + header + " octets, packet has " + length);
    }
    int extensionProfile = 0;
    ByteBuffer extension = null;
    if (hasExtension) {
      if (header + 4 > length) {
        throw new MediaPacketException(Reason.EXTENSION_OVERRUN,
            "extension header at " + header + " past the end at " + length);
      }
      extensionProfile = b.getShort(header) & 0xffff;
      int words = b.getShort(header + 2) & 0xffff;
      int dataStart = header + 4;
      header = dataStart + 4 * words;
      if (header > length) {
        throw new MediaPacketException(Reason.EXTENSION_OVERRUN,
            "extension of " + words + " words ends at " + header + ", packet has " + length);
      }
      extension = b.slice(dataStart, 4 * words).asReadOnlyBuffer();
    }
    int paddingLength = 0;
    if (padding) {
      paddingLength = b.get(length - 1) & 0xff;
      if (paddingLength == 0 || paddingLength > length - header) {
        throw new MediaPacketException(Reason.BAD_PADDING, "padding count " + paddingLength
            + " with " + (length - header) + " octets after the header");
      }
    }
    long[] csrcs = NO_CSRCS;
    if (csrcCount > 0) {
      csrcs = new long[csrcCount];
      for (int i = 0; i < csrcCount; i++) {
        csrcs[i] = b.getInt(FIXED_HEADER_LENGTH + 4 * i) & 0xffffffffL;
      }
    }
    ByteBuffer payload = b.slice(header, length - header - paddingLength).asReadOnlyBuffer();
    return new RtpPacket((second & 0x80) != 0, second & 0x7f, b.getShort(2) & 0xffff,
        b.getInt(4) & 0xffffffffL, b.getInt(8) & 0xffffffffL, csrcs, extensionProfile, extension,
        payload, paddingLength);
  }

  /** A builder for a new packet: payload type 0, sequence 0, timestamp 0, SSRC 0, no payload. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this packet's fields (it shares the payload bytes). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.marker = marker;
    b.payloadType = payloadType;
    b.sequenceNumber = sequenceNumber;
    b.timestamp = timestamp;
    b.ssrc = ssrc;
    b.csrcs = new ArrayList<>();
    for (long c : csrcs) {
      b.csrcs.add(c);
    }
    b.extensionProfile = extensionProfile;
    b.extension = extension;
    b.payload = payload;
    b.paddingLength = paddingLength;
    return b;
  }

  /** This packet with its payload and extension copied, so it no longer views another buffer. */
  public RtpPacket copy() {
    return new RtpPacket(marker, payloadType, sequenceNumber, timestamp, ssrc, csrcs,
        extensionProfile, extension == null ? null : copyOf(extension), copyOf(payload),
        paddingLength);
  }

  /** The marker bit M; its meaning is the profile's (for audio, the first packet of a talkspurt). */
  public boolean marker() {
    return marker;
  }

  /** The payload type, 0..127. */
  public int payloadType() {
    return payloadType;
  }

  /** The sequence number, 0..65535. */
  public int sequenceNumber() {
    return sequenceNumber;
  }

  /** The RTP timestamp, 0..2<sup>32</sup>-1. */
  public long timestamp() {
    return timestamp;
  }

  /** The synchronization source identifier, 0..2<sup>32</sup>-1. */
  public long ssrc() {
    return ssrc;
  }

  /** The contributing sources, at most {@value #MAX_CSRCS}; an unmodifiable list. */
  public List<Long> csrcs() {
    List<Long> out = new ArrayList<>(csrcs.length);
    for (long c : csrcs) {
      out.add(c);
    }
    return Collections.unmodifiableList(out);
  }

  /** Whether the extension bit X is set (RFC 3550 5.3.1). */
  public boolean hasExtension() {
    return extension != null;
  }

  /** The extension's 16-bit "defined by profile" field; 0 when there is no extension. */
  public int extensionProfile() {
    return extensionProfile;
  }

  /**
   * The extension's data (a whole number of 32-bit words, without its 4-octet header) as a
   * read-only buffer of its own position and limit; empty when there is no extension.
   */
  public ByteBuffer extension() {
    return extension == null ? EMPTY.duplicate() : extension.duplicate();
  }

  /** The payload as a read-only buffer of its own position and limit; not a copy. */
  public ByteBuffer payload() {
    return payload.duplicate();
  }

  /** The payload's length in octets (without header and padding). */
  public int payloadLength() {
    return payload.remaining();
  }

  /** A copy of the payload. */
  public byte[] payloadBytes() {
    byte[] out = new byte[payload.remaining()];
    payload.duplicate().get(out);
    return out;
  }

  /** Whether the padding bit P is set. */
  public boolean hasPadding() {
    return paddingLength > 0;
  }

  /** Octets of padding including the count octet; 0 when P is not set. */
  public int paddingLength() {
    return paddingLength;
  }

  /** The length of this packet on the wire. */
  public int encodedLength() {
    int n = FIXED_HEADER_LENGTH + 4 * csrcs.length + payload.remaining() + paddingLength;
    return extension == null ? n : n + 4 + extension.remaining();
  }

  /** This packet as a new array of {@link #encodedLength()} octets. */
  public byte[] toBytes() {
    byte[] out = new byte[encodedLength()];
    writeTo(ByteBuffer.wrap(out));
    return out;
  }

  /**
   * Writes this packet at {@code dst}'s offset.
   *
   * @return the number of octets written, {@link #encodedLength()}
   * @throws IllegalArgumentException if the range from offset lies outside the array
   */
  public int writeTo(byte[] dst, int offset) {
    if (dst == null) {
      throw new IllegalArgumentException("dst is null");
    }
    checkRange(dst, offset, encodedLength());
    writeTo(ByteBuffer.wrap(dst, offset, encodedLength()));
    return encodedLength();
  }

  /**
   * Writes this packet at {@code dst}'s position and advances it.
   *
   * @throws IllegalArgumentException if {@code dst} has less room than {@link #encodedLength()}
   */
  public void writeTo(ByteBuffer dst) {
    if (dst == null) {
      throw new IllegalArgumentException("dst is null");
    }
    if (dst.remaining() < encodedLength()) {
      throw new IllegalArgumentException("dst has " + dst.remaining()
          + " octets remaining, the packet needs " + encodedLength());
    }
    dst.put((byte) ((VERSION << 6) | (paddingLength > 0 ? 0x20 : 0)
        | (extension != null ? 0x10 : 0) | csrcs.length));
    dst.put((byte) ((marker ? 0x80 : 0) | payloadType));
    dst.putShort((short) sequenceNumber);
    dst.putInt((int) timestamp);
    dst.putInt((int) ssrc);
    for (long c : csrcs) {
      dst.putInt((int) c);
    }
    if (extension != null) {
      dst.putShort((short) extensionProfile);
      dst.putShort((short) (extension.remaining() / 4));
      dst.put(extension.duplicate());
    }
    dst.put(payload.duplicate());
    if (paddingLength > 0) {
      for (int i = 1; i < paddingLength; i++) {
        dst.put((byte) 0);
      }
      dst.put((byte) paddingLength);
    }
  }

  /** Equal when every field, the extension's data and the payload's octets are equal. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RtpPacket)) {
      return false;
    }
    RtpPacket p = (RtpPacket) o;
    return marker == p.marker && payloadType == p.payloadType
        && sequenceNumber == p.sequenceNumber && timestamp == p.timestamp && ssrc == p.ssrc
        && Arrays.equals(csrcs, p.csrcs) && extensionProfile == p.extensionProfile
        && (extension == null ? p.extension == null : extension.equals(p.extension))
        && payload.equals(p.payload) && paddingLength == p.paddingLength;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(ssrc);
    h = 31 * h + sequenceNumber;
    h = 31 * h + Long.hashCode(timestamp);
    h = 31 * h + payloadType;
    return 31 * h + payload.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("RtpPacket{pt=").append(payloadType)
        .append(", seq=").append(sequenceNumber)
        .append(", ts=").append(timestamp)
        .append(", ssrc=").append(ssrc);
    if (marker) {
      s.append(", marker");
    }
    if (csrcs.length > 0) {
      s.append(", csrcs=").append(csrcs());
    }
    if (extension != null) {
      s.append(", extension=").append(extension.remaining()).append(" octets");
    }
    if (paddingLength > 0) {
      s.append(", padding=").append(paddingLength);
    }
    return s.append(", payload=").append(payload.remaining()).append(" octets}").toString();
  }

  private static ByteBuffer copyOf(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b.duplicate()).flip();
    return c.asReadOnlyBuffer();
  }

  static void checkRange(byte[] bytes, int offset, int length) {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes is null");
    }
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new IllegalArgumentException("offset " + offset + " and length " + length
          + " out of range for " + bytes.length + " octets");
    }
  }

  /**
   * Builds an {@link RtpPacket}; every setter checks its argument's range and throws an
   * {@link IllegalArgumentException} that names it. Not thread-safe.
   */
  public static final class Builder {
    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private long timestamp;
    private long ssrc;
    private List<Long> csrcs = new ArrayList<>();
    private int extensionProfile;
    private ByteBuffer extension;
    private ByteBuffer payload = EMPTY;
    private int paddingLength;

    private Builder() {
    }

    /** Sets the marker bit. */
    public Builder marker(boolean marker) {
      this.marker = marker;
      return this;
    }

    /** Sets the payload type, 0..127. */
    public Builder payloadType(int payloadType) {
      if (payloadType < 0 || payloadType > 127) {
        throw new IllegalArgumentException("payloadType out of range: " + payloadType);
      }
      this.payloadType = payloadType;
      return this;
    }

    /** Sets the sequence number, 0..65535. */
    public Builder sequenceNumber(int sequenceNumber) {
      if (sequenceNumber < 0 || sequenceNumber > 0xffff) {
        throw new IllegalArgumentException("sequenceNumber out of range: " + sequenceNumber);
      }
      this.sequenceNumber = sequenceNumber;
      return this;
    }

    /** Sets the timestamp, 0..2<sup>32</sup>-1. */
    public Builder timestamp(long timestamp) {
      this.timestamp = checkU32("timestamp", timestamp);
      return this;
    }

    /** Sets the SSRC, 0..2<sup>32</sup>-1. */
    public Builder ssrc(long ssrc) {
      this.ssrc = checkU32("ssrc", ssrc);
      return this;
    }

    /** Replaces the CSRC list: at most {@value RtpPacket#MAX_CSRCS}, each 0..2<sup>32</sup>-1. */
    public Builder csrcs(List<Long> csrcs) {
      if (csrcs == null) {
        throw new IllegalArgumentException("csrcs is null");
      }
      if (csrcs.size() > MAX_CSRCS) {
        throw new IllegalArgumentException("csrcs has " + csrcs.size() + " entries, at most "
            + MAX_CSRCS);
      }
      List<Long> copy = new ArrayList<>(csrcs.size());
      for (Long c : csrcs) {
        if (c == null) {
          throw new IllegalArgumentException("csrcs has a null entry");
        }
        copy.add(checkU32("csrc", c));
      }
      this.csrcs = copy;
      return this;
    }

    /**
     * Sets the header extension (RFC 3550 5.3.1): the 16-bit profile field and the data, whose
     * length must be a multiple of 4 and at most 65535 words. The data is kept, not copied.
     */
    public Builder extension(int profile, ByteBuffer data) {
      if (profile < 0 || profile > 0xffff) {
        throw new IllegalArgumentException("extension profile out of range: " + profile);
      }
      if (data == null) {
        throw new IllegalArgumentException("extension data is null");
      }
      if (data.remaining() % 4 != 0 || data.remaining() / 4 > 0xffff) {
        throw new IllegalArgumentException("extension data length not a multiple of 4 up to "
            + 4 * 0xffff + ": " + data.remaining());
      }
      this.extensionProfile = profile;
      this.extension = data.slice().asReadOnlyBuffer();
      return this;
    }

    /** Removes the header extension. */
    public Builder noExtension() {
      this.extensionProfile = 0;
      this.extension = null;
      return this;
    }

    /** Sets the payload to the whole array; the array is kept, not copied. */
    public Builder payload(byte[] payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload is null");
      }
      this.payload = ByteBuffer.wrap(payload).asReadOnlyBuffer();
      return this;
    }

    /** Sets the payload to the bytes between position and limit; kept, not copied. */
    public Builder payload(ByteBuffer payload) {
      if (payload == null) {
        throw new IllegalArgumentException("payload is null");
      }
      this.payload = payload.slice().asReadOnlyBuffer();
      return this;
    }

    /**
     * Sets the padding length including the count octet, 0..255; 0 means no padding (P clear).
     */
    public Builder paddingLength(int paddingLength) {
      if (paddingLength < 0 || paddingLength > 255) {
        throw new IllegalArgumentException("paddingLength out of range: " + paddingLength);
      }
      this.paddingLength = paddingLength;
      return this;
    }

    /** The packet. */
    public RtpPacket build() {
      long[] c = NO_CSRCS;
      if (!csrcs.isEmpty()) {
        c = new long[csrcs.size()];
        for (int i = 0; i < c.length; i++) {
          c[i] = csrcs.get(i);
        }
      }
      return new RtpPacket(marker, payloadType, sequenceNumber, timestamp, ssrc, c,
          extensionProfile, extension, payload, paddingLength);
    }
  }

  static long checkU32(String name, long value) {
    if (value < 0 || value > 0xffffffffL) {
      throw new IllegalArgumentException(name + " out of range: " + value);
    }
    return value;
  }
}
