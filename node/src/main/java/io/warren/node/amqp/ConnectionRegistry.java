package io.warren.node.amqp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The node's open connections by id, for what crosses connections (direct reply-to). */
final class ConnectionRegistry {
  private final ConcurrentMap<Long, AmqpConnection> connections = new ConcurrentHashMap<>();

  void add(AmqpConnection c) {
    connections.put(c.id(), c);
  }

  void remove(AmqpConnection c) {
    connections.remove(c.id(), c);
  }

  AmqpConnection get(long id) {
    return connections.get(id);
  }

  int size() {
    return connections.size();
  }
}
