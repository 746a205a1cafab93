package dev.parley.media;

import dev.parley.media.RtcpPacket.Bye;
import dev.parley.media.RtcpPacket.ReceiverReport;
import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtcpPacket.SourceDescription;
import dev.parley.media.internal.RtcpCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A compound RTCP packet (RFC 3550 section 6.1): the RTCP packets of one datagram, in order.
 *
 * <p>{@link #parse} applies the validity checks of appendix A.2 (version 2 in every packet, the
 * first packet an SR or RR, padding only on the last packet, the length fields adding up to the
 * datagram) and the checks of each packet type, and throws {@link MediaPacketException} for
 * anything else. Types it does not interpret (APP, RTPFB, PSFB, XR, unknown) are kept as
 * {@link RtcpPacket.Opaque} views of the datagram, not copies: the bytes must not change while
 * the packet is in use. RFC 5506 reduced-size RTCP (a compound not starting with SR or RR) is
 * refused.
 *
 * <p>{@link #of} builds a compound to send and enforces what 6.1 requires of every one: it starts
 * with an SR or RR and carries an SDES with a CNAME item. Immutable and thread-safe.
 */
public final class RtcpCompoundPacket {
  private final List<RtcpPacket> packets;

  private RtcpCompoundPacket(List<RtcpPacket> packets) {
    this.packets = packets;
  }

  /** Parses a whole array; see {@link #parse(ByteBuffer)}. */
  public static RtcpCompoundPacket parse(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes is null");
    }
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Parses {@code length} bytes of {@code bytes} from {@code offset}; see
   * {@link #parse(ByteBuffer)}.
   *
   * @throws IllegalArgumentException if the array is null or the range lies outside it
   */
  public static RtcpCompoundPacket parse(byte[] bytes, int offset, int length) {
    RtpPacket.checkRange(bytes, offset, length);
    return parse(ByteBuffer.wrap(bytes, offset, length));
  }

  /**
   * Parses the bytes between {@code buffer}'s position and limit as a compound RTCP packet,
   * without moving the position.
   *
   * @throws MediaPacketException if the bytes are not a valid compound packet
   * @throws IllegalArgumentException if {@code buffer} is null
   */
  public static RtcpCompoundPacket parse(ByteBuffer buffer) {
    if (buffer == null) {
      throw new IllegalArgumentException("buffer is null");
    }
    return new RtcpCompoundPacket(List.copyOf(RtcpCodec.parseCompound(buffer)));
  }

  /**
   * As {@link #parse(ByteBuffer)}, accepting a compound whose first packet is not a report
   * (RFC 5506 reduced-size RTCP; baresip sends an APP alone at call start and BYE with SDES and no
   * report at its end): what a receiver takes, where {@link #parse} checks RFC 3550 6.1 strictly.
   *
   * @throws MediaPacketException if the bytes are not valid RTCP packets
   * @throws IllegalArgumentException if {@code buffer} is null
   */
  public static RtcpCompoundPacket parseReducedSize(ByteBuffer buffer) {
    if (buffer == null) {
      throw new IllegalArgumentException("buffer is null");
    }
    return new RtcpCompoundPacket(List.copyOf(RtcpCodec.parseCompound(buffer, false)));
  }

  /** A compound to send; see {@link #of(List)}. */
  public static RtcpCompoundPacket of(RtcpPacket... packets) {
    if (packets == null) {
      throw new IllegalArgumentException("packets is null");
    }
    return of(List.of(packets));
  }

  /**
   * A compound to send, checked against RFC 3550 6.1: the first packet is an SR or RR, and an SDES
   * packet carries a CNAME item. A BYE, if any, should come last (6.6); that is not enforced.
   *
   * @throws IllegalArgumentException if {@code packets} is null, has a null entry, or breaks 6.1
   */
  public static RtcpCompoundPacket of(List<RtcpPacket> packets) {
    if (packets == null) {
      throw new IllegalArgumentException("packets is null");
    }
    List<RtcpPacket> copy = new ArrayList<>(packets.size());
    for (RtcpPacket p : packets) {
      if (p == null) {
        throw new IllegalArgumentException("packets has a null entry");
      }
      copy.add(p);
    }
    if (copy.isEmpty()
        || !(copy.get(0) instanceof SenderReport || copy.get(0) instanceof ReceiverReport)) {
      throw new IllegalArgumentException("packets must start with an SR or RR (RFC 3550 6.1): "
          + copy);
    }
    RtcpCompoundPacket compound = new RtcpCompoundPacket(List.copyOf(copy));
    if (compound.cname().isEmpty()) {
      throw new IllegalArgumentException("packets need an SDES with a CNAME (RFC 3550 6.1): "
          + copy);
    }
    return compound;
  }

  /** The packets, in wire order; an unmodifiable list. */
  public List<RtcpPacket> packets() {
    return packets;
  }

  /** The first packet if it is an SR. */
  public Optional<SenderReport> senderReport() {
    return packets.get(0) instanceof SenderReport sr ? Optional.of(sr) : Optional.empty();
  }

  /** Every report block of the compound's SR and RR packets, in wire order. */
  public List<RtcpReportBlock> reportBlocks() {
    List<RtcpReportBlock> out = new ArrayList<>();
    for (RtcpPacket p : packets) {
      if (p instanceof SenderReport sr) {
        out.addAll(sr.reportBlocks());
      } else if (p instanceof ReceiverReport rr) {
        out.addAll(rr.reportBlocks());
      }
    }
    return List.copyOf(out);
  }

  /** The first CNAME item of the compound's SDES packets. */
  public Optional<String> cname() {
    for (RtcpPacket p : packets) {
      if (p instanceof SourceDescription sdes) {
        for (SourceDescription.Chunk c : sdes.chunks()) {
          Optional<String> cname = c.cname();
          if (cname.isPresent()) {
            return cname;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The compound's BYE packet, if any. */
  public Optional<Bye> bye() {
    for (RtcpPacket p : packets) {
      if (p instanceof Bye bye) {
        return Optional.of(bye);
      }
    }
    return Optional.empty();
  }

  /** The length of the compound on the wire. */
  public int encodedLength() {
    int n = 0;
    for (RtcpPacket p : packets) {
      n += p.encodedLength();
    }
    return n;
  }

  /** The compound as a new array of {@link #encodedLength()} octets. */
  public byte[] toBytes() {
    byte[] out = new byte[encodedLength()];
    writeTo(ByteBuffer.wrap(out));
    return out;
  }

  /**
   * Writes the compound at {@code dst}'s position and advances it; no padding is added.
   *
   * @throws IllegalArgumentException if {@code dst} has less room than {@link #encodedLength()}
   */
  public void writeTo(ByteBuffer dst) {
    if (dst == null) {
      throw new IllegalArgumentException("dst is null");
    }
    if (dst.remaining() < encodedLength()) {
      throw new IllegalArgumentException("dst has " + dst.remaining()
          + " octets remaining, the compound needs " + encodedLength());
    }
    for (RtcpPacket p : packets) {
      RtcpCodec.write(p, dst);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RtcpCompoundPacket c && packets.equals(c.packets);
  }

  @Override
  public int hashCode() {
    return packets.hashCode();
  }

  @Override
  public String toString() {
    return "RtcpCompoundPacket" + packets;
  }
}
