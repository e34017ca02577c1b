package io.warren.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicTrieTest {

  private static boolean matches(String pattern, String key) {
    TopicTrie trie = new TopicTrie();
    Binding b = new Binding(new ExchangeName("/", "t"), new QueueName("/", "q"), pattern, Arguments.EMPTY);
    trie.add(b);
    Set<Binding> hits = new LinkedHashSet<>();
    trie.match(key, Arguments.EMPTY, hits::add);
    return !hits.isEmpty();
  }

  @ParameterizedTest(name = "''{0}'' vs ''{1}'' -> {2}")
  @CsvSource(delimiter = '|', emptyValue = "", value = {
      "a.b.c|a.b.c|true",
      "a.b.c|a.b|false",
      "a.*.c|a.b.c|true",
      "a.*.c|a.c|false",
      "a.*|a.|true",         // one empty word
      "a.*|a|false",
      "#|''|true",
      "#|a.b.c|true",
      "a.#|a|true",          // # matches zero words
      "a.#|a.b.c|true",
      "a.#|b.a|false",
      "#.a|a|true",
      "a.#.b|a.b|true",
      "a.#.b|a.x.y.b|true",
      "a.#.b|a.x.y|false",
      "a.#.#.b|a.b|true",
      "*|''|false",          // the empty key has no words
      "''|''|true",
      "''|a|false",
      "*.*|.|true",          // two empty words
      "a..b|a..b|true",
      "a.*.b|a..b|true",
      "#.*|''|false",
      "#.*|a|true",
      "*.#|a.b|true",
  })
  void matchesLikeRabbitMq(String pattern, String key, boolean expected) {
    assertThat(matches(unquote(pattern), unquote(key))).isEqualTo(expected);
  }

  private static String unquote(String s) {
    return s == null || s.equals("''") ? "" : s;
  }

  @Property(tries = 300)
  void agreesWithARegexReference(@ForAll("patterns") String pattern, @ForAll("keys") String key) {
    assertThat(matches(pattern, key)).as("%s vs %s", pattern, key).isEqualTo(reference(pattern, key));
  }

  @Property(tries = 100)
  void removeUndoesAdd(@ForAll("patterns") String p1, @ForAll("patterns") String p2, @ForAll("keys") String key) {
    TopicTrie trie = new TopicTrie();
    Binding b1 = new Binding(new ExchangeName("/", "t"), new QueueName("/", "q1"), p1, Arguments.EMPTY);
    Binding b2 = new Binding(new ExchangeName("/", "t"), new QueueName("/", "q2"), p2, Arguments.EMPTY);
    trie.add(b1);
    trie.add(b2);
    trie.remove(b1);
    Set<Binding> hits = new LinkedHashSet<>();
    trie.match(key, Arguments.EMPTY, hits::add);
    assertThat(hits).doesNotContain(b1);
    assertThat(hits.contains(b2)).isEqualTo(reference(p2, key));
  }

  /** Word-wise reference: a regex over the list of words, '#' as any number of words. */
  private static boolean reference(String pattern, String key) {
    List<String> pw = BindingIndex.words(pattern);
    List<String> kw = BindingIndex.words(key);
    StringBuilder re = new StringBuilder();
    for (String w : pw) {
      switch (w) {
        case "#" -> re.append("(?:[^/]*/)*");
        case "*" -> re.append("[^/]*/");
        default -> re.append(Pattern.quote(w)).append('/');
      }
    }
    StringBuilder k = new StringBuilder();
    kw.forEach(w -> k.append(w).append('/'));
    return Pattern.matches(re.toString(), k.toString());
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of("a", "b", "", "*", "#").list().ofMaxSize(5).map(l -> String.join(".", l));
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of("a", "b", "").list().ofMaxSize(5).map(l -> String.join(".", l));
  }
}
