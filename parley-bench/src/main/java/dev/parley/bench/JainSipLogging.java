package dev.parley.bench;

import gov.nist.core.CommonLogger;
import gov.nist.core.StackLogger;
import java.util.Properties;

/**
 * Keeps JAIN-SIP away from log4j, which its pom declares {@code provided} and which this module does
 * not ship. NIST's {@link CommonLogger} delegates to {@link CommonLogger#legacyLogger} when it is set;
 * otherwise it loads log4j on the first log call and fails with {@code NoClassDefFoundError}.
 *
 * <p>Call {@link #install()} before the first JAIN-SIP parse. Idempotent. A {@code SipStack} installs
 * its own logger when it is created (property {@value #STACK_LOGGER_PROPERTY}, default
 * {@code gov.nist.core.LogWriter}, which needs log4j): give it {@link Silent} by name with
 * {@link #STACK_LOGGER_PROPERTY} = {@link #STACK_LOGGER_CLASS}.
 */
final class JainSipLogging {

  /** The {@code SipStack} property naming the class of its {@link StackLogger}. */
  static final String STACK_LOGGER_PROPERTY = "gov.nist.javax.sip.STACK_LOGGER";

  /** The value of {@link #STACK_LOGGER_PROPERTY} that keeps a {@code SipStack} silent. */
  static final String STACK_LOGGER_CLASS = "dev.parley.bench.JainSipLogging$Silent";

  private JainSipLogging() {}

  /** Routes every JAIN-SIP log call to a logger that is disabled and drops everything. */
  static synchronized void install() {
    CommonLogger.useLegacyLogger = true;
    CommonLogger.legacyLogger = Silent.INSTANCE;
  }

  /**
   * A {@link StackLogger} that reports logging as disabled at every level and drops all messages.
   * Public with a public no-argument constructor, so that a {@code SipStack} can instantiate it by name.
   */
  public static final class Silent implements StackLogger {
    static final Silent INSTANCE = new Silent();

    public Silent() {}

    @Override public void logStackTrace() {}
    @Override public void logStackTrace(int traceLevel) {}
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable ex) {}
    @Override public void logDebug(String message) {}
    @Override public void logDebug(String message, Exception ex) {}
    @Override public void logTrace(String message) {}
    @Override public void logFatalError(String message) {}
    @Override public void logError(String message) {}
    @Override public boolean isLoggingEnabled() { return false; }
    @Override public boolean isLoggingEnabled(int logLevel) { return false; }
    @Override public void logError(String message, Exception ex) {}
    @Override public void logWarning(String message) {}
    @Override public void logInfo(String message) {}
    @Override public void disableLogging() {}
    @Override public void enableLogging() {}
    @Override public void setBuildTimeStamp(String buildTimeStamp) {}
    @Override public void setStackProperties(Properties stackProperties) {}
    @Override public String getLoggerName() { return "silent"; }
  }
}
