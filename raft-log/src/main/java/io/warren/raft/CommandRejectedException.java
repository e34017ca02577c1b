package io.warren.raft;

/**
 * Thrown by {@link GroupStateMachine#apply} to refuse a command. It must be thrown (or not) the same
 * way on every replica. The message reaches the submitter.
 */
public class CommandRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommandRejectedException(String message) {
    super(message);
  }
}
