package io.warren.model;

/**
 * Work apply hands back as data, for the node that hosts the affected connection to carry out
 * after the command is applied (in the cluster: committed and applied). Effects are produced in
 * a deterministic order and must be carried out in that order per connection, after the reply
 * to the command that produced them.
 */
public sealed interface Effect {

  /** The connection that must carry the effect out. */
  long connection();

  /**
   * Send {@code message} (id {@code messageId} of {@code queue}) to a consumer. For an ack-mode
   * consumer the channel now holds it until it settles by (queue, id); for a no-ack consumer it
   * has already left the queue. Uses one unit of the consumer's transmission credit.
   */
  record Deliver(
      ChannelRef channel, String consumerTag, QueueName queue, long messageId, boolean redelivered, boolean noAck,
      Message message) implements Effect {
    @Override
    public long connection() {
      return channel.connection();
    }
  }

  /**
   * The connection no longer exists in the queues' state (its node was declared down): drop the
   * client with connection.close 320 CONNECTION_FORCED, so that it reconnects and starts afresh.
   */
  record ConnectionForced(long connection) implements Effect {}

  /**
   * What the connection was allowed to use is gone (its vhost or its user was deleted): close it
   * with 320 CONNECTION_FORCED and {@code reason}, as RabbitMQ does.
   */
  record ConnectionRevoked(long connection, String reason) implements Effect {}

  /**
   * A relayed publish ({@link Command.Relay}) arrived: the node that holds any of {@code queues}
   * (non-replicated queues live on one node) enqueues {@code message} in them.
   */
  record Relayed(java.util.List<QueueName> queues, Message message) implements Effect {
    @Override
    public long connection() {
      return 0;
    }
  }

  /** The server cancelled a consumer (its queue was deleted): tell the client with basic.cancel. */
  record ConsumerCancelled(ChannelRef channel, String consumerTag, QueueName queue) implements Effect {
    @Override
    public long connection() {
      return channel.connection();
    }
  }

  /**
   * A message died in a queue with a dead-letter exchange: route {@code message} (already rewritten
   * for its new life, see {@link DeadLetters}) through that exchange with {@link Command.DeadLetter}.
   * No connection carries it out ({@link #connection()} is 0): the command log republishes it, and
   * only the node that submitted the command that killed it, so that a replicated queue's dead
   * letters are republished once across the cluster (at most once, as RabbitMQ's default).
   */
  record DeadLettered(String vhost, Message message) implements Effect {
    @Override
    public long connection() {
      return 0;
    }
  }

  /**
   * {@code queue} deleted itself here: it went unused for its {@code x-expires}, or it is an
   * auto-delete queue and its last consumer went. A queue partition reports it so that the node
   * that submitted the command ({@link Command.Tick}, the cancel, the channel's close) also deletes
   * the queue from the metadata (its name, its bindings); {@link #connection()} is 0.
   */
  record QueueAutoDeleted(QueueName queue) implements Effect {
    @Override
    public long connection() {
      return 0;
    }
  }
}
