package dev.parley.media;

import dev.parley.media.internal.RtcpCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One RTCP packet of a compound (RFC 3550 section 6.4 to 6.6): a {@link SenderReport}, a
 * {@link ReceiverReport}, a {@link SourceDescription}, a {@link Bye}, or an {@link Opaque} packet
 * of a type this layer does not interpret (APP 204, RTPFB 205, PSFB 206, XR 207, ...), kept as
 * its bytes.
 *
 * <p>Packets are immutable values (records) whose canonical constructors check every field and
 * throw an {@link IllegalArgumentException} naming it. They are read from and written to the
 * wire only as parts of an {@link RtcpCompoundPacket}, because RFC 3550 section 6.1 makes the
 * compound the unit of transmission.
 */
public sealed interface RtcpPacket {
  /** Packet type of a sender report. */
  int SR = 200;
  /** Packet type of a receiver report. */
  int RR = 201;
  /** Packet type of a source description. */
  int SDES = 202;
  /** Packet type of a goodbye. */
  int BYE = 203;
  /** Packet type of an application-defined packet (kept {@link Opaque}). */
  int APP = 204;
  /** Most report blocks, SDES chunks or BYE sources in one packet: the 5-bit count field. */
  int MAX_COUNT = 31;

  /** The packet type (PT), 200 for SR and so on. */
  int packetType();

  /** The length of this packet on the wire, a multiple of 4. */
  default int encodedLength() {
    return RtcpCodec.length(this);
  }

  /** Whether a whole array is RTCP rather than RTP; see {@link #isRtcp(ByteBuffer)}. */
  static boolean isRtcp(byte[] bytes, int offset, int length) {
    RtpPacket.checkRange(bytes, offset, length);
    return length >= 2 && isRtcpType(bytes[offset + 1] & 0xff);
  }

  /**
   * Whether the datagram between {@code buffer}'s position and limit is RTCP rather than RTP, for
   * rtcp-mux (RFC 5761 section 4): its second octet is 192..223, the RTCP packet types that no RTP
   * payload type with or without the marker bit collides with once payload types 64..95 are kept
   * free. Datagrams shorter than 2 octets are not RTCP. Does not move the position.
   */
  static boolean isRtcp(ByteBuffer buffer) {
    if (buffer == null) {
      throw new IllegalArgumentException("buffer is null");
    }
    return buffer.remaining() >= 2 && isRtcpType(buffer.get(buffer.position() + 1) & 0xff);
  }

  private static boolean isRtcpType(int secondOctet) {
    return secondOctet >= 192 && secondOctet <= 223;
  }

