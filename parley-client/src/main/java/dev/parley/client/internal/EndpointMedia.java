package dev.parley.client.internal;

import dev.parley.media.MediaNetwork;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.media.MediaScheduler;
import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * An endpoint's media plane: the {@link MediaNetwork} its audio sessions open RTP sockets on and
 * the {@link MediaScheduler} their streams tick on. Either shared ones the application gave (not
 * closed here) or the endpoint's own, made on the first audio session (no threads before that)
 * and closed with the endpoint. Thread-safe.
 */
final class EndpointMedia implements AutoCloseable {
  private final EndpointAudio settings;
  /** The SIP listen address, when the endpoint's own network should bind it. */
  private final Supplier<InetAddress> sipAddress;
  private MediaNetwork network; // guarded by this
  private MediaScheduler scheduler; // guarded by this
  private boolean closed; // guarded by this

  EndpointMedia(EndpointAudio settings, Supplier<InetAddress> sipAddress) {
    this.settings = settings;
    this.sipAddress = sipAddress;
  }

  /** The network, made on first use. */
  synchronized MediaNetwork network() {
    open();
    return network;
  }

  /** The scheduler, made on first use. */
  synchronized MediaScheduler scheduler() {
    open();
    return scheduler;
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("the endpoint is closed");
    }
    if (network != null) {
      return;
    }
    if (settings.sharedNetwork() != null) {
      network = settings.sharedNetwork();
      scheduler = settings.sharedScheduler();
      return;
    }
    MediaNetworkConfig config = settings.network();
    if (config == null) {
      MediaNetworkConfig.Builder b = MediaNetworkConfig.builder().threads(1);
      InetAddress sip = sipAddress.get();
      if (sip != null && !sip.isAnyLocalAddress()) {
        b.bindAddress(sip);
      }
      config = b.build();
    }
    network = new MediaNetwork(config);
    scheduler = new MediaScheduler(1);
  }

  /** Closes the endpoint's own network and scheduler (not shared ones); idempotent. */
  @Override
  public void close() {
    MediaNetwork ownNetwork;
    MediaScheduler ownScheduler;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      boolean own = network != null && settings.sharedNetwork() == null;
      ownNetwork = own ? network : null;
      ownScheduler = own ? scheduler : null;
    }
    if (ownNetwork != null) { // outside the monitor: closing the network waits for its loops
      ownNetwork.close();
      ownScheduler.close();
    }
  }
}
