package dev.parley.client;

import dev.parley.transport.Transport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SIP messages of one session, in and out, with time, direction and addresses: what
 * {@link Session#trace()} returns, printable as a ladder diagram and savable to a file that
 * {@link #read(Path)} (and the {@code parley trace} command) loads back. Immutable and thread-safe.
 *
 * <pre>{@code
 * System.out.println(session.trace().ladder());
 * }</pre>
 * prints
 * <pre>
 *  #  time(s)  127.0.0.1:40312          127.0.0.1:40314
 *  1  0.000    |---------INVITE-------->|
 *  2  0.001    |&lt;------100 Trying-------|
 *  3  0.003    |&lt;-----180 Ringing-------|
 *  4  0.950    |&lt;---------200 OK--------|
 *  5  0.951    |----------ACK---------->|
 *  6  4.120    |--------MESSAGE-------->|
 *  7  4.122    |&lt;---200 OK (MESSAGE)----|
 * </pre>
 * </pre>
 *
 * <p><b>File format</b> ({@code parley-trace/1}, stable): the line {@code parley-trace/1}, then per
 * message one header line
 * {@code message <n> <ISO-8601 instant> <SENT|RECEIVED> <transport> <local host:port> <remote host:port> <length>},
 * then exactly {@code <length>} bytes of the message as it crossed the wire, then one {@code \n}.
 * Header lines are ASCII and end with {@code \n}; IPv6 hosts are bracketed. Readers ignore lines
 * starting with {@code #} between messages.
 */
public final class SessionTrace {
  /** The first line of the file format. */
  public static final String FORMAT = "parley-trace/1";

  /** Whether a message was sent or received by this side. */
  public enum Direction {
    /** Sent by the local endpoint. */
    SENT,
    /** Received by the local endpoint. */
    RECEIVED
  }

  /**
   * One SIP message as it crossed the wire.
   *
   * @param time when it was sent or received (wall clock)
   * @param direction sent or received
   * @param transport the transport
   * @param local the local address
   * @param remote the remote address
   * @param bytes the message exactly as on the wire (do not modify)
   */
  public record Message(Instant time, Direction direction, Transport transport,
      InetSocketAddress local, InetSocketAddress remote, byte[] bytes) {
    /** Validates the parts. */
    public Message {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(remote, "remote");
      Objects.requireNonNull(bytes, "bytes");
    }

    /** The start line, e.g. {@code INVITE sip:bob@192.0.2.7 SIP/2.0} or {@code SIP/2.0 180 Ringing}. */
    public String startLine() {
      int end = 0;
      while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
        end++;
      }
      return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Whether it is a request. */
    public boolean isRequest() {
      return !startLine().startsWith("SIP/");
    }

    /**
     * The arrow label: the method of a request ({@code INVITE}), the status and reason of a
     * response ({@code 180 Ringing}), followed by the CSeq method in parentheses for responses
     * to anything but INVITE ({@code 200 OK (MESSAGE)}).
     */
    public String label() {
      String line = startLine();
      if (!line.startsWith("SIP/")) {
        int sp = line.indexOf(' ');
        return sp < 0 ? line : line.substring(0, sp);
      }
      int sp = line.indexOf(' ');
      String status = sp < 0 ? line : line.substring(sp + 1);
      String method = cseqMethod();
      return method == null || method.equals("INVITE") ? status : status + " (" + method + ")";
    }

    /** The message as text (UTF-8). */
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private String cseqMethod() {
      for (String line : text().split("\r?\n")) {
        if (line.isEmpty()) {
          return null;
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("CSeq")) {
          String[] parts = line.substring(colon + 1).strip().split("\\s+");
          return parts.length == 2 ? parts[1] : null;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return time + " " + direction + " " + transport + " " + address(local) + " "
          + address(remote) + " " + startLine();
    }
  }

  private static final SessionTrace EMPTY = new SessionTrace(List.of(), 0);
  private final List<Message> messages;
  private final long dropped;

  private SessionTrace(List<Message> messages, long dropped) {
    this.messages = messages;
    this.dropped = dropped;
  }

  /** A trace of {@code messages} in the order given. */
  public static SessionTrace of(List<Message> messages) {
    return of(messages, 0);
  }

  /**
   * A trace of {@code messages} of which the {@code dropped} earliest were left out (the
   * session's trace limit).
   *
   * @throws IllegalArgumentException if {@code dropped} is negative
   */
  public static SessionTrace of(List<Message> messages, long dropped) {
    Objects.requireNonNull(messages, "messages");
    if (dropped < 0) {
      throw new IllegalArgumentException("dropped is negative: " + dropped);
    }
    return messages.isEmpty() && dropped == 0 ? EMPTY : new SessionTrace(List.copyOf(messages), dropped);
  }

  /** The messages, oldest first. */
  public List<Message> messages() {
    return messages;
  }

  /** How many earlier messages were left out because the trace is bounded. */
  public long dropped() {
    return dropped;
  }

  /**
   * The ladder diagram: one column per address (local ones first, in order of appearance), one
   * numbered row per message with its time in seconds since the first and an arrow from sender
   * to receiver labelled with {@link Message#label()}.
   */
  public String ladder() {
    List<String> columns = new ArrayList<>();
    for (Message m : messages) {
      addColumn(columns, address(m.local()));
    }
    for (Message m : messages) {
      addColumn(columns, address(m.remote()));
    }
    if (columns.size() == 1) {
      columns.add("?");
    }
    int width = 24;
    for (Message m : messages) {
      width = Math.max(width, m.label().length() + 6);
    }
    for (String c : columns) {
      width = Math.max(width, c.length() + 2);
    }
    StringBuilder out = new StringBuilder();
    if (dropped > 0) {
      out.append("(").append(dropped).append(" earlier messages dropped)\n");
    }
    String numberFormat = "%" + Math.max(2, String.valueOf(messages.size()).length()) + "s";
    out.append(String.format(Locale.ROOT, numberFormat, "#")).append("  time(s)  ");
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      out.append(c);
      if (i < columns.size() - 1) {
        out.append(" ".repeat(width + 1 - c.length()));
      }
    }
    out.append('\n');
    long start = messages.isEmpty() ? 0 : messages.get(0).time().toEpochMilli();
    for (int n = 0; n < messages.size(); n++) {
      Message m = messages.get(n);
      int local = columns.indexOf(address(m.local()));
      int remote = columns.indexOf(address(m.remote()));
      int from = m.direction() == Direction.SENT ? local : remote;
      int to = m.direction() == Direction.SENT ? remote : local;
      out.append(String.format(Locale.ROOT, numberFormat, n + 1)).append("  ");
      String t = String.format(Locale.ROOT, "%.3f", (m.time().toEpochMilli() - start) / 1000.0);
      out.append(t).append(" ".repeat(Math.max(1, 9 - t.length())));
      out.append(row(columns.size(), width, from, to, m.label())).append('\n');
    }
    return out.toString();
  }

  private static void addColumn(List<String> columns, String address) {
    if (!columns.contains(address)) {
      columns.add(address);
    }
  }

  /** One ladder row: bars at every column, an arrow between {@code from} and {@code to}. */
  private static String row(int columns, int width, int from, int to, String label) {
    int length = (columns - 1) * (width + 1) + 1;
    char[] line = new char[length];
    java.util.Arrays.fill(line, ' ');
    for (int c = 0; c < columns; c++) {
      line[c * (width + 1)] = '|';
    }
    int left = Math.min(from, to) * (width + 1);
    int right = Math.max(from, to) * (width + 1);
    for (int i = left + 1; i < right; i++) {
      line[i] = '-';
    }
    if (from < to) {
      line[right - 1] = '>';
    } else if (from > to) {
      line[left + 1] = '<';
    }
    int span = right - left - 3;
    String text = label.length() > span ? label.substring(0, Math.max(0, span)) : label;
    int at = left + 2 + (span - text.length()) / 2;
    for (int i = 0; i < text.length(); i++) {
      line[at + i] = text.charAt(i);
    }
    return new String(line);
  }

  /** The ladder followed by every message in full, each under its number, time and addresses. */
  public String toText() {
    StringBuilder out = new StringBuilder(ladder());
    for (int n = 0; n < messages.size(); n++) {
      Message m = messages.get(n);
      out.append("\n--- ").append(n + 1).append(' ').append(m.time()).append(' ')
          .append(m.direction()).append(' ').append(m.transport()).append(' ')
          .append(address(m.local()))
          .append(m.direction() == Direction.SENT ? " -> " : " <- ")
          .append(address(m.remote())).append('\n');
      String text = m.text();
      out.append(text);
      if (!text.endsWith("\n")) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  /** Writes the trace in the {@value #FORMAT} format (see the class comment) to {@code out}. */
  public void write(OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    out.write((FORMAT + "\n").getBytes(StandardCharsets.US_ASCII));
    if (dropped > 0) {
      out.write(("# dropped " + dropped + "\n").getBytes(StandardCharsets.US_ASCII));
    }
    for (int n = 0; n < messages.size(); n++) {
      Message m = messages.get(n);
      String header = "message " + (n + 1) + " " + m.time() + " " + m.direction() + " "
          + m.transport() + " " + address(m.local()) + " " + address(m.remote()) + " "
          + m.bytes().length + "\n";
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(m.bytes());
      out.write('\n');
    }
    out.flush();
  }

  /** Writes the trace to {@code file} (created or replaced). */
  public void write(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(Objects.requireNonNull(file, "file"))) {
      write(out);
    }
  }

  /**
   * Reads a trace written by {@link #write(OutputStream)}.
   *
   * @throws IOException if {@code in} cannot be read or is not in the {@value #FORMAT} format (the
   *     message names the line)
   */
  public static SessionTrace read(InputStream in) throws IOException {
    Objects.requireNonNull(in, "in");
    InputStream input = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
    String first = readLine(input);
    if (!FORMAT.equals(first)) {
      throw new IOException("not a " + FORMAT + " file: first line is \"" + first + "\"");
    }
    List<Message> messages = new ArrayList<>();
    long dropped = 0;
    String line;
    while ((line = readLine(input)) != null) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (line.startsWith("# dropped ")) {
          dropped = parseLong(line.substring(10), line);
        }
        continue;
      }
      String[] f = line.split(" ");
      if (f.length != 8 || !f[0].equals("message")) {
        throw new IOException("bad message header line: \"" + line + "\"");
      }
      try {
        Instant time = Instant.parse(f[2]);
        Direction direction = Direction.valueOf(f[3]);
        Transport transport = Transport.valueOf(f[4]);
        InetSocketAddress local = parseAddress(f[5]);
        InetSocketAddress remote = parseAddress(f[6]);
        int length = (int) parseLong(f[7], line);
        byte[] bytes = input.readNBytes(length);
        if (bytes.length != length) {
          throw new EOFException("message " + f[1] + " is cut short: " + bytes.length + " of "
              + length + " bytes");
        }
        int nl = input.read();
        if (nl != '\n' && nl != -1) {
          throw new IOException("no line end after message " + f[1]);
        }
        messages.add(new Message(time, direction, transport, local, remote, bytes));
      } catch (DateTimeParseException | IllegalArgumentException e) {
        throw new IOException("bad message header line: \"" + line + "\": " + e.getMessage(), e);
      }
    }
    return of(messages, dropped);
  }

  /** Reads a trace from {@code file} (see {@link #read(InputStream)}). */
  public static SessionTrace read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(Objects.requireNonNull(file, "file"))) {
      return read(in);
    }
  }

  private static long parseLong(String text, String line) throws IOException {
    try {
      long v = Long.parseLong(text.strip());
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IOException("number out of range in \"" + line + "\"");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IOException("bad number in \"" + line + "\"", e);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (b.size() > 4096) {
        throw new IOException("header line longer than 4096 bytes");
      }
      b.write(c);
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    String s = b.toString(StandardCharsets.US_ASCII);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  static String address(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private static InetSocketAddress parseAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("not host:port: " + text);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = Integer.parseInt(text.substring(colon + 1));
    // numeric hosts only: no name lookup
    return new InetSocketAddress(toInet(host), port);
  }

  private static java.net.InetAddress toInet(String host) {
    boolean literal = host.indexOf(':') >= 0 || (!host.isEmpty() && host.chars()
        .allMatch(ch -> (ch >= '0' && ch <= '9') || ch == '.'));
    if (!literal) {
      throw new IllegalArgumentException("not a numeric address: " + host);
    }
    try {
      return java.net.InetAddress.getByName(host); // a literal: no name lookup happens
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not a numeric address: " + host);
    }
  }

  @Override
  public String toString() {
    return "SessionTrace[" + messages.size() + " messages"
        + (dropped > 0 ? ", " + dropped + " dropped" : "") + "]";
  }
}
