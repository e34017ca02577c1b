package io.warren.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersMatcherTest {

  private static boolean matches(Map<String, Object> binding, Map<String, Object> headers) {
    return HeadersMatcher.compile(Arguments.of(binding)).matches(Arguments.of(headers));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void allIsTheDefaultAndNeedsEveryPair() {
    assertThat(matches(map("a", 1, "b", "x"), map("a", 1, "b", "x", "c", true))).isTrue();
    assertThat(matches(map("a", 1, "b", "x"), map("a", 1))).isFalse();
    assertThat(matches(map("x-match", "all", "a", 1), map("a", 2))).isFalse();
  }

  @Test
  void anyNeedsOnePair() {
    assertThat(matches(map("x-match", "any", "a", 1, "b", "x"), map("b", "x"))).isTrue();
    assertThat(matches(map("x-match", "any", "a", 1), map("b", "x"))).isFalse();
    assertThat(matches(map("x-match", "any"), map("b", "x"))).isFalse();
  }

  @Test
  void emptyAllMatchesEverything() {
    assertThat(matches(map(), map())).isTrue();
    assertThat(matches(map("x-match", "all"), map("z", 1))).isTrue();
  }

  @Test
  void integersCompareByValueAcrossWidths() {
    assertThat(matches(map("a", 1), map("a", 1L))).isTrue();
    assertThat(matches(map("a", (short) 1), map("a", (byte) 1))).isTrue();
    assertThat(matches(map("a", 1), map("a", "1"))).isFalse();
    assertThat(matches(map("a", "x"), map("a", new Arguments.Bytes("x".getBytes())))).isTrue();
  }

  @Test
  void voidPatternAsksForPresenceOnly() {
    assertThat(matches(map("a", null), map("a", 42))).isTrue();
    assertThat(matches(map("a", null), map("b", 42))).isFalse();
  }

  @Test
  void xKeysOnlyCountInWithXModes() {
    assertThat(matches(map("x-match", "all", "x-k", 1), map())).isTrue();
    assertThat(matches(map("x-match", "all-with-x", "x-k", 1), map())).isFalse();
    assertThat(matches(map("x-match", "all-with-x", "x-k", 1), map("x-k", 1))).isTrue();
    assertThat(matches(map("x-match", "any", "x-k", 1), map("x-k", 1))).isFalse();
    assertThat(matches(map("x-match", "any-with-x", "x-k", 1), map("x-k", 1))).isTrue();
  }

  @Test
  void unknownModeIsRejected() {
    assertThatThrownBy(() -> HeadersMatcher.compile(Arguments.of("x-match", "most")))
        .isInstanceOf(AmqpFailure.class);
  }
}
