package io.warren.node.broker;

import io.warren.model.Reply;

/** Receives the reply to a submitted command, on the submitting session's thread. */
@FunctionalInterface
public interface ReplyHandler {
  void onReply(Reply reply);
}
