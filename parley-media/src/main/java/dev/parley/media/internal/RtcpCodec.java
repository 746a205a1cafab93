package dev.parley.media.internal;

import dev.parley.media.MediaPacketException;
import dev.parley.media.MediaPacketException.Reason;
import dev.parley.media.RtcpPacket;
import dev.parley.media.RtcpPacket.Bye;
import dev.parley.media.RtcpPacket.Opaque;
import dev.parley.media.RtcpPacket.ReceiverReport;
import dev.parley.media.RtcpPacket.SenderReport;
import dev.parley.media.RtcpPacket.SourceDescription;
import dev.parley.media.RtcpReportBlock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the RTCP packets of RFC 3550 section 6.4 to 6.6 and the compound of 6.1, with
 * the validity checks of appendix A.2. Every read is bounds-checked against the packet's own
 * length field first, so bad bytes end in a {@link MediaPacketException} and nothing else.
 * Stateless and thread-safe.
 */
public final class RtcpCodec {
  private static final int HEADER = 4;

  private RtcpCodec() {
  }

  /**
   * Parses a compound packet: the bytes between {@code b}'s position and limit.
   *
   * @throws MediaPacketException if the bytes are not a valid compound
   */
  public static List<RtcpPacket> parseCompound(ByteBuffer buffer) {
    return parseCompound(buffer, true);
  }

  /**
   * As {@link #parseCompound(ByteBuffer)}; with {@code reportFirst} false a compound may start
   * with any packet type (RFC 5506's reduced-size RTCP, and peers that send an APP or a BYE
   * alone).
   */
  public static List<RtcpPacket> parseCompound(ByteBuffer buffer, boolean reportFirst) {
    ByteBuffer b = buffer.slice();
    int end = b.remaining();
    if (end < HEADER) {
      throw new MediaPacketException(Reason.TOO_SHORT,
          end + " octets, an RTCP header has " + HEADER);
    }
    List<RtcpPacket> out = new ArrayList<>();
    int pos = 0;
    while (pos < end) {
      if (end - pos < HEADER) {
        throw new MediaPacketException(Reason.BAD_LENGTH,
            (end - pos) + " octets left at " + pos + ", too few for a header");
      }
      int first = b.get(pos) & 0xff;
      int version = first >>> 6;
      if (version != 2) {
        throw new MediaPacketException(Reason.BAD_VERSION, "version " + version + " at " + pos);
      }
      int count = first & 0x1f;
      int type = b.get(pos + 1) & 0xff;
      if (reportFirst && pos == 0 && type != RtcpPacket.SR && type != RtcpPacket.RR) {
        throw new MediaPacketException(Reason.NOT_REPORT_FIRST, "first packet type " + type);
      }
      int length = 4 * ((b.getShort(pos + 2) & 0xffff) + 1);
      if (length > end - pos) {
        throw new MediaPacketException(Reason.BAD_LENGTH, "packet at " + pos + " of " + length
            + " octets runs past the end at " + end);
      }
      int bodyEnd = pos + length;
      if ((first & 0x20) != 0) {
        if (bodyEnd != end) {
          throw new MediaPacketException(Reason.BAD_PADDING,
              "padding on the packet at " + pos + ", which is not the last of the compound");
        }
        int padding = b.get(bodyEnd - 1) & 0xff;
        if (padding == 0 || padding > length - HEADER) {
          throw new MediaPacketException(Reason.BAD_PADDING, "padding count " + padding
              + " in a packet of " + length + " octets");
        }
        bodyEnd -= padding;
      }
      out.add(parseOne(b, type, count, pos + HEADER, bodyEnd));
      pos += length;
    }
    return out;
  }

  private static RtcpPacket parseOne(ByteBuffer b, int type, int count, int from, int to) {
    switch (type) {
      case RtcpPacket.SR:
        return parseSenderReport(b, count, from, to);
      case RtcpPacket.RR:
        return parseReceiverReport(b, count, from, to);
      case RtcpPacket.SDES:
        return parseSourceDescription(b, count, from, to);
      case RtcpPacket.BYE:
        return parseBye(b, count, from, to);
      default:
        // A padded body need not be a whole number of words; the opaque body keeps whole words.
        return new Opaque(type, count, b.slice(from, (to - from) & ~3));
    }
  }

