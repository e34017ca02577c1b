package io.warren.node.ctl;

/** A failed command: what to tell the user and the exit code (sysexits.h, as rabbitmqctl uses them). */
class CtlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The command line is wrong (what picocli answers for a bad option, too). */
  static final int USAGE = 64;
  /** The node could not be reached. */
  static final int UNAVAILABLE = 69;
  /** The node refused the credentials. */
  static final int NO_PERMISSION = 77;
  /** The node refused the request (a 4xx answer). */
  static final int DATA_ERROR = 65;
  /** No such user (rabbitmqctl's code for it). */
  static final int NO_USER = 67;
  /** The node failed (a 5xx answer) or answered something unexpected. */
  static final int SOFTWARE = 70;
  /** A file could not be read or written. */
  static final int IO_ERROR = 74;

  private final int exitCode;

  CtlException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
