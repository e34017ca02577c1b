package io.warren.model;

import io.warren.protocol.ReplyCode;

/** What apply answers to the submitter of a command. */
public sealed interface Reply {

  /** The command took effect (or was a no-op), nothing more to say. */
  record Ok() implements Reply {}

  Ok OK = new Ok();

  record Failure(ReplyCode code, String text) implements Reply {}

  record QueueDeclared(String queue, int messageCount, int consumerCount) implements Reply {}

  /** purge-ok and delete-ok. */
  record MessageCount(int messageCount) implements Reply {}

  /** The outcome of a publish: whether at least one queue took it. */
  record Published(boolean routed) implements Reply {}

  Published ROUTED = new Published(true);
  Published UNROUTED = new Published(false);

  /**
   * A publish the node routed: it took effect in the queues held here ({@code routedHere}; {@code
   * refusedHere} when one of them was full and refused it) and must still be enqueued in {@code
   * replicated}, queues whose messages live in queue partitions, and relayed to {@code remote},
   * non-replicated queues on other nodes of the cluster. The command log finishes the job and
   * answers the submitter with {@link Published}; the front end never sees this reply. {@code
   * message} is the message as the queues store it (without a {@code BCC} header).
   */
  record Forward(java.util.List<QueueName> replicated, java.util.List<QueueName> remote, boolean routedHere,
      boolean refusedHere, Message message) implements Reply {}

  /**
   * A publish that could not be stored (its queue partition has no quorum, or timed out): the
   * message may or may not be in the queue. Publisher confirms answer with basic.nack. Also the
   * answer when a queue at its length limit refused the message ({@code x-overflow}
   * reject-publish): the queues that could take it did.
   */
  record NotStored(String reason) implements Reply {}

  NotStored QUEUE_FULL = new NotStored("a queue at its length limit refused the message");

  record ConsumeOk(String consumerTag) implements Reply {}

  /** basic.get-ok. {@code messageCount} is what is still ready after this one. */
  record GetOk(QueueName queue, long messageId, boolean redelivered, Message message, int messageCount)
      implements Reply {}

  record GetEmpty() implements Reply {}

  GetEmpty GET_EMPTY = new GetEmpty();

  static Failure failure(AmqpFailure e) {
    return new Failure(e.code(), e.text());
  }

  default boolean isFailure() {
    return this instanceof Failure;
  }
}
