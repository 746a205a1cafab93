package dev.parley.focus.internal;

import dev.parley.media.AudioMixer;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioStreamSettings;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import dev.parley.media.MixerParticipant;
import dev.parley.media.RtpSocket;
import dev.parley.media.StreamParameters;
import dev.parley.sdp.Direction;
import dev.parley.sdp.MediaDescription;
import dev.parley.sdp.SessionDescription;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The focus's audio ({@code docs/conferences.md}, "Audio"): one {@link AudioMixer} per conference
 * (made with its first audio leg, closed with the conference), one {@link MixerParticipant} per
 * leg whose offer has an audio line we take (PCMU, PCMA, Opus, telephone-event: {@link
 * AudioOffers#defaults()}), on RTP ports of the focus's {@link MediaNetwork}. A participant that
 * holds the focus (sendonly or inactive) is left out of the mix and sent nothing.
 *
 * <p>Thread-safe; nothing here blocks (sockets open asynchronously, mixing runs on the media
 * scheduler's workers, never on a SIP loop).
 */
final class FocusMedia implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FocusMedia.class);

  private final MediaNetworkConfig config;
  private final int mixThreads;
  private final AudioOffers offers = AudioOffers.defaults();
  // made with the first audio leg (a server without audio conferences runs no media threads)
  private MediaNetwork network;
  private MediaScheduler scheduler;
  private boolean closed;

  FocusMedia(MediaNetworkConfig config, int mixThreads) {
    this.config = config;
    this.mixThreads = mixThreads;
  }

  /** The index of the first line of {@code offer} we take as audio, or -1. */
  int audioLine(SessionDescription offer) {
    for (int i = 0; i < offer.media().size(); i++) {
      if (offers.accepts(offer, i)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The address our SDP gives for {@code socket}: its own, unless it is bound to a wildcard
   * address, then {@code host} (the focus's Contact host: the advertised one).
   */
  private static String sdpHost(RtpSocket socket, String host) {
    java.net.InetAddress a = socket.localRtpAddress().getAddress();
    return a.isAnyLocalAddress() ? host : a.getHostAddress();
  }

  /** A leg's RTP (and RTCP) ports. */
  CompletableFuture<RtpSocket> open() {
    MediaNetwork n;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the focus is closed"));
      }
      if (network == null) {
        network = new MediaNetwork(config);
        scheduler = new MediaScheduler(mixThreads);
      }
      n = network;
    }
    return n.open(false);
  }

  private synchronized MediaScheduler scheduler() {
    return scheduler;
  }

  /** Our answer to the audio line {@code index} of {@code offer}, on {@code socket}. */
  MediaDescription answerLine(SessionDescription offer, int index, RtpSocket socket, String host) {
    return offers.answerMedia(offer, index, sdpHost(socket, host),
        socket.localRtpAddress().getPort(), socket.localRtcpAddress().getPort(),
        Direction.SENDRECV);
  }

  /** Our offer of audio on {@code socket} (a dial-out). */
  MediaDescription offerLine(RtpSocket socket, String host) {
    return offers.offer(sdpHost(socket, host),
        socket.localRtpAddress().getPort(), socket.localRtcpAddress().getPort(),
        Direction.SENDRECV);
  }

  /**
   * Joins {@code leg} to its conference's mix with what {@code local} (our answer) and
   * {@code remote} (its offer) agreed on line {@code index}.
   */
  void join(Conference conference, Leg leg, RtpSocket socket, SessionDescription local,
      SessionDescription remote, int index) {
    join(conference, leg, socket, local, remote, false, index);
  }

  /**
   * As {@link #join(Conference, Leg, RtpSocket, SessionDescription, SessionDescription, int)},
   * {@code local} being our offer when {@code localIsOfferer} (a dial-out); a line the peer
   * refused closes the socket.
   */
  void join(Conference conference, Leg leg, RtpSocket socket, SessionDescription local,
      SessionDescription remote, boolean localIsOfferer, int index) {
    StreamParameters p = StreamParameters.of(local, remote, localIsOfferer, index);
    if (p.rejected() || p.sendCodec() == null) {
      socket.close();
      return;
    }
    if (p.rtcpMux()) {
      socket.useRtcpMux();
    }
    MediaScheduler mixing = scheduler();
    AudioMixer mixer = mixing == null ? null
        : conference.mixer(() -> AudioMixer.builder(mixing).build());
    if (mixer == null) {
      socket.close(); // the conference ended meanwhile
      return;
    }
    AudioStreamSettings settings = AudioStreamSettings.builder(p, false, a -> null).build();
    MixerParticipant participant = mixer.add(socket, settings, new MixerParticipant.Listener() {
      @Override
      public void onDtmf(MixerParticipant who, char digit) {
        log.debug("{} sent DTMF {} in {}", leg.aor, digit, conference.uri);
      }
    });
    conference.audioStatus(leg, statusOf(remote, index));
    conference.audio(leg, participant, !localIsOfferer && held(remote, index));
  }

  /**
   * A re-offer on a leg with audio: the new parameters, and whether the participant now holds
   * (its offer is sendonly or inactive).
   */
  void update(Conference conference, Leg leg, SessionDescription local,
      SessionDescription remote, int index) {
    MixerParticipant participant = conference.audioOf(leg);
    if (participant == null) {
      return;
    }
    StreamParameters p = StreamParameters.of(local, remote, false, index);
    if (!p.rejected() && p.sendCodec() != null) {
      participant.settings(AudioStreamSettings.builder(p, false, a -> null).build());
    }
    boolean held = held(remote, index);
    participant.hold(held);
    conference.audioStatus(leg, statusOf(remote, index));
    conference.held(leg, held);
  }

  private static boolean held(SessionDescription remote, int index) {
    Direction d = remote.direction(remote.media().get(index));
    return d == Direction.SENDONLY || d == Direction.INACTIVE;
  }

  /** The participant's direction on line {@code index} of its SDP, as an RFC 4575 status. */
  private static dev.parley.sip.body.MediaStatus statusOf(SessionDescription remote, int index) {
    return switch (remote.direction(remote.media().get(index))) {
      case SENDONLY -> dev.parley.sip.body.MediaStatus.SENDONLY;
      case RECVONLY -> dev.parley.sip.body.MediaStatus.RECVONLY;
      case INACTIVE -> dev.parley.sip.body.MediaStatus.INACTIVE;
      default -> dev.parley.sip.body.MediaStatus.SENDRECV;
    };
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (network != null) {
      network.close();
      scheduler.close();
    }
  }
}
