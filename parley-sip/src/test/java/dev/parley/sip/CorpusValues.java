package dev.parley.sip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The header values of the conformance corpus (RFC 4475, 5118 and 3665 messages that parse
 * leniently), as framing leaves them: what the wire grammars' tests hold both parse paths to.
 */
final class CorpusValues {
  private CorpusValues() {}

  /** {@code first}, then every value of one of {@code headers} in the corpus, in file order. */
  static List<String> of(List<String> first, List<? extends Header<?>> headers) {
    SipParser lenient = SipParser.builder().policy(CompliancePolicy.LENIENT).build();
    List<String> out = new ArrayList<>(first);
    for (String dir : List.of("rfc4475", "rfc5118", "rfc3665")) {
      try (Stream<Path> files = Files.walk(Corpus.dir().resolve(dir))) {
        for (Path p : files.filter(f -> f.toString().endsWith(".dat")).sorted().toList()) {
          SipMessage m;
          try {
            m = lenient.parse(Files.readAllBytes(p));
          } catch (SipParseException e) {
            continue;
          }
          Headers h = m.headers();
          for (int i = 0; i < h.size(); i++) {
            for (Header<?> f : headers) {
              if (f.name().equals(h.headerName(i))) {
                out.add(h.value(i));
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
