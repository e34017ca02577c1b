package io.warren.storage;

import java.nio.file.Path;

/**
 * A storage failure, with a message meant for the operator who has to fix it.
 *
 * <p>Unchecked: most callers can do nothing but fail the operation (or stop the node) and report it.
 * {@link #kind()} tells the cases apart for callers that do react, e.g. startup code that turns
 * {@link Kind#LOCKED} into "another node is already running on this directory".
 */
public final class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, as far as the operator is concerned. */
  public enum Kind {
    /** Another process (or another open store in this one) holds the directory's lock. */
    LOCKED,
    /** The directory cannot be created or written: a file in the way, permissions, read-only mount. */
    NOT_WRITABLE,
    /** The files in the directory are damaged or inconsistent. */
    CORRUPT,
    /** The store was used after {@link Store#close()}. */
    CLOSED,
    /** Any other I/O or engine failure (disk full, ...). */
    FAILED
  }

  private final Kind kind;
  private final Path directory;

  public StorageException(Kind kind, Path directory, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.directory = directory;
  }

  public StorageException(Kind kind, Path directory, String message) {
    this(kind, directory, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The store directory concerned, or null when not known. */
  public Path directory() {
    return directory;
  }
}