  /**
   * A sender report, SR (RFC 3550 6.4.1): the sender's information and up to 31 report blocks.
   * A profile-specific extension after the blocks is not kept.
   *
   * @param ssrc the sender, 0..2<sup>32</sup>-1
   * @param ntpTimestamp the wallclock time of the report as a 64-bit NTP timestamp ({@link NtpTime})
   * @param rtpTimestamp the same instant in the sender's RTP timestamp units, 0..2<sup>32</sup>-1
   * @param packetCount RTP packets sent since starting, modulo 2<sup>32</sup>
   * @param octetCount RTP payload octets sent since starting, modulo 2<sup>32</sup>
   * @param reportBlocks what the sender received, at most {@value #MAX_COUNT}
   */
  record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount,
      long octetCount, List<RtcpReportBlock> reportBlocks) implements RtcpPacket {
    /** Checks the fields and copies the list. */
    public SenderReport {
      RtpPacket.checkU32("ssrc", ssrc);
      RtpPacket.checkU32("rtpTimestamp", rtpTimestamp);
      RtpPacket.checkU32("packetCount", packetCount);
      RtpPacket.checkU32("octetCount", octetCount);
      reportBlocks = checkBlocks(reportBlocks);
    }

    @Override
    public int packetType() {
      return SR;
    }
  }

  /**
   * A receiver report, RR (RFC 3550 6.4.2): the reporter's SSRC and up to 31 report blocks.
   *
   * @param ssrc the reporter, 0..2<sup>32</sup>-1
   * @param reportBlocks what the reporter received, at most {@value #MAX_COUNT}
   */
  record ReceiverReport(long ssrc, List<RtcpReportBlock> reportBlocks) implements RtcpPacket {
    /** Checks the fields and copies the list. */
    public ReceiverReport {
      RtpPacket.checkU32("ssrc", ssrc);
      reportBlocks = checkBlocks(reportBlocks);
    }

    @Override
    public int packetType() {
      return RR;
    }
  }

  /**
   * A source description, SDES (RFC 3550 6.5): up to 31 chunks, each the items of one source.
   *
   * @param chunks the chunks, at most {@value #MAX_COUNT}
   */
  record SourceDescription(List<Chunk> chunks) implements RtcpPacket {
    /** Item type of the canonical name (6.5.1). */
    public static final int CNAME = 1;
    /** Item type of the user name (6.5.2). */
    public static final int NAME = 2;
    /** Item type of the tool (6.5.6). */
    public static final int TOOL = 6;

    /** Checks the count and copies the list. */
    public SourceDescription {
      if (chunks == null) {
        throw new IllegalArgumentException("chunks is null");
      }
      if (chunks.size() > MAX_COUNT) {
        throw new IllegalArgumentException("chunks has " + chunks.size() + " entries, at most "
            + MAX_COUNT);
      }
      chunks = List.copyOf(chunks);
    }

    /** An SDES with one chunk: the CNAME of {@code ssrc}, as every compound needs (6.1). */
    public static SourceDescription ofCname(long ssrc, String cname) {
      return new SourceDescription(List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
    }

    @Override
    public int packetType() {
      return SDES;
    }

    /**
     * The items describing one source.
     *
     * @param ssrc the source, 0..2<sup>32</sup>-1
     * @param items its items, in wire order
     */
    public record Chunk(long ssrc, List<Item> items) {
      /** Checks the fields and copies the list. */
      public Chunk {
        RtpPacket.checkU32("ssrc", ssrc);
        if (items == null) {
          throw new IllegalArgumentException("items is null");
        }
        items = List.copyOf(items);
      }

      /** The text of this chunk's first CNAME item, if it has one. */
      public Optional<String> cname() {
        for (Item i : items) {
          if (i.type() == CNAME) {
            return Optional.of(i.text());
          }
        }
        return Optional.empty();
      }
    }

    /**
     * One SDES item. Its text is UTF-8 on the wire (6.5), at most 255 octets; octets that are not
     * UTF-8 are read as U+FFFD.
     *
     * @param type the item type, 1..255 (0 ends a chunk's list and is not an item)
     * @param text the item's text
     */
    public record Item(int type, String text) {
      /** Checks the type and the encoded length. */
      public Item {
        if (type < 1 || type > 255) {
          throw new IllegalArgumentException("type out of range: " + type);
        }
        if (text == null) {
          throw new IllegalArgumentException("text is null");
        }
        int octets = text.getBytes(StandardCharsets.UTF_8).length;
        if (octets > 255) {
          throw new IllegalArgumentException("text has " + octets + " octets, at most 255");
        }
      }
    }
  }

  /**
   * A goodbye, BYE (RFC 3550 6.6): the sources leaving and an optional reason.
   *
   * @param ssrcs the sources leaving, at most {@value #MAX_COUNT}
   * @param reason why, UTF-8 of at most 255 octets; empty for no reason
   */
  record Bye(List<Long> ssrcs, String reason) implements RtcpPacket {
    /** Checks the fields and copies the list. */
    public Bye {
      if (ssrcs == null) {
        throw new IllegalArgumentException("ssrcs is null");
      }
      if (ssrcs.size() > MAX_COUNT) {
        throw new IllegalArgumentException("ssrcs has " + ssrcs.size() + " entries, at most "
            + MAX_COUNT);
      }
      for (Long s : ssrcs) {
        if (s == null) {
          throw new IllegalArgumentException("ssrcs has a null entry");
        }
        RtpPacket.checkU32("ssrc", s);
      }
      ssrcs = List.copyOf(ssrcs);
      if (reason == null) {
        throw new IllegalArgumentException("reason is null");
      }
      int octets = reason.getBytes(StandardCharsets.UTF_8).length;
      if (octets > 255) {
        throw new IllegalArgumentException("reason has " + octets + " octets, at most 255");
      }
    }

    @Override
    public int packetType() {
      return BYE;
    }
  }

  /**
   * A packet of a type not interpreted here (APP, RTPFB, PSFB, XR, or an unknown type), kept so
   * that it can be passed on or written back unchanged.
   *
   * @param packetType the packet type, 0..255 but not SR, RR, SDES or BYE
   * @param count the 5-bit field after P (a count or, for feedback, the FMT), 0..31
   * @param body the octets after the 4-octet header, without padding; a read-only buffer whose
   *     length is a multiple of 4
   */
  record Opaque(int packetType, int count, ByteBuffer body) implements RtcpPacket {
    /** Checks the fields and keeps a read-only view of the body (not a copy). */
    public Opaque {
      if (packetType < 0 || packetType > 255 || (packetType >= SR && packetType <= BYE)) {
        throw new IllegalArgumentException("packetType out of range: " + packetType);
      }
      if (count < 0 || count > MAX_COUNT) {
        throw new IllegalArgumentException("count out of range: " + count);
      }
      if (body == null) {
        throw new IllegalArgumentException("body is null");
      }
      if (body.remaining() % 4 != 0 || body.remaining() > 4 * 0xffff) {
        throw new IllegalArgumentException("body length not a multiple of 4 up to "
            + 4 * 0xffff + ": " + body.remaining());
      }
      body = body.slice().asReadOnlyBuffer();
    }

    /** The body, read-only, with a position and limit of its own. */
    @Override
    public ByteBuffer body() {
      return body.duplicate();
    }
  }

  private static List<RtcpReportBlock> checkBlocks(List<RtcpReportBlock> blocks) {
    if (blocks == null) {
      throw new IllegalArgumentException("reportBlocks is null");
    }
    if (blocks.size() > MAX_COUNT) {
      throw new IllegalArgumentException("reportBlocks has " + blocks.size()
          + " entries, at most " + MAX_COUNT);
    }
    List<RtcpReportBlock> copy = new ArrayList<>(blocks.size());
    for (RtcpReportBlock b : blocks) {
      if (b == null) {
        throw new IllegalArgumentException("reportBlocks has a null entry");
      }
      copy.add(b);
    }
    return List.copyOf(copy);
  }
}
