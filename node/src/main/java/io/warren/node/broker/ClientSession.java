package io.warren.node.broker;

import io.warren.model.Effect;

/**
 * A client connection as the command log sees it: where the replies to its commands and the
 * effects addressed to it are carried out. The log calls {@link #execute} from its own thread; the
 * task then runs on the session's thread (the connection's Netty event loop), which is the only
 * thread that calls {@link #onApplied}.
 */
public interface ClientSession {
  /** The connection id the model knows this session by. */
  long connectionId();

  /** Runs {@code task} on the session's own thread. Must not block. */
  void execute(Runnable task);

  /**
   * Called on the session's thread with what one applied batch produced for it, in log order:
   * the replies to its commands and the effects addressed to it.
   */
  void onApplied(AppliedBatch batch);

  /**
   * One applied batch's replies and effects for one session; a {@link CommandLog} implementation
   * fills it on its apply thread and hands it over once complete.
   */
  final class AppliedBatch {
    private final java.util.ArrayList<Object> items = new java.util.ArrayList<>();
    private int applied;

    public void addReply(ReplyHandler handler, io.warren.model.Reply reply) {
      addReply(handler, reply, java.util.List.of());
    }

    /** A publish's reply, with the queues it was routed to ({@link ReplyHandler#onPublished}). */
    public void addReply(ReplyHandler handler, io.warren.model.Reply reply,
        java.util.List<io.warren.model.QueueName> routedTo) {
      applied++;
      if (handler != null) {
        items.add(new PendingReply(handler, reply, routedTo));
      }
    }

    public void addEffect(Effect effect) {
      items.add(effect);
    }

    /** How many of the session's own commands this batch applied (for in-flight accounting). */
    public int appliedCommands() {
      return applied;
    }

    /** Replies ({@link PendingReply}) and effects ({@link Effect}), in order. */
    public java.util.List<Object> items() {
      return items;
    }
  }

  /** A reply with the handler it goes to; for a publish, the queues it was routed to. */
  record PendingReply(ReplyHandler handler, io.warren.model.Reply reply,
      java.util.List<io.warren.model.QueueName> routedTo) {

    /** Hands the reply to its handler. */
    public void deliver() {
      handler.onPublished(reply, routedTo);
    }
  }
}
