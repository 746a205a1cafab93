package dev.parley.media;

/** Every {@link RtpSocketTest} again on Java NIO, the transport where Linux epoll is missing. */
class NioRtpSocketTest extends RtpSocketTest {
  @Override
  MediaNetworkConfig.Builder config() {
    return super.config().nativeTransport(false);
  }
}
