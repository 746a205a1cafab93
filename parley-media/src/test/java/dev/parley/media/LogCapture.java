package dev.parley.media;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The log lines written while it is open: slf4j-simple, the tests' SLF4J binding, writes each
 * line to whatever {@link System#err} is when it logs (its default {@code System.err} target is
 * not cached), so this replaces {@code System.err} with a stream that keeps every line and still
 * passes it on, and puts the original back on {@link #close()}. Test classes of a module run one
 * after the other in one JVM: a capture sees every thread's lines, so tests pick theirs by what
 * they name (a stream's address, an SSRC).
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private LogCapture() {
    this.original = System.err;
  }

  /** Starts capturing. */
  static LogCapture start() {
    LogCapture capture = new LogCapture();
    System.setErr(new PrintStream(capture.new Tee(), true, StandardCharsets.UTF_8));
    return capture;
  }

  /** The complete lines captured so far that satisfy {@code p}. */
  List<String> lines(Predicate<String> p) {
    return lines.stream().filter(p).toList();
  }

  /** The complete lines captured so far that contain {@code text}. */
  List<String> linesContaining(String text) {
    return lines(l -> l.contains(text));
  }

  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }

  /** Splits what is written into lines and passes every byte on to the original stream. */
  private final class Tee extends OutputStream {
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      original.write(b);
      collect(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      for (int i = off; i < off + len; i++) {
        collect(b[i]);
      }
    }

    private void collect(int b) {
      if (b == '\n') {
        String line = partial.toString(StandardCharsets.UTF_8);
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        partial.reset();
      } else {
        partial.write(b);
      }
    }

    @Override
    public void flush() {
      original.flush();
    }
  }
}
