package io.warren.protocol;

/**
 * AMQP 0-9-1 reply codes, as used in {@code connection.close} and {@code channel.close}.
 *
 * <p>The spec splits errors into soft (channel) and hard (connection) errors; {@link
 * #isConnectionError()} tells which. {@link #textName()} is the name RabbitMQ puts in front of
 * its reply texts ("NOT_FOUND - no queue 'q' in vhost '/'").
 */
public enum ReplyCode {
  REPLY_SUCCESS(200, false),
  CONTENT_TOO_LARGE(311, false),
  NO_ROUTE(312, false),
  NO_CONSUMERS(313, false),
  CONNECTION_FORCED(320, true),
  INVALID_PATH(402, true),
  ACCESS_REFUSED(403, false),
  NOT_FOUND(404, false),
  RESOURCE_LOCKED(405, false),
  PRECONDITION_FAILED(406, false),
  FRAME_ERROR(501, true),
  SYNTAX_ERROR(502, true),
  COMMAND_INVALID(503, true),
  CHANNEL_ERROR(504, true),
  UNEXPECTED_FRAME(505, true),
  RESOURCE_ERROR(506, true),
  NOT_ALLOWED(530, true),
  NOT_IMPLEMENTED(540, true),
  INTERNAL_ERROR(541, true);

  private static final ReplyCode[] BY_CODE = new ReplyCode[600];

  static {
    for (ReplyCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;
  private final boolean connectionError;

  ReplyCode(int code, boolean connectionError) {
    this.code = code;
    this.connectionError = connectionError;
  }

  /** The numeric code sent on the wire. */
  public int code() {
    return code;
  }

  /** True for hard errors, which close the whole connection rather than one channel. */
  public boolean isConnectionError() {
    return connectionError;
  }

  /** RabbitMQ's text name of the code, e.g. {@code "NOT_FOUND"}. */
  public String textName() {
    return name();
  }

  /** The constant for {@code code}, or null if the code is not one of the spec's. */
  public static ReplyCode of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * Whether {@code code} is a connection-level (hard) error. Unknown codes of 500 and above count
   * as hard, like the spec's numbering suggests.
   */
  public static boolean isConnectionError(int code) {
    ReplyCode known = of(code);
    return known != null ? known.connectionError : code >= 500;
  }
}
