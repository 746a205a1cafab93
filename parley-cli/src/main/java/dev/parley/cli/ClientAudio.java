package dev.parley.cli;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.Endpoint;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioSource;
import dev.parley.media.Codecs;
import dev.parley.media.SilenceSource;
import dev.parley.media.ToneSource;
import dev.parley.media.WavFileSource;
import dev.parley.media.WavFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The audio of one {@code parley client}: what {@code --media-source} sends in every audio
 * session, where {@code --record} writes what each one receives, and which codecs
 * {@code --codecs} offers (docs/cli.md). {@link #parse} checks the options (a usage error names
 * the option); {@link #configure} hands sources, sinks and offers to the endpoint's builder.
 *
 * <p>The endpoint calls the source and sink factories once per audio session, on a media thread:
 * they open a file and return; a failure there (the WAV file gone, the disk full) is reported as
 * an {@code error} event of the session and the session goes on with silence, or without a
 * recording. Thread-safe.
 */
final class ClientAudio {
  /** The peak of {@code tone:HZ}, as a fraction of full scale (-6 dBFS). */
  static final double TONE_AMPLITUDE = 0.5;

  /** The highest {@code tone:HZ}: half the 48 kHz rate of the tone (G.711 carries up to 4 kHz). */
  static final int MAX_TONE_HZ = 24_000;

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** What {@code --media-source} asked for. */
  private enum Kind { SILENCE, TONE, FILE }

  private final Kind kind;
  private final double hz;
  private final Path file;
  private final AudioFormat fileFormat;
  private final Path recordDir;
  private final AudioOffers offers;
  private final String user;
  private final Map<Integer, Path> recordings = new ConcurrentHashMap<>();
  private volatile BiConsumer<Integer, String> problems = (session, message) -> { };

  private ClientAudio(Kind kind, double hz, Path file, AudioFormat fileFormat, Path recordDir,
      AudioOffers offers, String user) {
    this.kind = kind;
    this.hz = hz;
    this.file = file;
    this.fileFormat = fileFormat;
    this.recordDir = recordDir;
    this.offers = offers;
    this.user = user;
  }

  /**
   * Checks and reads the audio options; {@code --record}'s directory is made if missing.
   *
   * @param mediaSource {@code silence}, {@code tone:HZ} or {@code file:PATH.wav}
   * @param recordDir {@code --record}, or null
   * @param codecs {@code --codecs} (e.g. {@code pcma,pcmu}), or null for Parley's default
   * @param user the user part of the address of record, the first word of recording names
   * @throws IllegalArgumentException whose message starts with the option at fault
   */
  static ClientAudio parse(String mediaSource, Path recordDir, String codecs, String user) {
    String spec = mediaSource.strip();
    Kind kind;
    double hz = 0;
    Path file = null;
    AudioFormat fileFormat = null;
    if (spec.equalsIgnoreCase("silence")) {
      kind = Kind.SILENCE;
    } else if (spec.regionMatches(true, 0, "tone:", 0, 5)) {
      kind = Kind.TONE;
      hz = toneHz(spec.substring(5));
    } else if (spec.regionMatches(true, 0, "file:", 0, 5)) {
      kind = Kind.FILE;
      file = wavFile(spec.substring(5));
      fileFormat = playFormat(file);
    } else {
      throw new IllegalArgumentException("--media-source must be silence, tone:HZ or "
          + "file:PATH.wav, not '" + mediaSource + "'");
    }
    if (recordDir != null) {
      makeDirectory(recordDir);
    }
    AudioOffers offers = codecs == null ? null : offers(codecs);
    return new ClientAudio(kind, hz, file, fileFormat, recordDir, offers, user);
  }

  private static double toneHz(String text) {
    double v;
    try {
      v = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--media-source: tone:HZ needs a frequency in Hz, not '"
          + text + "'");
    }
    if (!(v > 0 && v < MAX_TONE_HZ)) {
      throw new IllegalArgumentException("--media-source: the tone must be above 0 and below "
          + MAX_TONE_HZ + " Hz: " + text);
    }
    return v;
  }

  private static Path wavFile(String text) {
    Path p;
    try {
      p = Path.of(text.strip());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("--media-source: not a path: " + text);
    }
    if (text.isBlank() || !Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new IllegalArgumentException("--media-source: cannot read the file " + text);
    }
    return p;
  }

  /**
   * The format to play {@code file} in: its own rate when Parley has it (no resampling in the
   * source; the stream converts to the codec's rate), else 48 kHz.
   */
  private static AudioFormat playFormat(Path file) {
    try (WavFileSource probe = WavFileSource.open(file, AudioFormat.PCM_48000, false)) {
      int rate = probe.fileSampleRate();
      return rate == 8000 || rate == 16000 || rate == 48000 ? AudioFormat.of(rate)
          : AudioFormat.PCM_48000;
    } catch (WavFormatException e) {
      throw new IllegalArgumentException("--media-source: not a WAV file Parley plays: " + file
          + ": " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("--media-source: cannot read the file " + file + ": "
          + e.getMessage());
    }
  }

  private static void makeDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("--record: cannot make the directory " + dir + ": "
          + Words.cause(e));
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException("--record: cannot write in the directory " + dir);
    }
  }

  /** {@code opus,pcmu,pcma} in any order and case, each at most once. */
  private static AudioOffers offers(String text) {
    List<Codecs.Entry> list = new ArrayList<>();
    for (String word : text.split(",", -1)) {
      Codecs.Entry e = switch (word.strip().toLowerCase(Locale.ROOT)) {
        case "opus" -> Codecs.OPUS;
        case "pcmu" -> Codecs.PCMU;
        case "pcma" -> Codecs.PCMA;
        default -> throw new IllegalArgumentException("--codecs: unknown codec '" + word.strip()
            + "' (opus, pcmu, pcma, comma-separated)");
      };
      if (list.contains(e)) {
        throw new IllegalArgumentException("--codecs lists " + word.strip() + " twice: " + text);
      }
      list.add(e);
    }
    return AudioOffers.builder().codecs(list).build();
  }

  /**
   * Gives the endpoint our sources, sinks (with {@code --record}) and offers (with
   * {@code --codecs}); {@code problems} hears, with the session id, what went wrong in a session.
   */
  void configure(Endpoint.Builder builder, BiConsumer<Integer, String> problems) {
    this.problems = problems;
    builder.audioSource(this::source);
    if (recordDir != null) {
      builder.audioSink(this::sink);
    }
    if (offers != null) {
      builder.audioOffers(offers);
    }
  }

  /**
   * The recording of session {@code id} (the {@code recording} of its {@code ended} event), or
   * null; forgotten once asked for, so the table holds live sessions only.
   */
  Path takeRecording(int id) {
    return recordings.remove(id);
  }

  /** Whether {@code --record} was given. */
  boolean records() {
    return recordDir != null;
  }

  private AudioSource source(AudioVideoSession session) {
    switch (kind) {
      case TONE:
        return new ToneSource(hz, AudioFormat.PCM_48000, TONE_AMPLITUDE);
      case FILE:
        try {
          return WavFileSource.open(file, fileFormat, true);
        } catch (IOException | RuntimeException e) {
          problems.accept(id(session), "cannot play " + file + ", sending silence: "
              + Words.cause(e));
          return new SilenceSource(AudioFormat.PCM_8000);
        }
      default:
        return new SilenceSource(AudioFormat.PCM_8000);
    }
  }

  private AudioSink sink(AudioVideoSession session) {
    int id = id(session);
    try {
      Path path = newRecordingPath(id);
      SessionRecording r = SessionRecording.create(path,
          message -> problems.accept(id, message));
      recordings.put(id, path);
      return r;
    } catch (IOException | RuntimeException e) {
      problems.accept(id, "cannot record in " + recordDir + ": " + Words.cause(e));
      return null;
    }
  }

  /** {@code DIR/USER-ID-yyyyMMddTHHmmssZ.wav} (UTC), with {@code -2}, {@code -3}... if taken. */
  private Path newRecordingPath(int id) throws IOException {
    Files.createDirectories(recordDir);
    String base = user + "-" + id + "-" + STAMP.format(Instant.now());
    for (int n = 1; n <= 100; n++) {
      Path p = recordDir.resolve(base + (n == 1 ? "" : "-" + n) + ".wav");
      if (!Files.exists(p)) {
        return p;
      }
    }
    throw new IOException("100 recordings named " + base + "* already exist");
  }

  private static int id(AudioVideoSession session) {
    return Math.toIntExact(session.id());
  }
}
