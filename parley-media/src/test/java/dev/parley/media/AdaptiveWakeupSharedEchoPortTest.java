package dev.parley.media;

/**
 * Every {@link SharedEchoPortTest} again on a loop with an adaptive wake-up spacing of at most
 * 2 ms for batches of 4 packets ({@link MediaNetworkConfig#wakeupBatch()}): every packet is still
 * echoed, counted and dropped as without it.
 */
class AdaptiveWakeupSharedEchoPortTest extends SharedEchoPortTest {
  @Override
  MediaNetworkConfig.Builder config() {
    return super.config().wakeupSpacingMicros(2000).wakeupBatch(4);
  }
}
