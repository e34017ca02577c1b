package io.warren.model;

/**
 * The AMQP reply codes the broker model can answer with. Channel errors close the channel;
 * connection errors (the spec's "hard" errors) close the whole connection.
 */
public enum ErrorCode {
  ACCESS_REFUSED(403, false),
  NOT_FOUND(404, false),
  RESOURCE_LOCKED(405, false),
  PRECONDITION_FAILED(406, false),
  COMMAND_INVALID(503, true),
  NOT_ALLOWED(530, true),
  NOT_IMPLEMENTED(540, true),
  INTERNAL_ERROR(541, true);

  private final int code;
  private final boolean connectionError;

  ErrorCode(int code, boolean connectionError) {
    this.code = code;
    this.connectionError = connectionError;
  }

  public int code() {
    return code;
  }

  public boolean isConnectionError() {
    return connectionError;
  }
}
