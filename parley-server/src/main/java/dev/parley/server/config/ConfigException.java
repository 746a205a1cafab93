package dev.parley.server.config;

/**
 * A server configuration entry is wrong: the message names the file, line and key (for a config
 * file) or the setting, and what is wrong with the value. The server refuses to start.
 */
public final class ConfigException extends RuntimeException {
  /** An exception with a message naming the line and key. */
  public ConfigException(String message) {
    super(message);
  }
}
