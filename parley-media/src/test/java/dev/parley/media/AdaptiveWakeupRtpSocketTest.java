package dev.parley.media;

/**
 * Every {@link RtpSocketTest} again with an adaptive wake-up spacing of at most 2 ms for batches
 * of 4 packets ({@link MediaNetworkConfig#wakeupBatch()}): packets, bursts, sends from other
 * threads and closing behave the same.
 */
class AdaptiveWakeupRtpSocketTest extends RtpSocketTest {
  @Override
  MediaNetworkConfig.Builder config() {
    return super.config().wakeupSpacingMicros(2000).wakeupBatch(4);
  }
}
