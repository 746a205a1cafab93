package dev.parley.server.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.server.config.AuthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code auth.md5_only_user_agents}: whole-word, case-insensitive prefixes of User-Agent. */
class UserAgentMatcherTest {
  private final UserAgentMatcher defaults =
      UserAgentMatcher.parse(AuthConfig.DEFAULT_MD5_ONLY_USER_AGENTS);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "baresip v1.0.0 (x86_64/linux)      | true",
      "BARESIP                            | true",
      "SIPp register-uac                  | true",
      "sipp/3.6.1                         | true",
      "sipsak 0.9.8.1                     | true",
      "Sippy                              | false",
      "baresipper 2                       | false",
      "Linphone/5.1.65 (belle-sip/5.1.55) | false",
      "linphonec                          | false",
      "my baresip                         | false",
  })
  void defaultListMatchesWholeWordPrefixes(String userAgent, boolean md5Only) {
    assertThat(defaults.matches(userAgent)).isEqualTo(md5Only);
  }

  @Test
  void noUserAgentMatchesNothingAndNoneIsEmpty() {
    assertThat(defaults.matches(null)).isFalse();
    assertThat(UserAgentMatcher.parse("none")).isSameAs(UserAgentMatcher.NONE);
    assertThat(UserAgentMatcher.parse("  ")).isSameAs(UserAgentMatcher.NONE);
    assertThat(UserAgentMatcher.NONE.matches("baresip")).isFalse();
    assertThat(UserAgentMatcher.parse(" Grandstream GXP ,baresip").entries())
        .containsExactly("Grandstream GXP", "baresip");
    assertThat(defaults).hasToString("baresip, SIPp, sipsak");
  }

  @Test
  void emptyEntryIsRefused() {
    assertThatThrownBy(() -> UserAgentMatcher.parse("baresip,,sipp"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty User-Agent entry");
  }
}
