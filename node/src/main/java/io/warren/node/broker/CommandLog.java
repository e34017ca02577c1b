package io.warren.node.broker;

import io.warren.model.Command;
import io.warren.model.Result;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ordered log every broker command goes through. Implementations apply commands to the
 * broker model in log order on every replica; each replica hands replies and effects to the
 * sessions it hosts. The node's is {@link ReplicatedCommandLog}: non-replicated queues on the
 * broker thread, durable topology and replicated queues through Raft groups whose state machines
 * call the same {@link io.warren.model.Broker#apply}.
 *
 * <p>Ordering contract: commands a session submits are applied in submission order; a session
 * gets each batch's replies and effects in log order, on its own thread, after they were applied
 * (for replicated state: committed and applied). A session is forgotten once its {@link
 * Command.CloseConnection} has been applied.
 */
public interface CommandLog extends AutoCloseable {

  /** Makes a session known, so effects addressed to its connection reach it. */
  void register(ClientSession session);

  /** Submits commands from a session, in order. Never blocks. */
  void submit(ClientSession session, List<Submission> submissions);

  /**
   * Users and permissions as last applied: an immutable value, read from any thread (logins and
   * permission checks on the event loops).
   */
  io.warren.model.AccessControl access();

  /** Submits one command from outside any session (management, tests). */
  CompletableFuture<Result> submit(Command command);

  @Override
  void close();
}
