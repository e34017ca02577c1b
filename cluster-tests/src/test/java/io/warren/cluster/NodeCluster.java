package io.warren.cluster;

import com.rabbitmq.client.ConnectionFactory;
import java.util.List;
import java.util.function.Supplier;

/**
 * Warren nodes that a test runs and faults (JVM processes on loopback, or containers) as the
 * {@link Workload}'s clients see them: which nodes there are and which of them take clients now.
 * Implementations are thread-safe: clients ask while the test kills, pauses or cuts off nodes.
 */
public interface NodeCluster {
  /** Every node's id, in order. */
  List<String> ids();

  /** The nodes clients may connect to now, in id order. */
  List<Member> serving();

  /** The same nodes, with the count of their changes that a client may wait on. */
  ServingNodes<?> servingNodes();

  /**
   * A node a client may connect to.
   *
   * @param connectionFactory a new factory for the node's AMQP address on each call (callers tune it)
   */
  record Member(String id, Supplier<ConnectionFactory> connectionFactory) {}
}
