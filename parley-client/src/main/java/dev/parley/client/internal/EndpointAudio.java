package dev.parley.client.internal;

import dev.parley.client.AudioVideoSession;
import dev.parley.media.AudioOffers;
import dev.parley.media.AudioSink;
import dev.parley.media.AudioSource;
import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import java.util.Objects;
import java.util.function.Function;

/**
 * What {@link dev.parley.client.Endpoint.Builder}'s audio settings collected. Not API.
 *
 * @param source makes each audio session's source (null result: silence)
 * @param sink makes each audio session's sink (null result: discard)
 * @param offers codecs and the rest of our offers and answers
 * @param network the configuration of the endpoint's own media network, or null for the default
 * @param sharedNetwork a network the application owns, or null
 * @param sharedScheduler the scheduler that goes with {@code sharedNetwork}, or null
 */
public record EndpointAudio(Function<? super AudioVideoSession, ? extends AudioSource> source,
    Function<? super AudioVideoSession, ? extends AudioSink> sink, AudioOffers offers,
    MediaNetworkConfig network, MediaNetwork sharedNetwork, MediaScheduler sharedScheduler) {

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the settings; the public builder validates its arguments through it. */
  public static final class Builder {
    private Function<? super AudioVideoSession, ? extends AudioSource> source = s -> null;
    private Function<? super AudioVideoSession, ? extends AudioSink> sink = s -> null;
    private AudioOffers offers = AudioOffers.defaults();
    private MediaNetworkConfig network;
    private MediaNetwork sharedNetwork;
    private MediaScheduler sharedScheduler;

    private Builder() {}

    /** See {@code Endpoint.Builder.audioSource}. */
    public void source(Function<? super AudioVideoSession, ? extends AudioSource> source) {
      this.source = Objects.requireNonNull(source, "sources");
    }

    /** See {@code Endpoint.Builder.audioSink}. */
    public void sink(Function<? super AudioVideoSession, ? extends AudioSink> sink) {
      this.sink = Objects.requireNonNull(sink, "sinks");
    }

    /** See {@code Endpoint.Builder.audioOffers}. */
    public void offers(AudioOffers offers) {
      this.offers = Objects.requireNonNull(offers, "offers");
    }

    /** See {@code Endpoint.Builder.mediaNetwork(MediaNetworkConfig)}. */
    public void network(MediaNetworkConfig config) {
      this.network = Objects.requireNonNull(config, "config");
      this.sharedNetwork = null;
      this.sharedScheduler = null;
    }

    /** See {@code Endpoint.Builder.mediaNetwork(MediaNetwork, MediaScheduler)}. */
    public void shared(MediaNetwork network, MediaScheduler scheduler) {
      this.sharedNetwork = Objects.requireNonNull(network, "network");
      this.sharedScheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.network = null;
    }

    /** The settings. */
    public EndpointAudio build() {
      return new EndpointAudio(source, sink, offers, network, sharedNetwork, sharedScheduler);
    }
  }
}
