package dev.parley.cli;

import io.netty.util.ResourceLeakDetector;

/**
 * The long-running commands' Netty leak detection: off unless the operator asks for it. Netty's
 * default (SIMPLE) records a stack trace for about one buffer in 128 it allocates, a cost on
 * every event loop under load (1.5% under REGISTER load for {@code parley server}, 1.5-2% of
 * {@code parley uas}'s CPU per call) for reports nobody reads in production. Parley's buffers are
 * released by its own codecs, and the test suites keep Netty's default.
 */
final class NettyLeakDetection {
  private NettyLeakDetection() {}

  /** Turns leak detection off unless {@code -Dio.netty.leakDetection.level} (or its old name) is given. */
  static void offUnlessAsked() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }
}
