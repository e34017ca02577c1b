package io.warren.model;

import java.util.Locale;
import java.util.Optional;

/** The exchange types and how each indexes its bindings for routing. */
public enum ExchangeType {
  DIRECT,
  FANOUT,
  TOPIC,
  HEADERS;

  /** The name on the wire: "direct", "fanout", ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ExchangeType> fromWire(String name) {
    for (ExchangeType t : values()) {
      if (t.wireName().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  BindingIndex newIndex() {
    return switch (this) {
      case DIRECT -> new BindingIndex.Direct();
      case FANOUT -> new BindingIndex.Fanout();
      case TOPIC -> new TopicTrie();
      case HEADERS -> new BindingIndex.Headers();
    };
  }
}
