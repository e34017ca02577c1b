package io.warren.protocol;

/**
 * An AMQP protocol error: what to put in the {@code connection.close} or {@code channel.close}
 * that answers it.
 *
 * <p>{@link #replyText()} is the explanation alone; {@link #closeReplyText()} formats it the way
 * RabbitMQ does ("NOT_FOUND - no queue 'q'"). classId/methodId name the method that caused the
 * error, 0 when none.
 */
public class AmqpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ReplyCode code;
  private final String replyText;
  private final int classId;
  private final int methodId;

  public AmqpException(ReplyCode code, String replyText) {
    this(code, replyText, 0, 0);
  }

  public AmqpException(ReplyCode code, String replyText, int classId, int methodId) {
    super(code.textName() + " - " + replyText
        + (classId != 0 || methodId != 0 ? " (class " + classId + ", method " + methodId + ")" : ""));
    this.code = code;
    this.replyText = replyText;
    this.classId = classId;
    this.methodId = methodId;
  }

  public static AmqpException frameError(String text) {
    return new AmqpException(ReplyCode.FRAME_ERROR, text);
  }

  public static AmqpException syntaxError(String text) {
    return new AmqpException(ReplyCode.SYNTAX_ERROR, text);
  }

  public static AmqpException unexpectedFrame(String text) {
    return new AmqpException(ReplyCode.UNEXPECTED_FRAME, text);
  }

  public static AmqpException notImplemented(String text) {
    return new AmqpException(ReplyCode.NOT_IMPLEMENTED, text);
  }

  public static AmqpException preconditionFailed(String text) {
    return new AmqpException(ReplyCode.PRECONDITION_FAILED, text);
  }

  /** The same error attributed to the method (classId, methodId). */
  public AmqpException withMethod(int classId, int methodId) {
    return new AmqpException(code, replyText, classId, methodId);
  }

  public ReplyCode code() {
    return code;
  }

  public int replyCode() {
    return code.code();
  }

  public String replyText() {
    return replyText;
  }

  /** RabbitMQ-style reply text: the code's text name, " - ", the explanation. */
  public String closeReplyText() {
    return code.textName() + " - " + replyText;
  }

  public int classId() {
    return classId;
  }

  public int methodId() {
    return methodId;
  }

  public boolean isConnectionError() {
    return code.isConnectionError();
  }
}
