package dev.parley.server.config;

import dev.parley.auth.DigestAlgorithm;
import dev.parley.server.offline.OfflineMessagesConfig;
import dev.parley.server.proxy.ProxyConfig;
import dev.parley.server.proxy.RateLimitConfig;
import dev.parley.server.registrar.RegistrarConfig;
import dev.parley.server.registrar.UserAgentMatcher;
import dev.parley.server.status.StatusConfig;
import dev.parley.server.web.WebConfig;
import dev.parley.transport.TransportConfig;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import dev.parley.focus.FocusConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the server's {@code key = value} config file onto a {@link ServerConfig.Builder}.
 *
 * <p>Format: one entry per line; {@code #} starts a comment line; blank lines are ignored;
 * whitespace around key and value is trimmed. Lists are comma-separated. Durations are a number
 * with {@code ms}, {@code s}, {@code m} or {@code h} (no unit: seconds). Relative paths are
 * relative to the file's directory. Every key may appear once except {@code listen};
 * {@code route.TARGET} keys may be many, one per target. The {@code offline.*},
 * {@code limits.*}, {@code status.*}, {@code web.*} and {@code connections.*} keys each make one settings object: when the file names
 * any key of a group, the group's other settings are the defaults. The {@code registrar.*} and
 * {@code location.*}, {@code auth.*}, and {@code proxy.*} and {@code route.*} keys apply on top
 * of the {@link dev.parley.server.registrar.RegistrarConfig}, {@link AuthConfig} and
 * {@link ProxyConfig} set before loading. An unknown
 * key or a bad value stops the load with a {@link ConfigException} naming file, line and key.
 */
final class ConfigFile {
  /** Every key the file may hold, in the order {@code docs/server.md} documents them. */
  public static final List<String> KEYS = List.of(
      "domain", "domain.aliases", "data", "listen", "threads",
      "tls.certificate", "tls.key", "tls.key_password", "tls.reload_interval",
      "registrar.min_expires", "registrar.max_expires", "registrar.default_expires",
      "registrar.max_contacts",
      "location.max_bindings", "location.flush_interval", "location.sweep_interval",
      "location.write_through",
      "accounts.refresh_interval",
      "auth.algorithms", "auth.nonce_lifetime", "auth.allow_no_qop", "auth.secret",
      "auth.md5_only_user_agents",
      "trusted", "proxy.record_route", "proxy.timer_c", "proxy.max_contexts",
      "proxy.max_dialogs", "proxy.dialog_lifetime", "proxy.max_breadth", "proxy.route_secret",
      "proxy.advertised_host", "route.<domain>",
      "offline.enabled", "offline.max_message_bytes", "offline.max_per_user",
      "offline.max_bytes_per_user", "offline.max_messages", "offline.max_bytes",
      "offline.max_age", "offline.max_refusals", "offline.retry_initial", "offline.retry_max",
      "offline.max_per_sender", "offline.max_bytes_per_sender",
      "offline.accept_unauthenticated", "offline.max_unauthenticated_per_user",
      "offline.max_unauthenticated_bytes_per_user", "offline.max_unauthenticated_per_source",
      "offline.max_unauthenticated_messages", "offline.max_unauthenticated_bytes",
      "limits.requests_per_second", "limits.request_burst", "limits.auth_failures_per_minute",
      "limits.auth_failure_burst", "limits.auth_block", "limits.max_sources",
      "status.listen", "status.allow_remote", "status.max_listed",
      "web.listen", "web.admin_allow_remote", "web.admins",
      "focus.enabled", "focus.factory", "focus.max_conferences",
      "focus.max_conferences_per_user", "focus.max_participants",
      "focus.guests", "focus.dial_in", "focus.idle_timeout", "focus.max_subscriptions",
      "focus.max_dial_outs",
      "focus.dial_out_external", "focus.relay_timeout", "focus.audio", "focus.rtp_ports",
      "focus.mix_threads", "focus.media_timeout",
      "connections.max", "connections.max_per_address", "connections.first_message_timeout",
      "connections.message_timeout", "connections.idle_timeout");

  /** The prefix of static route keys: {@code route.DOMAIN} or {@code route.USER@DOMAIN}. */
  public static final String ROUTE_PREFIX = "route.";

  private ConfigFile() {}

  /** Applies {@code file} to {@code b}. */
  public static void apply(Path file, ServerConfig.Builder b) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (MalformedInputException e) {
      throw new ConfigException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    Map<String, String> seen = new HashMap<>(); // key -> where it was given
    RegistrarConfig.Builder registrar = b.registrar().toBuilder();
    AuthConfig.Builder auth = b.auth().toBuilder();
    ProxyConfig.Builder proxy = b.proxy().toBuilder();
    OfflineMessagesConfig.Builder offline = OfflineMessagesConfig.builder();
    RateLimitConfig.Builder limits = RateLimitConfig.builder();
    StatusConfig.Builder status = StatusConfig.builder();
    TransportConfig.Builder connections = TransportConfig.builder();
    FocusConfig.Builder focus = FocusConfig.builder();
    WebConfig.Builder web = WebConfig.builder();
    Path cert = null;
    Path key = null;
    String keyPassword = null;
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ":" + (i + 1);
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new ConfigException(where + ": expected 'key = value', got '" + line + "'");
      }
      String k = line.substring(0, eq).strip();
      String v = line.substring(eq + 1).strip();
      boolean route = k.startsWith(ROUTE_PREFIX) && k.length() > ROUTE_PREFIX.length();
      if (!route && !KEYS.contains(k)) {
        throw new ConfigException(where + ": unknown key '" + k + "'");
      }
      if (!k.equals("listen") && seen.putIfAbsent(k, where) != null) {
        throw new ConfigException(where + ": key '" + k + "' given twice");
      }
      if (v.isEmpty()) {
        throw new ConfigException(where + ": key '" + k + "': empty value");
      }
      try {
        if (route) {
          proxy.staticRoute(k.substring(ROUTE_PREFIX.length()), v);
          continue;
        }
        switch (k) {
          case "domain" -> b.domain(v);
          case "domain.aliases" -> list(v).forEach(b::alias);
          case "data" -> b.dataDir(base.resolve(v));
          case "listen" -> list(v).forEach(b::listen);
          case "threads" -> b.threads(integer(v));
          case "tls.certificate" -> cert = base.resolve(v);
          case "tls.key" -> key = base.resolve(v);
          case "tls.key_password" -> keyPassword = v;
          case "tls.reload_interval" -> b.tlsReloadInterval(duration(v));
          case "registrar.min_expires" -> registrar.minExpires(seconds(v));
          case "registrar.max_expires" -> registrar.maxExpires(seconds(v));
          case "registrar.default_expires" -> registrar.defaultExpires(seconds(v));
          case "registrar.max_contacts" -> registrar.maxContactsPerAor(integer(v));
          case "location.max_bindings" -> registrar.maxBindings(integer(v));
          case "location.flush_interval" -> registrar.flushInterval(duration(v));
          case "location.sweep_interval" -> registrar.sweepInterval(duration(v));
          case "location.write_through" -> registrar.writeThrough(bool(v));
          case "accounts.refresh_interval" -> b.accountsRefresh(duration(v));
          case "auth.algorithms" -> {
            List<DigestAlgorithm> algs = new ArrayList<>();
            for (String a : list(v)) {
              algs.add(DigestAlgorithm.parse(a));
            }
            auth.algorithms(algs);
          }
          case "auth.nonce_lifetime" -> auth.nonceLifetime(duration(v));
          case "auth.allow_no_qop" -> auth.allowNoQop(bool(v));
          case "auth.secret" -> auth.secretHex(v);
          case "auth.md5_only_user_agents" -> auth.md5OnlyUserAgents(UserAgentMatcher.parse(v));
          case "proxy.record_route" -> proxy.recordRoute(bool(v));
          case "proxy.timer_c" -> proxy.timerC(duration(v));
          case "proxy.max_contexts" -> proxy.maxContexts(integer(v));
          case "proxy.max_dialogs" -> proxy.maxDialogs(integer(v));
          case "proxy.dialog_lifetime" -> proxy.dialogLifetime(duration(v));
          case "proxy.max_breadth" -> proxy.maxBreadth(integer(v));
          case "proxy.route_secret" -> proxy.routeSecretHex(v);
          case "trusted" -> b.trusted(v);
          case "proxy.advertised_host" -> proxy.advertisedHost(v);
          case "offline.enabled" -> b.offlineEnabled(bool(v));
          case "offline.max_message_bytes" -> offline.maxMessageBytes(integer(v));
          case "offline.max_per_user" -> offline.maxMessagesPerUser(integer(v));
          case "offline.max_bytes_per_user" -> offline.maxBytesPerUser(longInteger(v));
          case "offline.max_messages" -> offline.maxMessages(integer(v));
          case "offline.max_bytes" -> offline.maxBytes(longInteger(v));
          case "offline.max_age" -> offline.maxAge(duration(v));
          case "offline.max_refusals" -> offline.maxRefusals(integer(v));
          case "offline.retry_initial" -> offline.retryInitial(duration(v));
          case "offline.retry_max" -> offline.retryMax(duration(v));
          case "offline.max_per_sender" -> offline.maxPerSender(integer(v));
          case "offline.max_bytes_per_sender" -> offline.maxBytesPerSender(longInteger(v));
          case "offline.accept_unauthenticated" -> offline.acceptUnauthenticated(bool(v));
          case "offline.max_unauthenticated_per_user" ->
              offline.maxUnauthenticatedPerUser(integer(v));
          case "offline.max_unauthenticated_bytes_per_user" ->
              offline.maxUnauthenticatedBytesPerUser(longInteger(v));
          case "offline.max_unauthenticated_per_source" ->
              offline.maxUnauthenticatedPerSource(integer(v));
          case "offline.max_unauthenticated_messages" ->
              offline.maxUnauthenticatedMessages(integer(v));
          case "offline.max_unauthenticated_bytes" ->
              offline.maxUnauthenticatedBytes(longInteger(v));
          case "limits.requests_per_second" -> limits.requestsPerSecond(decimal(v));
          case "limits.request_burst" -> limits.requestBurst(integer(v));
          case "limits.auth_failures_per_minute" -> limits.authFailuresPerMinute(decimal(v));
          case "limits.auth_failure_burst" -> limits.authFailureBurst(integer(v));
          case "limits.auth_block" -> limits.authBlock(duration(v));
          case "limits.max_sources" -> limits.maxSources(integer(v));
          case "focus.enabled" -> b.focusEnabled(bool(v));
          case "focus.factory" -> focus.factoryUser(v);
          case "focus.max_conferences" -> focus.maxConferences(integer(v));
          case "focus.max_conferences_per_user" -> focus.maxConferencesPerUser(integer(v));
          case "focus.max_participants" -> focus.maxParticipants(integer(v));
          case "focus.guests" -> focus.guests(bool(v));
          case "focus.dial_in" -> focus.dialIn(FocusConfig.DialIn.parse(v));
          case "focus.idle_timeout" -> focus.idleTimeout(duration(v));
          case "focus.max_subscriptions" -> focus.maxSubscriptions(integer(v));
          case "focus.max_dial_outs" -> focus.maxDialOuts(integer(v));
          case "focus.dial_out_external" -> focus.dialOutExternal(bool(v));
          case "focus.relay_timeout" -> focus.relayTimeout(duration(v));
          case "focus.audio" -> focus.audio(bool(v));
          case "focus.rtp_ports" -> focus.rtpPorts(v);
          case "focus.mix_threads" -> focus.mixThreads(integer(v));
          case "focus.media_timeout" -> focus.mediaTimeout(duration(v));
          case "status.listen" -> status.listen(v);
          case "status.allow_remote" -> status.allowRemote(bool(v));
          case "status.max_listed" -> status.maxListed(integer(v));
          case "web.listen" -> web.listen(v);
          case "web.admin_allow_remote" -> web.adminAllowRemote(bool(v));
          case "web.admins" -> web.admins(list(v));
          case "connections.max" -> connections.maxConnections(integer(v));
          case "connections.max_per_address" -> connections.maxConnectionsPerAddress(integer(v));
          case "connections.first_message_timeout" -> connections.firstMessageTimeout(duration(v));
          case "connections.message_timeout" -> connections.messageTimeout(duration(v));
          case "connections.idle_timeout" -> connections.idleTimeout(duration(v));
          default -> throw new IllegalStateException("unhandled key " + k);
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(where + ": key '" + k + "': " + e.getMessage());
      }
    }
    if ((cert == null) != (key == null)) {
      throw new ConfigException(file + ": tls.certificate and tls.key go together");
    }
    // registrar, auth and proxy keys apply on top of the groups set before loading
    b.registrar(group(registrar::build, seen, file, "registrar.min_expires",
        "registrar.default_expires", "registrar.max_expires"));
    b.auth(auth.build());
    b.proxy(proxy.build());
    // a group named in the file replaces that group's settings as a whole
    if (given(seen, "offline.")) {
      b.offline(group(offline::build, seen, file, "offline.retry_initial", "offline.retry_max"));
    }
    if (seen.keySet().stream().anyMatch(k -> k.startsWith("focus.") && !k.equals("focus.enabled"))) {
      b.focus(group(focus::build, seen, file, "focus.guests", "focus.dial_in"));
    }
    if (given(seen, "limits.")) {
      b.rateLimits(limits.build());
    }
    if (given(seen, "status.")) {
      b.status(group(status::build, seen, file, "status.listen", "status.allow_remote"));
    }
    if (given(seen, "web.")) {
      b.web(web.build());
    }
    if (given(seen, "connections.")) {
      b.connections(group(connections::build, seen, file, "connections.max",
          "connections.max_per_address", "connections.first_message_timeout",
          "connections.message_timeout", "connections.idle_timeout"));
    }
    if (cert != null) {
      b.tls(cert, key, keyPassword);
    }
  }

  private static boolean given(Map<String, String> seen, String prefix) {
    return seen.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

  /**
   * Builds a group of settings that are checked together; a failure names the last of
   * {@code keys} given in the file (the entry that made the group inconsistent).
   */
  private static <T> T group(java.util.function.Supplier<T> build, Map<String, String> seen,
      Path file, String... keys) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String where = file.toString();
      String named = keys[0];
      int lastLine = -1;
      for (String k : keys) {
        String w = seen.get(k);
        if (w != null) {
          int line = Integer.parseInt(w.substring(w.lastIndexOf(':') + 1));
          if (line > lastLine) {
            lastLine = line;
            where = w;
            named = k;
          }
        }
      }
      throw new ConfigException(where + ": key '" + named + "': " + e.getMessage());
    }
  }

  private static List<String> list(String v) {
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty list element in '" + v + "'");
      }
      out.add(p);
    }
    return out;
  }

  private static boolean bool(String v) {
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not true or false: '" + v + "'");
    };
  }

  private static int integer(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number: '" + v + "'");
    }
  }

  private static long longInteger(String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number: '" + v + "'");
    }
  }

  /** A non-negative decimal number such as {@code 50} or {@code 0.5}. */
  private static double decimal(String v) {
    boolean digits = false;
    int dots = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c >= '0' && c <= '9') {
        digits = true;
      } else {
        digits = false;
        break;
      }
    }
    if (!digits || dots > 1 || v.length() > 16) {
      throw new IllegalArgumentException("not a number (e.g. 50 or 0.5): '" + v + "'");
    }
    return Double.parseDouble(v);
  }

  private static long seconds(String v) {
    Duration d = duration(v);
    if (d.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("not a whole number of seconds: '" + v + "'");
    }
    return d.toSeconds();
  }

  /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, or a bare number of seconds. */
  static Duration duration(String v) {
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 12) {
      throw new IllegalArgumentException("not a duration (e.g. 500ms, 5s, 2m, 1h): '" + v + "'");
    }
    long n = Long.parseLong(v.substring(0, end));
    String unit = v.substring(end).strip();
    return switch (unit) {
      case "", "s" -> Duration.ofSeconds(n);
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> throw new IllegalArgumentException(
          "not a duration (e.g. 500ms, 5s, 2m, 1h): '" + v + "'");
    };
  }
}