  private static SenderReport parseSenderReport(ByteBuffer b, int count, int from, int to) {
    int need = 24 + RtcpReportBlock.LENGTH * count;
    if (to - from < need) {
      throw new MediaPacketException(Reason.BAD_REPORT, "SR with " + count + " blocks needs "
          + need + " octets of body, has " + (to - from));
    }
    return new SenderReport(u32(b, from), b.getLong(from + 4), u32(b, from + 12),
        u32(b, from + 16), u32(b, from + 20), blocks(b, count, from + 24));
  }

  private static ReceiverReport parseReceiverReport(ByteBuffer b, int count, int from, int to) {
    int need = 4 + RtcpReportBlock.LENGTH * count;
    if (to - from < need) {
      throw new MediaPacketException(Reason.BAD_REPORT, "RR with " + count + " blocks needs "
          + need + " octets of body, has " + (to - from));
    }
    return new ReceiverReport(u32(b, from), blocks(b, count, from + 4));
  }

  private static List<RtcpReportBlock> blocks(ByteBuffer b, int count, int from) {
    List<RtcpReportBlock> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int p = from + RtcpReportBlock.LENGTH * i;
      int lost = b.getInt(p + 4);
      int cumulative = (lost << 8) >> 8; // sign-extend the low 24 bits
      out.add(new RtcpReportBlock(u32(b, p), (lost >>> 24) & 0xff, cumulative, u32(b, p + 8),
          u32(b, p + 12), u32(b, p + 16), u32(b, p + 20)));
    }
    return out;
  }

  /*
   * RFC 3550 6.5: chunk = SSRC/CSRC, then items (type, length, text), then a null octet and
   * padding to the next 32-bit boundary, counted from the start of the chunk.
   */
  private static SourceDescription parseSourceDescription(ByteBuffer b, int count, int from,
      int to) {
    List<SourceDescription.Chunk> chunks = new ArrayList<>(count);
    int pos = from;
    for (int c = 0; c < count; c++) {
      if (to - pos < 4) {
        throw new MediaPacketException(Reason.BAD_SDES, "chunk " + c + " of " + count
            + " has no room for its SSRC");
      }
      long ssrc = u32(b, pos);
      pos += 4;
      List<SourceDescription.Item> items = new ArrayList<>();
      while (true) {
        if (pos >= to) {
          throw new MediaPacketException(Reason.BAD_SDES, "chunk " + c + " has no end octet");
        }
        int type = b.get(pos) & 0xff;
        if (type == 0) {
          pos = (pos + 4) & ~3; // the null octet and padding to the next word
          break;
        }
        if (to - pos < 2) {
          throw new MediaPacketException(Reason.BAD_SDES, "item at " + pos + " has no length");
        }
        int length = b.get(pos + 1) & 0xff;
        if (to - pos - 2 < length) {
          throw new MediaPacketException(Reason.BAD_SDES, "item at " + pos + " of " + length
              + " octets runs past its packet");
        }
        items.add(new SourceDescription.Item(type, text(b, pos + 2, length)));
        pos += 2 + length;
      }
      if (pos > to) {
        throw new MediaPacketException(Reason.BAD_SDES, "chunk " + c + " padding runs past "
            + "its packet");
      }
      chunks.add(new SourceDescription.Chunk(ssrc, items));
    }
    return new SourceDescription(chunks);
  }

  private static Bye parseBye(ByteBuffer b, int count, int from, int to) {
    if (to - from < 4 * count) {
      throw new MediaPacketException(Reason.BAD_BYE, "BYE with " + count + " sources needs "
          + 4 * count + " octets of body, has " + (to - from));
    }
    List<Long> ssrcs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ssrcs.add(u32(b, from + 4 * i));
    }
    int pos = from + 4 * count;
    String reason = "";
    if (pos < to) {
      int length = b.get(pos) & 0xff;
      if (to - pos - 1 < length) {
        throw new MediaPacketException(Reason.BAD_BYE, "reason of " + length
            + " octets runs past its packet");
      }
      reason = text(b, pos + 1, length);
    }
    return new Bye(ssrcs, reason);
  }

  /** The length of {@code p} on the wire, a multiple of 4. */
  public static int length(RtcpPacket p) {
    if (p instanceof SenderReport sr) {
      return HEADER + 24 + RtcpReportBlock.LENGTH * sr.reportBlocks().size();
    } else if (p instanceof ReceiverReport rr) {
      return HEADER + 4 + RtcpReportBlock.LENGTH * rr.reportBlocks().size();
    } else if (p instanceof SourceDescription sdes) {
      int n = HEADER;
      for (SourceDescription.Chunk c : sdes.chunks()) {
        n += chunkLength(c);
      }
      return n;
    } else if (p instanceof Bye bye) {
      int n = HEADER + 4 * bye.ssrcs().size();
      int reason = utf8(bye.reason()).length;
      return reason == 0 ? n : n + ((1 + reason + 3) & ~3);
    } else {
      return HEADER + ((Opaque) p).body().remaining();
    }
  }

  private static int chunkLength(SourceDescription.Chunk c) {
    int items = 0;
    for (SourceDescription.Item i : c.items()) {
      items += 2 + utf8(i.text()).length;
    }
    return 4 + ((items + 4) & ~3); // at least one null octet, then padding to a word
  }

  /** Writes {@code p} at {@code dst}'s position, which must have room for {@link #length}. */
  public static void write(RtcpPacket p, ByteBuffer dst) {
    int length = length(p);
    int start = dst.position();
    int count;
    if (p instanceof SenderReport sr) {
      count = sr.reportBlocks().size();
    } else if (p instanceof ReceiverReport rr) {
      count = rr.reportBlocks().size();
    } else if (p instanceof SourceDescription sdes) {
      count = sdes.chunks().size();
    } else if (p instanceof Bye bye) {
      count = bye.ssrcs().size();
    } else {
      count = ((Opaque) p).count();
    }
    dst.put((byte) (0x80 | count));
    dst.put((byte) p.packetType());
    dst.putShort((short) (length / 4 - 1));
    if (p instanceof SenderReport sr) {
      dst.putInt((int) sr.ssrc());
      dst.putLong(sr.ntpTimestamp());
      dst.putInt((int) sr.rtpTimestamp());
      dst.putInt((int) sr.packetCount());
      dst.putInt((int) sr.octetCount());
      writeBlocks(sr.reportBlocks(), dst);
    } else if (p instanceof ReceiverReport rr) {
      dst.putInt((int) rr.ssrc());
      writeBlocks(rr.reportBlocks(), dst);
    } else if (p instanceof SourceDescription sdes) {
      for (SourceDescription.Chunk c : sdes.chunks()) {
        int chunkEnd = dst.position() + chunkLength(c);
        dst.putInt((int) c.ssrc());
        for (SourceDescription.Item i : c.items()) {
          byte[] text = utf8(i.text());
          dst.put((byte) i.type());
          dst.put((byte) text.length);
          dst.put(text);
        }
        zeros(dst, chunkEnd);
      }
    } else if (p instanceof Bye bye) {
      for (long s : bye.ssrcs()) {
        dst.putInt((int) s);
      }
      byte[] reason = utf8(bye.reason());
      if (reason.length > 0) {
        dst.put((byte) reason.length);
        dst.put(reason);
      }
    } else {
      dst.put(((Opaque) p).body());
    }
    zeros(dst, start + length);
  }

  private static void writeBlocks(List<RtcpReportBlock> blocks, ByteBuffer dst) {
    for (RtcpReportBlock r : blocks) {
      dst.putInt((int) r.ssrc());
      dst.putInt((r.fractionLost() << 24) | (r.cumulativeLost() & 0xffffff));
      dst.putInt((int) r.extendedHighestSequence());
      dst.putInt((int) r.jitter());
      dst.putInt((int) r.lastSenderReport());
      dst.putInt((int) r.delaySinceLastSenderReport());
    }
  }

  private static void zeros(ByteBuffer dst, int until) {
    while (dst.position() < until) {
      dst.put((byte) 0);
    }
  }

  private static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xffffffffL;
  }

  /**
   * Text of an SDES item or BYE reason: UTF-8 (6.5), where octets that are not UTF-8 become
   * U+FFFD rather than failing the compound (its reports still count); the text is then cut so
   * that it encodes again in at most 255 octets.
   */
  private static String text(ByteBuffer b, int at, int length) {
    byte[] bytes = new byte[length];
    b.get(at, bytes);
    String s = new String(bytes, StandardCharsets.UTF_8);
    while (utf8(s).length > 255) {
      s = s.substring(0, s.offsetByCodePoints(s.length(), -1));
    }
    return s;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
