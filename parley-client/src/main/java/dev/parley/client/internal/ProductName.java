package dev.parley.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The product an endpoint names by default (its {@code User-Agent} and {@code Server} headers,
 * set by the dialog layer where it builds its messages: {@code UserAgent.Builder.product}). Not
 * API.
 */
public final class ProductName {
  /** {@code Parley/<version>} (the jar manifest's, else the filtered resource's), or {@code Parley}. */
  public static final String DEFAULT = "Parley" + version();

  private ProductName() {}

  /** "/" and the version, or "" when it is not known (classes not from a built jar). */
  private static String version() {
    String v = ProductName.class.getPackage().getImplementationVersion();
    if (v == null) {
      try (InputStream in = ProductName.class.getResourceAsStream(
          "/dev/parley/client/version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          v = p.getProperty("version");
        }
      } catch (IOException | IllegalArgumentException e) {
        v = null;
      }
    }
    // unfiltered (${project.version}) or not a plain version: the bare product name
    return v != null && v.matches("[A-Za-z0-9.+_-]+") ? "/" + v : "";
  }
}
