package dev.parley.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decoders for the RDATA of the DNS records server location reads: NAPTR (RFC 3403 §4.1), SRV
 * (RFC 2782), A and AAAA. A record whose RDATA is malformed throws {@link IllegalArgumentException};
 * the caller skips it.
 *
 * <p>Domain names are decoded from a duplicate of the record's content, which Netty slices out of
 * the whole message: a compression pointer (not allowed in SRV and NAPTR RDATA, yet sent by some
 * servers) still resolves.
 */
public final class DnsRecords {
  private DnsRecords() {}

  /**
   * A NAPTR record (RFC 3403 §4.1); for SIP, RFC 3263 §4.1 uses flag {@code S}, services such as
   * {@code SIP+D2U}, an empty regexp and a replacement naming the SRV record to look up.
   *
   * @param order lower first
   * @param preference lower first among equal orders
   * @param flags the flags, as sent (e.g. {@code "S"})
   * @param services the service field, as sent (e.g. {@code "SIPS+D2T"})
   * @param regexp the substitution expression, usually empty for SIP
   * @param replacement the next name to look up, without trailing dot; empty for the root
   */
  public record Naptr(int order, int preference, String flags, String services, String regexp,
      String replacement) {}

  /**
   * An SRV record (RFC 2782).
   *
   * @param priority lower first
   * @param weight relative share among equal priorities
   * @param port the port of the service on the target
   * @param target the host, without trailing dot; empty for "." (service not offered)
   */
  public record Srv(int priority, int weight, int port, String target) {}

  /**
   * <pre>
   *   ORDER (16) PREFERENCE (16) FLAGS (character-string) SERVICES (character-string)
   *   REGEXP (character-string) REPLACEMENT (domain-name)
   * </pre>
   */
  public static Naptr decodeNaptr(DnsRawRecord record) {
    ByteBuf in = record.content().duplicate();
    try {
      int order = in.readUnsignedShort();
      int preference = in.readUnsignedShort();
      String flags = readCharacterString(in);
      String services = readCharacterString(in);
      String regexp = readCharacterString(in);
      String replacement = readName(in);
      return new Naptr(order, preference, flags, services, regexp, replacement);
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated NAPTR record for " + record.name(), e);
    }
  }

  /** <pre>  PRIORITY (16) WEIGHT (16) PORT (16) TARGET (domain-name)</pre> */
  public static Srv decodeSrv(DnsRawRecord record) {
    ByteBuf in = record.content().duplicate();
    try {
      int priority = in.readUnsignedShort();
      int weight = in.readUnsignedShort();
      int port = in.readUnsignedShort();
      String target = readName(in);
      return new Srv(priority, weight, port, target);
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated SRV record for " + record.name(), e);
    }
  }

  /** The address of an A (4 bytes) or AAAA (16 bytes) record, without a host name. */
  public static InetAddress decodeAddress(DnsRawRecord record) {
    int expected = record.type() == DnsRecordType.A ? 4 : 16;
    ByteBuf in = record.content();
    if (in.readableBytes() != expected) {
      throw new IllegalArgumentException(record.type().name() + " record for " + record.name()
          + " has " + in.readableBytes() + " bytes, not " + expected);
    }
    byte[] bytes = new byte[expected];
    in.getBytes(in.readerIndex(), bytes);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bad address in " + record.name(), e);
    }
  }

  /** The target name of a CNAME record (Netty gives its RDATA decompressed). */
  public static String decodeCname(DnsRawRecord record) {
    return readName(record.content().duplicate());
  }

  /** A name as server location compares them: lower case, no trailing dot, "" for the root. */
  public static String normalise(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** {@code <character-string>}: a length byte and that many bytes (RFC 1035 §3.3). */
  private static String readCharacterString(ByteBuf in) {
    int length = in.readUnsignedByte();
    String s = in.toString(in.readerIndex(), length, StandardCharsets.US_ASCII);
    in.skipBytes(length);
    return s;
  }

  private static String readName(ByteBuf in) {
    if (!in.isReadable()) {
      throw new IndexOutOfBoundsException("domain name missing");
    }
    return normalise(DefaultDnsRecordDecoder.decodeName(in));
  }
}
