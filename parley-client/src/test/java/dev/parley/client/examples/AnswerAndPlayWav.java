package dev.parley.client.examples;

import dev.parley.client.AudioVideoSession;
import dev.parley.client.Endpoint;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import dev.parley.media.AudioFormat;
import dev.parley.media.AudioFrame;
import dev.parley.media.AudioOffers;
import dev.parley.media.Codecs;
import dev.parley.media.QueueSink;
import dev.parley.media.ToneDetector;
import dev.parley.media.ToneSource;
import dev.parley.media.WavFileSource;
import dev.parley.media.WavRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A bot that answers every audio call and plays a WAV file into it (docs/media.md): Bob accepts
 * each AUDIO_VIDEO invitation; his endpoint's audio source is the file, looping. Alice, on the same
 * machine, calls him, listens until she has heard three seconds of sound and prints the frequency
 * she heard. Silence does not count: the first frames of a call are silent while the jitter buffer
 * fills, and on a busy machine an underrun is silent too (the buffer grows its delay and re-anchors).
 *
 * <p>Run it from the test classpath with the path of a WAV file (16-bit PCM, mono or stereo, any
 * rate); without one it writes a 700 Hz tone to a temporary file first.
 */
public final class AnswerAndPlayWav {
  private AnswerAndPlayWav() {}

  public static void main(String[] args) throws Exception {
    Path wav = args.length > 0 ? Path.of(args[0]) : toneFile(700);
    QueueSink heard = new QueueSink(500);
    try (Endpoint bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0")
            .audioOffers(AudioOffers.builder().codecs(Codecs.PCMU, Codecs.PCMA).build()) // G.711
            .audioSource(call -> {
              try {
                return WavFileSource.open(wav, AudioFormat.PCM_8000, true); // loops
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
            .build();
        Endpoint alice = Endpoint.builder("sip:alice@127.0.0.1").listen("udp:127.0.0.1:0")
            .audioSink(call -> heard)
            .build()) {
      bob.enable().join();
      alice.enable().join();
      bob.sessionManager().setListener((endpoint, invitation) -> {
        if (invitation.session().type() == SessionType.AUDIO_VIDEO) {
          invitation.accept();                    // the file plays from the 200 OK on
        }
      });

      AudioVideoSession call = (AudioVideoSession) alice.sessionManager()
          .createSession(SessionType.AUDIO_VIDEO, SessionContext.EMPTY);
      call.addParticipant(bob.contactUri()).get(30, TimeUnit.SECONDS);
      List<AudioFrame> frames = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (frames.size() < 150) {               // three seconds of sound that Alice hears
        AudioFrame f = heard.take(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f == null) {
          break;                                  // 30 s and still not three seconds of sound
        }
        if (rms(f) > SOUND_RMS) {
          frames.add(f);
        }
      }
      call.terminate().get(30, TimeUnit.SECONDS);
      System.out.printf("alice heard %.0f Hz over %d frames; %s%n", mostHeard(frames),
          frames.size(), call.audioStats().orElseThrow());
    }
  }

  /**
   * A frame whose RMS is above this (of 32767) is sound: the silence of a filling jitter buffer is
   * 0 and the end of a faded loss concealment far below; the file's half full scale sine is about
   * 11,600.
   */
  private static final double SOUND_RMS = 300;

  private static double rms(AudioFrame f) {
    double sum = 0;
    for (int i = 0; i < f.length(); i++) {
      sum += (double) f.sample(i) * f.sample(i);
    }
    return Math.sqrt(sum / f.length());
  }

  /**
   * The frequency heard in most half-seconds of sound (to the nearest 10 Hz): a busy machine may
   * conceal a late packet now and then.
   */
  private static double mostHeard(List<AudioFrame> frames) {
    java.util.Map<Long, Integer> votes = new java.util.HashMap<>();
    for (int i = 0; i + 25 <= frames.size(); i += 25) {
      double hz = ToneDetector.dominantFrequency(frames.subList(i, i + 25), 100, 3500);
      votes.merge(Math.round(hz / 10) * 10, 1, Integer::sum);
    }
    return votes.entrySet().stream().max(java.util.Map.Entry.comparingByValue())
        .map(java.util.Map.Entry::getKey).orElse(0L);
  }

  /** A two-second WAV file of {@code hz}. */
  private static Path toneFile(double hz) throws IOException {
    Path file = Files.createTempFile("parley-tone-", ".wav");
    file.toFile().deleteOnExit();
    ToneSource tone = new ToneSource(hz, AudioFormat.PCM_8000, 0.5);
    try (WavRecorder out = WavRecorder.create(file, AudioFormat.PCM_8000, Duration.ofSeconds(2))) {
      for (int i = 0; i < 100; i++) {
        out.accept(tone.next());
      }
    }
    return file;
  }
}
