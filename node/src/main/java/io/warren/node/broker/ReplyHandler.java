package io.warren.node.broker;

import io.warren.model.QueueName;
import io.warren.model.Reply;
import java.util.List;

/** Receives the reply to a submitted command, on the submitting session's thread. */
@FunctionalInterface
public interface ReplyHandler {
  void onReply(Reply reply);

  /**
   * The reply to a {@link io.warren.model.Command.Publish}, with the queues the node routed it to
   * (for the per-queue counters; empty when unroutable). Other handlers ignore the queues.
   */
  default void onPublished(Reply reply, List<QueueName> routedTo) {
    onReply(reply);
  }
}
