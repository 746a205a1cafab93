package dev.parley.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The logging of the {@code parley} command, on Logback: what the commands change in the
 * built-in default ({@code logback.xml} in the jar: one line per event on standard error, INFO)
 * and what an operator sets with {@code parley server --log-config}, {@code --log-level} and
 * {@code --log-file} (docs/server.md, "Logging").
 *
 * <p>The libraries below the command log through SLF4J only; this class is the one place that
 * knows the backend. Called from the command's thread before the command starts its work; not
 * thread-safe.
 */
final class Logging {
  /** The format of a line written to {@code --log-file}: the console's, with the date. */
  static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %level %logger{0} - %msg%n";

  /** The context property {@code logback.xml} sets to say it is the built-in default. */
  private static final String DEFAULT_MARK = "parley.logging";

  private Logging() {}

  /**
   * Whether the configuration in effect is the built-in default, not the operator's (from
   * {@code -Dlogback.configurationFile}, a {@code logback-test.xml} or {@link #load}).
   */
  static boolean isDefault() {
    LoggerContext ctx = context();
    return ctx != null && "default".equals(ctx.getProperty(DEFAULT_MARK));
  }

  /**
   * Under the default configuration, sets Flyway's and the transport's loggers to WARN: their
   * start-up lines would repeat what the server's ready line says. {@code parley server} and
   * {@code parley user}.
   */
  static void quietLibraries() {
    if (isDefault()) {
      context().getLogger("org.flywaydb").setLevel(Level.WARN);
      context().getLogger("dev.parley.transport").setLevel(Level.WARN);
    }
  }

  /** Under the default configuration, logs warnings and errors only ({@code parley client}). */
  static void warningsOnly() {
    if (isDefault()) {
      context().getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
    }
  }

  /**
   * Replaces the configuration with the Logback XML {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the first error Logback reported
   */
  static void load(Path file) {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(file + ": cannot read the file");
    }
    LoggerContext ctx = requireContext();
    ctx.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    long since = System.currentTimeMillis();
    try {
      configurator.doConfigure(file.toFile());
    } catch (JoranException e) {
      throw new IllegalArgumentException(file + ": " + firstError(ctx, since, e.getMessage()), e);
    }
    String error = firstError(ctx, since, null);
    if (error != null) {
      throw new IllegalArgumentException(file + ": " + error);
    }
  }

  /**
   * Sets a logger's level from {@code LOGGER=LEVEL}, or the root logger's from {@code LEVEL}
   * alone; levels are TRACE, DEBUG, INFO, WARN, ERROR and OFF, in any case.
   *
   * @throws IllegalArgumentException if {@code spec} has no known level or an empty logger name
   */
  static void level(String spec) {
    int eq = spec.lastIndexOf('=');
    String name = eq < 0 ? Logger.ROOT_LOGGER_NAME : spec.substring(0, eq).trim();
    String levelName = spec.substring(eq + 1).trim();
    Level level = Level.toLevel(levelName, null);
    if (level == null || level == Level.ALL) {
      throw new IllegalArgumentException("not a level (TRACE, DEBUG, INFO, WARN, ERROR, OFF): '"
          + levelName + "' in '" + spec + "'");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("no logger name before '=' in '" + spec + "'");
    }
    requireContext().getLogger(name).setLevel(level);
  }

  /**
   * Sends what the root logger writes to {@code file} (appended; created with its directory)
   * instead of its appenders (standard error under the default configuration).
   *
   * @throws IllegalArgumentException if the file cannot be opened for appending
   */
  static void file(Path file) {
    LoggerContext ctx = requireContext();
    long since = System.currentTimeMillis();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(FILE_PATTERN);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(ctx);
    appender.setName("FILE");
    appender.setFile(file.toAbsolutePath().toString());
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalArgumentException(file + ": "
          + firstError(ctx, since, "cannot open the file for appending"));
    }
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  private static LoggerContext context() {
    return LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx ? ctx : null;
  }

  private static LoggerContext requireContext() {
    LoggerContext ctx = context();
    if (ctx == null) {
      throw new IllegalStateException("SLF4J is not bound to Logback but to "
          + LoggerFactory.getILoggerFactory().getClass().getName());
    }
    return ctx;
  }

  /** The first error Logback recorded since {@code since} (ms), with its cause; else {@code fallback}. */
  private static String firstError(LoggerContext ctx, long since, String fallback) {
    List<Status> errors = new ArrayList<>();
    for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
      if (s.getLevel() == Status.ERROR && s.getTimestamp() >= since) {
        errors.add(s);
      }
    }
    if (errors.isEmpty()) {
      return fallback;
    }
    Status first = errors.get(0);
    Throwable cause = first.getThrowable();
    return first.getMessage() + (cause == null || cause.getMessage() == null ? ""
        : ": " + cause.getMessage());
  }
}
