package io.warren.protocol.frame;

import io.warren.protocol.AmqpException;
import io.warren.protocol.ReplyCode;
import io.warren.protocol.method.AmqpMethod;

/** What {@link ContentAssembler#accept} made of one frame. */
public sealed interface AssemblyResult
    permits AmqpCommand, AssemblyResult.Pending, AssemblyResult.ContentTooLarge {

  /** The frame was taken in; no command is complete yet (or the frame was discarded). */
  enum Pending implements AssemblyResult {
    INSTANCE
  }

  /**
   * A content header announced a body larger than the assembler's maximum. The header's
   * properties are already released and the body frames that follow are dropped. RabbitMQ answers
   * this with a channel error, {@link #toException()}.
   */
  record ContentTooLarge(int channel, AmqpMethod method, long bodySize, long maxBodySize)
      implements AssemblyResult {

    /** 406 PRECONDITION_FAILED with RabbitMQ's text, attributed to the method. */
    public AmqpException toException() {
      return new AmqpException(ReplyCode.PRECONDITION_FAILED, "message size " + bodySize
          + " is larger than configured max size " + maxBodySize, method.classId(),
          method.methodId());
    }
  }
}
