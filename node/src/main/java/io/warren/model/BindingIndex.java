package io.warren.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How an exchange finds the bindings a message matches. One implementation per exchange type;
 * each iterates in insertion order so routing is deterministic on every replica.
 */
interface BindingIndex {
  void add(Binding binding);

  void remove(Binding binding);

  /** Calls {@code sink} for every binding the message matches (possibly more than once per binding). */
  void match(String routingKey, Arguments headers, Consumer<Binding> sink);

  /**
   * Calls {@code sink} for every binding {@code message} matches through any of its routing keys
   * (its own and sender-selected ones). {@code codec} reads its properties, for indexes that need them.
   */
  default void match(Message message, List<String> routingKeys, PropertiesCodec codec, Consumer<Binding> sink) {
    for (String key : routingKeys) {
      match(key, message.headers(), sink);
    }
  }

  /** Validates a binding's arguments before it is added; throws {@link AmqpFailure}. */
  default void validate(Binding binding) {}

  /** direct: the routing key equals the binding key. */
  final class Direct implements BindingIndex {
    private final Map<String, Set<Binding>> byKey = new HashMap<>();

    @Override
    public void add(Binding b) {
      byKey.computeIfAbsent(b.routingKey(), k -> new LinkedHashSet<>()).add(b);
    }

    @Override
    public void remove(Binding b) {
      Set<Binding> set = byKey.get(b.routingKey());
      if (set != null && set.remove(b) && set.isEmpty()) {
        byKey.remove(b.routingKey());
      }
    }

    @Override
    public void match(String routingKey, Arguments headers, Consumer<Binding> sink) {
      Set<Binding> set = byKey.get(routingKey);
      if (set != null) {
        for (Binding b : set) {
          sink.accept(b);
        }
      }
    }
  }

  /** fanout: every binding. */
  final class Fanout implements BindingIndex {
    private final Set<Binding> all = new LinkedHashSet<>();

    @Override
    public void add(Binding b) {
      all.add(b);
    }

    @Override
    public void remove(Binding b) {
      all.remove(b);
    }

    @Override
    public void match(Message message, List<String> routingKeys, PropertiesCodec codec, Consumer<Binding> sink) {
      match(message.routingKey(), message.headers(), sink); // keys do not matter
    }

    @Override
    public void match(String routingKey, Arguments headers, Consumer<Binding> sink) {
      for (Binding b : all) {
        sink.accept(b);
      }
    }
  }

  /** headers: the message's headers against each binding's arguments, per its x-match. */
  final class Headers implements BindingIndex {
    private final Map<Binding, HeadersMatcher> matchers = new java.util.LinkedHashMap<>();

    @Override
    public void validate(Binding b) {
      HeadersMatcher.compile(b.arguments());
    }

    @Override
    public void add(Binding b) {
      matchers.put(b, HeadersMatcher.compile(b.arguments()));
    }

    @Override
    public void remove(Binding b) {
      matchers.remove(b);
    }

    @Override
    public void match(Message message, List<String> routingKeys, PropertiesCodec codec, Consumer<Binding> sink) {
      match(message.routingKey(), message.headers(), sink); // keys do not matter
    }

    @Override
    public void match(String routingKey, Arguments headers, Consumer<Binding> sink) {
      for (Map.Entry<Binding, HeadersMatcher> e : matchers.entrySet()) {
        if (e.getValue().matches(headers)) {
          sink.accept(e.getKey());
        }
      }
    }
  }

  /** Splits a routing key into words as RabbitMQ does: "" has no words, "a..b" has an empty middle word. */
  static List<String> words(String key) {
    List<String> words = new ArrayList<>();
    if (key.isEmpty()) {
      return words;
    }
    int start = 0;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '.') {
        words.add(key.substring(start, i));
        start = i + 1;
      }
    }
    words.add(key.substring(start));
    return words;
  }
}
