package dev.parley.server.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bounded pool of repeated texts (User-Agent values of bindings). */
class SharedTextsTest {
  @Test
  void equalValuesComeBackAsOneInstance() {
    SharedTexts pool = new SharedTexts(10, 100);
    String first = pool.share(new String("linphone/5.2"));
    assertThat(pool.share(new String("linphone/5.2"))).isSameAs(first);
    assertThat(pool.share(null)).isNull();
  }

  @Test
  void aFullPoolAndLongValuesReturnTheValueAsGivenWithoutGrowing() {
    SharedTexts pool = new SharedTexts(2, 5);
    pool.share("a");
    pool.share("b");
    String c = new String("c");
    assertThat(pool.share(c)).isSameAs(c);
    String longer = "abcdef";
    assertThat(pool.share(longer)).isSameAs(longer);
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> new SharedTexts(0, 1)).hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> new SharedTexts(1, 0)).hasMessageContaining("maxLength");
  }
}
