package io.warren.raft;

/** Why a {@link RaftNode#submit} did not succeed. */
public final class ReplicationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Whether the command may have been applied matters to the caller; see each kind. */
  public enum Kind {
    /** The state machine refused the command ({@link CommandRejectedException}); not applied. */
    REJECTED,
    /** No leader could be reached in time or retries ran out; the command may or may not be applied. */
    UNAVAILABLE,
    /** No answer within the submit timeout; the command may or may not be applied. */
    TIMEOUT,
    /** Too many commands waiting for this group on this node; not submitted. Back off. */
    OVERLOADED,
    /** The command exceeds the configured maximum size; not submitted. */
    TOO_LARGE,
    /** The group is not known on this node (call {@link RaftNode#ensureGroup} first). */
    UNKNOWN_GROUP,
    /** The node is shutting down; the command may or may not be applied. */
    CLOSED
  }

  private final Kind kind;

  public ReplicationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public ReplicationException(Kind kind, String message) {
    this(kind, message, null);
  }

  public Kind kind() {
    return kind;
  }
}
