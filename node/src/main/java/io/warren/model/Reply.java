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
