package dev.parley.server.internal;

import dev.parley.server.status.ServerStatus;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.status.StatusHttpServer;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the server's loopback status endpoint ({@code docs/server.md}, "Status") where
 * {@link StatusConfig} says, its URL written into {@code DATA/status.url}; on the default
 * address, a free port of the same address when 8060 is taken (a second server on the host).
 *
 * <p>Stateless; called once, at start.
 */
public final class StatusEndpoint {
  private static final Logger log = LoggerFactory.getLogger(StatusEndpoint.class);

  private StatusEndpoint() {}

  /**
   * The endpoint serving {@code status}, and {@code metrics} as {@code GET /metrics}.
   *
   * @throws UncheckedIOException if it cannot listen (a configured port that is taken)
   */
  public static StatusHttpServer start(StatusConfig config, Path dataDir,
      Supplier<ServerStatus> status, Supplier<String> metrics) {
    InetSocketAddress at = config.address();
    Path urlFile = dataDir.resolve(StatusHttpServer.URL_FILE);
    try {
      return on(at, config, urlFile, status, metrics);
    } catch (UncheckedIOException e) {
      if (!config.isAddressDefault() || !isBindFailure(e)) {
        throw e;
      }
      StatusHttpServer http = on(new InetSocketAddress(at.getAddress(), 0), config, urlFile,
          status, metrics);
      log.warn("status port {} is taken; status endpoint on {} instead (see {})", at.getPort(),
          http.url(), urlFile);
      return http;
    }
  }

  private static StatusHttpServer on(InetSocketAddress at, StatusConfig config, Path urlFile,
      Supplier<ServerStatus> status, Supplier<String> metrics) {
    return StatusHttpServer.builder(status)
        .metrics(metrics)
        .address(at.getAddress().getHostAddress().replaceAll("%.*$", ""), at.getPort())
        .allowNonLoopback(config.allowRemote())
        .urlFile(urlFile)
        .start();
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }
}
