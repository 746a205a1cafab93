package dev.parley.sdp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The third-party conformance corpus in {@code ../shared/conformance}, and SDP samples. */
final class Corpus {
  /** A description using every field and every typed attribute, conformant to RFC 8866. */
  static final String RICH = String.join("\r\n",
      "v=0",
      "o=alice 2890844526 2890842807 IN IP4 atlanta.example.com",
      "s=Everything",
      "i=A session using every field",
      "u=http://www.example.com/seminars/sdp.pdf",
      "e=j.doe@example.com (Jane Doe)",
      "e=alice@example.com",
      "p=+1 617 555-6011",
      "c=IN IP4 224.2.17.12/127/2",
      "b=CT:128",
      "b=AS:64",
      "t=2873397496 2873404696",
      "r=604800 3600 0 90000",
      "r=7d 1h 0 25h",
      "t=0 0",
      "z=2882844526 -1h 2898848070 0",
      "k=prompt",
      "a=recvonly",
      "a=tool:parley 0.1",
      "m=audio 49170/2 RTP/AVP 0 8 97 101",
      "i=voice",
      "c=IN IP6 FF15::101/3",
      "c=IN IP4 192.0.2.10",
      "b=TIAS:64000",
      "k=clear:secret",
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:97 opus/48000/2",
      "a=fmtp:97 minptime=10;useinbandfec=1",
      "a=rtpmap:101 telephone-event/8000",
      "a=fmtp:101 0-15",
      "a=ptime:20",
      "a=maxptime:40.5",
      "a=rtcp:53020 IN IP6 2001:db8::1",
      "a=sendonly",
      "a=x-unknown",
      "a=x-empty:",
      "m=video 0 RTP/SAVPF 96",
      "a=rtpmap:96 VP8/90000",
      "a=rtcp:9",
      "m=message 5060 sip sip:alice@atlanta.example.com",
      "c=IN IP4 192.0.2.20",
      "a=accept-types:text/plain",
      "m=message 7394 TCP/MSRP *",
      "c=IN IP4 192.0.2.21",
      "a=path:msrp://atlanta.example.com:7394/2s93i9ek2a;tcp",
      "m=application 9 UDP/TLS/RTP/SAVPF 100",
      "c=IN X25 some/where/odd",
      "a=inactive",
      "") ;

  private Corpus() {}

  /** The conformance directory: system property {@code parley.conformance.dir}, else known places. */
  static Path dir() {
    List<String> candidates = new ArrayList<>();
    String property = System.getProperty("parley.conformance.dir");
    if (property != null) {
      candidates.add(property);
    }
    candidates.add("../../shared/conformance");
    candidates.add("/work/shared/conformance");
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isDirectory(p.resolve("sdp"))) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("conformance corpus not found in " + candidates);
  }

  /** Every {@code sdp/**}{@code /*.sdp} file, sorted. */
  static List<Path> sdpFiles() {
    try (Stream<Path> s = Files.walk(dir().resolve("sdp"))) {
      return s.filter(p -> p.toString().endsWith(".sdp")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SIP message files whose Content-Type is application/sdp, sorted. */
  static List<Path> sipMessagesWithSdp() {
    Path d = dir();
    List<Path> out = new ArrayList<>();
    try {
      for (String sub : List.of("rfc4475", "rfc5118")) {
        try (Stream<Path> s = Files.list(d.resolve(sub))) {
          s.filter(p -> p.toString().endsWith(".dat")).forEach(out::add);
        }
      }
      try (Stream<Path> s = Files.walk(d.resolve("rfc3665"))) {
        s.filter(p -> p.getFileName().toString().matches("F\\d+\\.dat")).forEach(out::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Path> sdp = new ArrayList<>();
    for (Path p : out) {
      if (hasSdpContentType(read(p))) {
        sdp.add(p);
      }
    }
    sdp.sort(null);
    return sdp;
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A name like {@code rfc4475/sdp01.dat} relative to the corpus. */
  static String name(Path p) {
    return dir().relativize(p).toString().replace('\\', '/');
  }

  private static int headerEnd(byte[] msg) {
    for (int i = 0; i + 3 < msg.length; i++) {
      if (msg[i] == '\r' && msg[i + 1] == '\n' && msg[i + 2] == '\r' && msg[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  static boolean hasSdpContentType(byte[] msg) {
    int end = headerEnd(msg);
    if (end < 0) {
      return false;
    }
    String headers = new String(msg, 0, end, StandardCharsets.ISO_8859_1);
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      if ((name.equals("content-type") || name.equals("c"))
          && value.startsWith("application/sdp")) {
        return true;
      }
    }
    return false;
  }

  /** The bytes after the first empty line (CRLF CRLF), Content-Length ignored. */
  static byte[] body(byte[] msg) {
    int end = headerEnd(msg);
    return Arrays.copyOfRange(msg, end + 4, msg.length);
  }
}
