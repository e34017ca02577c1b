package io.warren.node.amqp;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The node's open connections by id, for what crosses connections (direct reply-to, the
 * management API), and the node's message counters (in total and per queue), which outlive them.
 */
final class ConnectionRegistry {
  private final ConcurrentMap<Long, AmqpConnection> connections = new ConcurrentHashMap<>();
  final MessageCounters totals = new MessageCounters();
  final QueueMessageCounters queues = new QueueMessageCounters();

  void add(AmqpConnection c) {
    connections.put(c.id(), c);
  }

  void remove(AmqpConnection c) {
    connections.remove(c.id(), c);
  }

  AmqpConnection get(long id) {
    return connections.get(id);
  }

  Collection<AmqpConnection> all() {
    return connections.values();
  }

  int size() {
    return connections.size();
  }
}
