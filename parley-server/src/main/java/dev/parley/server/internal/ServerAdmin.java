package dev.parley.server.internal;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.auth.Ha1;
import dev.parley.json.JsonWriter;
import dev.parley.server.offline.OfflineMessages;
import dev.parley.server.proxy.Proxy;
import dev.parley.server.proxy.RateLimiter;
import dev.parley.server.registrar.Aor;
import dev.parley.server.registrar.Binding;
import dev.parley.server.registrar.LocationService;
import dev.parley.server.status.ServerStatus;
import dev.parley.server.store.Account;
import dev.parley.server.store.AccountCache;
import dev.parley.server.store.Store;
import dev.parley.server.web.AdminBackend;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The server side of the admin page ({@link AdminBackend}): sign-in against the accounts held in
 * memory, the lists it shows read from the registrar, proxy, store-and-forward and limiter, and
 * the actions, whose store writes run on the server's store thread.
 *
 * <p>Thread-safe. The reads never block; the actions complete on the store thread.
 */
public final class ServerAdmin implements AdminBackend {
  /** Bound on each list the admin page shows: {@value}. */
  public static final int MAX_LISTED = 1000;

  private final String domain;
  private final AccountCache accounts;
  private final Set<String> configuredAdmins;
  private final LocationService location;
  private final Proxy proxy;
  private final Supplier<OfflineMessages> offline;
  private final RateLimiter limiter;
  private final Store store;
  private final Executor storeThread;
  private final Supplier<ServerStatus> status;

  /**
   * @param offline the store-and-forward facade now (may give null: off)
   * @param limiter the rate limiter, or null when limits are off
   */
  public ServerAdmin(String domain, AccountCache accounts, Set<String> configuredAdmins,
      LocationService location, Proxy proxy, Supplier<OfflineMessages> offline,
      RateLimiter limiter, Store store, Executor storeThread, Supplier<ServerStatus> status) {
    this.domain = domain;
    this.accounts = accounts;
    this.configuredAdmins = Set.copyOf(configuredAdmins);
    this.location = location;
    this.proxy = proxy;
    this.offline = offline;
    this.limiter = limiter;
    this.store = store;
    this.storeThread = storeThread;
    this.status = status;
  }

  @Override
  public SignIn signIn(String user, String password) {
    String stored = accounts.ha1(user, domain, DigestAlgorithm.SHA_256);
    // an unknown user costs the same hash as a known one
    String given = Ha1.compute(DigestAlgorithm.SHA_256, user, domain, password);
    if (stored == null || !MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.US_ASCII))) {
      return SignIn.FAILED;
    }
    return isAdmin(user) ? SignIn.OK : SignIn.NOT_ADMIN;
  }

  @Override
  public boolean isAdmin(String user) {
    return accounts.contains(user) && !accounts.isDisabled(user)
        && (accounts.isAdmin(user) || configuredAdmins.contains(user));
  }

  @Override
  public String statusJson() {
    return status.get().toJson();
  }

  @Override
  public String stateJson() {
    long now = location.clock().millis();
    JsonWriter w = new JsonWriter().beginObject();
    w.name("registrations").beginArray();
    int n = 0;
    for (Map.Entry<Aor, List<Binding>> e : location.snapshot(MAX_LISTED).entrySet()) {
      for (Binding b : e.getValue()) {
        if (n++ >= MAX_LISTED) {
          break;
        }
        w.beginObject().field("aor", "sip:" + e.getKey().user() + "@" + e.getKey().host())
            .field("user", e.getKey().user()).field("contact", b.contact().toString())
            .field("key", b.key()).field("userAgent", b.userAgent()).field("source", b.source())
            .field("expiresIn", b.expiresInSeconds(now)).endObject();
      }
    }
    w.endArray();
    w.name("calls").beginArray();
    for (Proxy.ProxiedCall c : proxy.calls(MAX_LISTED)) {
      w.beginObject().field("callId", c.callId()).field("from", c.from()).field("to", c.to())
          .field("since", c.since().toString()).endObject();
    }
    w.endArray();
    w.name("offline").beginArray();
    OfflineMessages o = offline.get();
    if (o != null) {
      for (OfflineMessages.Queue q : o.queues(MAX_LISTED)) {
        w.beginObject().field("user", q.aor().user()).field("messages", q.messages())
            .field("bytes", q.bytes()).endObject();
      }
    }
    w.endArray();
    w.name("blocked").beginArray();
    if (limiter != null) {
      for (RateLimiter.Blocked b : limiter.blocked(MAX_LISTED)) {
        w.beginObject().field("source", b.source()).field("secondsLeft", b.secondsLeft())
            .endObject();
      }
    }
    w.endArray();
    w.name("accounts").beginArray();
    List<String> users = accounts.usernames();
    for (String u : users.subList(0, Math.min(users.size(), MAX_LISTED))) {
      w.beginObject().field("user", u)
          .field("admin", accounts.isAdmin(u) || configuredAdmins.contains(u))
          .field("disabled", accounts.isDisabled(u)).endObject();
    }
    w.endArray();
    return w.endObject().toString();
  }

  @Override
  public CompletableFuture<Boolean> removeBinding(String user, String key) {
    boolean[] found = {false};
    Aor aor;
    try {
      aor = new Aor(user, domain);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(false);
    }
    location.update(aor, current -> {
      List<Binding> next = new ArrayList<>(current);
      found[0] = next.removeIf(b -> b.key().equals(key));
      return next;
    });
    return CompletableFuture.completedFuture(found[0]);
  }

  @Override
  public CompletableFuture<Boolean> setDisabled(String user, boolean disabled) {
    return CompletableFuture.supplyAsync(() -> {
      Optional<Account> a = store.account(domain, user);
      if (a.isEmpty()) {
        return false;
      }
      store.setAccountFlags(domain, user, a.get().admin(), disabled);
      accounts.refresh();
      if (disabled) {
        location.update(new Aor(user, domain), current -> List.of());
      }
      return true;
    }, storeThread);
  }
}
