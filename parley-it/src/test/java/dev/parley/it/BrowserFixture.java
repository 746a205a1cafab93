package dev.parley.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Endpoint;
import dev.parley.client.EndpointState;
import dev.parley.client.IncomingSessionEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * What the browser tests set up alike: an in-process {@code parley server} with its HTTPS web
 * listener (the browser client's page at {@code /}, SIP over WSS at {@code /ws}, the admin pages),
 * one headless Chromium for the test, pages of the browser client signed in as a user, and Parley
 * {@link Endpoint}s registered over UDP. Every user's password is {@code USER-pw}. Missing
 * chromium or chromedriver: {@link #start} skips the test on a developer machine and fails it when
 * {@code CI=true}. Not thread-safe (a test drives it).
 */
final class BrowserFixture implements AutoCloseable {
  /** How long a page, a sign-in or an endpoint's step may take on a busy machine. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final ParleyServer server;
  private final Chromium chromium;

  private BrowserFixture(ParleyServer server, Chromium chromium) {
    this.server = server;
    this.chromium = chromium;
  }

  /**
   * Starts the server on {@code data} (created when missing; accounts already in its store stay)
   * with {@code users} added, and a Chromium whose profile is under {@code work}, its chromedriver
   * log named after {@code test}.
   */
  static BrowserFixture start(Path work, Path data, Class<?> test, String... users)
      throws Exception {
    Chromium.requireInstalled();
    ParleyServer.Builder b = ParleyServer.builder(data).web();
    for (String user : users) {
      b.user(user, user + "-pw");
    }
    ParleyServer server = b.start();
    try {
      return new BrowserFixture(server, Chromium.start(work, test.getSimpleName()));
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  ParleyServer server() {
    return server;
  }

  Chromium chromium() {
    return chromium;
  }

  /**
   * A new window of the browser client, served by the server, signed in as {@code user} over SIP
   * over WSS (the page's default server: {@code /ws} of the origin that served it).
   */
  Chromium.Page signedIn(String user) {
    Chromium.Page page = chromium.open(server.webUrl());
    assertThat(page.find("#server").getAttribute("value")).isEqualTo(
        server.webUrl().replace("https://", "wss://") + "ws");
    page.type("#address", user + "@" + server.domain());
    page.type("#password", user + "-pw");
    page.click("#sign-in-button");
    page.awaitText("#registration", "Signed in as " + user + "@" + server.domain());
    return page;
  }

  /**
   * A Parley endpoint of {@code user} on UDP, registered at the server (ENABLED), whose
   * invitations go to {@code invitations}; the caller closes it.
   */
  Endpoint endpoint(String user, Queue<IncomingSessionEvent> invitations) throws Exception {
    Endpoint e = Endpoint.builder("sip:" + user + "@" + server.aorHost())
        .credentials(user, user + "-pw")
        .server("sip:" + server.hostPort())
        .listen("udp:127.0.0.1:0")
        .build();
    e.sessionManager().setListener((source, invitation) -> invitations.add(invitation));
    e.enable().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(e.state()).isEqualTo(EndpointState.ENABLED);
    return e;
  }

  /** Closes the browser, then the server. */
  @Override
  public void close() {
    try {
      chromium.close();
    } finally {
      server.close();
    }
  }
}
