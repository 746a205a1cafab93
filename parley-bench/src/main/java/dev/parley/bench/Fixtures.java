package dev.parley.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The wire messages the parsing benchmark reads: {@code src/main/resources/messages/<name>.sip}, CRLF
 * line ends and an exact Content-Length.
 *
 * <p>Thread-safe: every call returns a fresh copy of the bytes.
 */
final class Fixtures {

  /** The fixture names, in the order the summary prints them. */
  static final List<String> NAMES = List.of("invite", "register", "ok200", "message");

  private Fixtures() {}

  /**
   * Returns the bytes of the fixture {@code name}.
   *
   * @throws IllegalArgumentException if there is no such fixture
   */
  static byte[] load(String name) {
    String resource = "/messages/" + name + ".sip";
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no such fixture: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
