package io.warren.model;

import java.util.List;

/**
 * What a queue partition knows of the clients at one moment: their connections and channels, the
 * consumers in each queue's round-robin order, and which channel holds which message. Messages
 * themselves are not here (they are in the partition's store). A replica that restarts restores
 * this from its last snapshot and replays the log from there, so that it takes the same
 * decisions as the replicas that never stopped.
 */
public record ClientsSnapshot(List<Connection> connections, List<Queue> queues) {
  public ClientsSnapshot {
    connections = List.copyOf(connections);
    queues = List.copyOf(queues);
  }

  /** A connection and its channels, in the order they opened. */
  public record Connection(long id, String vhost, List<Channel> channels) {
    public Connection {
      channels = List.copyOf(channels);
    }
  }

  /**
   * A channel: its limits and counters, its consumers in the order they were created (then the
   * cancelled ones whose deliveries it still holds), and the queues it consumes from or holds
   * messages of, in the order it first touched them.
   */
  public record Channel(
      ChannelRef ref, int prefetch, int unacked, boolean flowActive, List<Consumer> consumers,
      List<QueueName> queues) {
    public Channel {
      consumers = List.copyOf(consumers);
      queues = List.copyOf(queues);
    }
  }

  public record Consumer(
      String tag, QueueName queue, boolean noAck, boolean exclusive, int prefetch, int credit, int unacked,
      Arguments arguments, boolean cancelled) {}

  /**
   * A queue's client-facing state: consumers in round-robin order (the head gets the next message),
   * the messages channels hold, and when it was last used (its {@code x-expires} lease; {@link
   * Long#MIN_VALUE} when not known).
   */
  public record Queue(QueueName name, boolean hadConsumer, List<ConsumerRef> rotation, List<Held> held,
      long lastUsed) {
    public Queue {
      rotation = List.copyOf(rotation);
      held = List.copyOf(held);
    }
  }

  /**
   * A consumer by its position in its channel's {@link Channel#consumers} (a tag alone is not
   * enough: a cancelled consumer's tag may be in use again).
   */
  public record ConsumerRef(ChannelRef channel, int index) {}

  /** Message {@code id} held by {@code channel}: delivered to {@code consumer}, or got when it is null. */
  public record Held(long id, ChannelRef channel, ConsumerRef consumer, boolean redelivered) {}
}
