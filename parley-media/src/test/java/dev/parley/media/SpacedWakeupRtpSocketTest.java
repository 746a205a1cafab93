package dev.parley.media;

/**
 * Every {@link RtpSocketTest} again with the event loops' waits spaced by 2 ms ({@link
 * MediaNetworkConfig#wakeupSpacingMicros()}): packets, bursts, sends from other threads and
 * closing behave the same, only later.
 */
class SpacedWakeupRtpSocketTest extends RtpSocketTest {
  @Override
  MediaNetworkConfig.Builder config() {
    return super.config().wakeupSpacingMicros(2000);
  }
}
