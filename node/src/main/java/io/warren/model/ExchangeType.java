package io.warren.model;

import java.util.Optional;

/** The exchange types and how each indexes its bindings for routing. */
public enum ExchangeType {
  DIRECT("direct"),
  FANOUT("fanout"),
  TOPIC("topic"),
  HEADERS("headers"),
  /** RabbitMQ's rabbitmq_consistent_hash_exchange plugin: see {@link ConsistentHash}. */
  CONSISTENT_HASH("x-consistent-hash");

  private final String wireName;

  ExchangeType(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire: "direct", "fanout", ..., "x-consistent-hash". */
  public String wireName() {
    return wireName;
  }

  public static Optional<ExchangeType> fromWire(String name) {
    for (ExchangeType t : values()) {
      if (t.wireName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Checks a new exchange's arguments; throws {@link AmqpFailure}. */
  void validate(Arguments arguments) {
    if (this == CONSISTENT_HASH) {
      ConsistentHash.HashOn.of(arguments);
    }
  }

  BindingIndex newIndex(Arguments arguments) {
    return switch (this) {
      case DIRECT -> new BindingIndex.Direct();
      case FANOUT -> new BindingIndex.Fanout();
      case TOPIC -> new TopicTrie();
      case HEADERS -> new BindingIndex.Headers();
      case CONSISTENT_HASH -> new ConsistentHash(ConsistentHash.HashOn.of(arguments));
    };
  }
}
