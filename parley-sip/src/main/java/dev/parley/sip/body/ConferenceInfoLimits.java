package dev.parley.sip.body;

/**
 * The bounds {@link ConferenceInfo#parse(byte[], ConferenceInfoLimits)} holds a document to: a
 * document beyond one is refused with a {@link ConferenceInfoException} naming it.
 *
 * @param maxBytes largest document, in bytes
 * @param maxUsers most {@code user} elements
 * @param maxEndpointsPerUser most {@code endpoint} elements in one user
 * @param maxMediaPerEndpoint most {@code media} elements in one endpoint
 * @param maxDepth deepest element nesting (the root is depth 1), unknown elements included
 * @param maxListEntries most entries of a small list (conf-uris, roles)
 */
public record ConferenceInfoLimits(int maxBytes, int maxUsers, int maxEndpointsPerUser,
    int maxMediaPerEndpoint, int maxDepth, int maxListEntries) {
  /** Default largest document: {@value}. */
  public static final int DEFAULT_MAX_BYTES = 256 * 1024;
  /** Default most users: {@value}. */
  public static final int DEFAULT_MAX_USERS = 1000;
  /** Default most endpoints per user: {@value}. */
  public static final int DEFAULT_MAX_ENDPOINTS_PER_USER = 16;
  /** Default most media per endpoint: {@value}. */
  public static final int DEFAULT_MAX_MEDIA_PER_ENDPOINT = 16;
  /** Default deepest nesting: {@value}. */
  public static final int DEFAULT_MAX_DEPTH = 32;
  /** Default most entries of a small list: {@value}. */
  public static final int DEFAULT_MAX_LIST_ENTRIES = 64;

  /** The defaults above. */
  public static final ConferenceInfoLimits DEFAULT = new ConferenceInfoLimits(DEFAULT_MAX_BYTES,
      DEFAULT_MAX_USERS, DEFAULT_MAX_ENDPOINTS_PER_USER, DEFAULT_MAX_MEDIA_PER_ENDPOINT,
      DEFAULT_MAX_DEPTH, DEFAULT_MAX_LIST_ENTRIES);

  /**
   * Checks every bound is positive.
   *
   * @throws IllegalArgumentException naming the first bound that is not
   */
  public ConferenceInfoLimits {
    positive("maxBytes", maxBytes);
    positive("maxUsers", maxUsers);
    positive("maxEndpointsPerUser", maxEndpointsPerUser);
    positive("maxMediaPerEndpoint", maxMediaPerEndpoint);
    positive("maxDepth", maxDepth);
    positive("maxListEntries", maxListEntries);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}
