package dev.parley.sip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The third-party conformance corpus in {@code ../shared/conformance}, read-only. */
final class Corpus {
  private Corpus() {}

  static Path dir() {
    String prop = System.getProperty("parley.conformance.dir");
    List<Path> candidates = new ArrayList<>();
    if (prop != null) {
      candidates.add(Path.of(prop));
    }
    candidates.add(Path.of("../../shared/conformance"));
    candidates.add(Path.of("../shared/conformance"));
    for (Path p : candidates) {
      if (Files.isDirectory(p.resolve("rfc4475"))) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("conformance corpus not found; tried " + candidates
        + " (set -Dparley.conformance.dir)");
  }

  static byte[] read(String relative) {
    try {
      return Files.readAllBytes(dir().resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows of a TSV file, header row skipped, each split on tabs. */
  static List<String[]> tsv(String relative) {
    try {
      List<String> lines = Files.readAllLines(dir().resolve(relative), StandardCharsets.UTF_8);
      List<String[]> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          rows.add(line.split("\t", -1));
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
